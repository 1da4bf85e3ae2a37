"""An unchanged ``decompose analyze`` is answered from its record before click, rich or the
analyzer are imported (``decompose.replay``); any input that moves makes it run again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURES


def analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script's entry, with the modules it imports listed on stderr."""
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "decompose", "analyze",
                           *args], cwd=cwd, capture_output=True, text=True, check=False)


def imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def printed(done: subprocess.CompletedProcess[str]) -> tuple[str, list[str]]:
    return done.stdout, [line for line in done.stderr.splitlines()
                         if not line.startswith("import time:")]


def test_an_unchanged_run_is_replayed_and_each_input_ends_the_replay(tmp_path: Path) -> None:
    project = shutil.copytree(FIXTURES / "edge_shop", tmp_path / "shop")
    out = tmp_path / "report"
    args = (str(project), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
            "--format", "json,md")
    first = analyze(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "click" in imported(first) and "decompose analyze:" in first.stdout

    again = analyze(*args, cwd=tmp_path)
    assert again.returncode == 0
    assert printed(again) == printed(first)
    assert not {"click", "rich", "analyzer"} & imported(again)

    def runs_again_after(change: str) -> None:
        done = analyze(*args, cwd=tmp_path)
        assert done.returncode == 0, (change, done.stderr)
        assert "click" in imported(done), change

    model = next(project.rglob("models.py"))
    model.write_text(model.read_text() + "\n# touched\n")
    runs_again_after("a source file")
    (project / "decompose.toml").write_text('keep_apart = [["sales", "catalog"]]\n')
    runs_again_after("the config")
    (out / "report.md").unlink()
    runs_again_after("a report removed")
    assert (out / "report.md").is_file()
    (project / "newapp").mkdir()
    runs_again_after("a folder added to the project")
    assert "click" not in imported(analyze(*args, cwd=tmp_path))  # recorded anew
    assert "click" in imported(analyze(*args, "--format", "json", cwd=tmp_path))  # other args
