"""``decompose extract --apply`` on the leaf apps of real monoliths fetched from GitHub.

For the team's own checks, like benchmarks/github_corpus.py (same projects, same checkouts from
the ``fetch`` mirrors, same ``.venv-corpora/gh-<name>`` environments). Per project: a fresh
checkout is analysed with ``--python`` of its environment; every *leaf* app is extracted with
``--apply`` into its own copy of the checkout. A leaf app is an app of the project (not
third-party) with at least one concrete model and at least one URL routed to its views, whose
models no model of another of the project's apps points to (no inbound foreign key, one-to-one
or many-to-many), and that does not hold the user model. Those are the apps the proposal would
move first; extracting any other drags its dependants' foreign keys across the boundary.

Prints one row per attempt: the outcome (service written, the refusal's one line, or the
traceback's last line), whether a refused ``--apply`` left the monolith copy identical to the
checkout, and whether a written service's own suite passes (on a throwaway PostgreSQL). Booting
a written service under gunicorn beside the patched monolith and comparing its moved GET routes
is not done here yet: no attempt on this corpus writes a service today (see the README table).

decompose runs here from ``.venv-corpora/x-<name>``: a venv that sees the project's packages
(a ``.pth`` onto ``gh-<name>``) plus decompose, decompose-runtime and the generated services'
own dependencies; each service is then locked and checked by ``extract`` in a throwaway
environment of its own, built from its lock.

    python benchmarks/extract_corpus.py                       # every project with a mirror
    python benchmarks/extract_corpus.py --only kiwi --only nautobot --keep /tmp/extract-corpus
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import PROJECTS, VENVS, Project, environment, export, pip_install  # noqa: E402
from tests.support.postgres import temporary_postgres  # noqa: E402

# What a generated service declares (extractor/templates/service/pyproject.toml.j2, its [test]
# extra included): installed over the project's packages, so Django is the service's 5.2 (the
# range decompose-runtime requires too) even where the monolith pins another.
SERVICE_PACKAGES = ("django>=5.2,<5.3", "djangorestframework>=3.16,<4", "drf-spectacular>=0.28,<1",
                    "django-environ>=0.12,<1", "gunicorn>=23,<28", "prometheus-client>=0.21,<1",
                    "psycopg[binary]>=3.2,<4", "PyJWT[crypto]>=2.10,<3", "urllib3>=2.2,<3",
                    "pytest>=8,<10", "pytest-django>=4.9,<5", "schemathesis>=4,<5",
                    "hypothesis>=6.100,<7", "ruff>=0.6")
EXTRACT_TIMEOUT = 900
SUITE_TIMEOUT = 900


@dataclass(frozen=True)
class Attempt:
    project: str
    app: str
    outcome: str  # "service written", "refused: ...", "traceback: ..."
    suite: str = "-"  # "12 passed", "failed: ...", "-" when no service was written
    monolith: str = "patched"  # after a refusal: whether the copy is still the checkout


def leaf_apps(graph: dict) -> list[str]:
    """The project's apps with concrete models and routed views that nothing else points to."""
    own = {app["label"] for app in graph["apps"] if not app["external"]}
    app_of = {model["label"]: model["app"] for model in graph["models"]}
    with_models = {model["app"] for model in graph["models"] if not model["abstract"]}
    routed = {route["app"] for route in graph["urls"] if route.get("app")}
    pointed_to = {app_of[relation["target"]] for model in graph["models"]
                  for relation in model["relations"]
                  if app_of.get(relation["target"], model["app"]) != model["app"]
                  and model["app"] in own}
    user_app = graph.get("user_model", "auth.User").split(".")[0]
    return sorted((own & with_models & routed) - pointed_to - {user_app})


def extraction_environment(project: Project, python: Path) -> Path:
    """``x-<name>``: the project's packages (through a .pth) plus decompose and the service's."""
    venv = VENVS / f"x-{project.name}"
    marker = venv / ".installed"
    if not marker.exists():
        base = subprocess.run([str(python), "-c", "import sys; print(sys._base_executable)"],
                              capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
        ask = "import site, sys; print(site.getsitepackages()[0])"
        own_site, project_site = (
            subprocess.run([str(p), "-c", ask], capture_output=True, text=True,
                           check=True).stdout.strip() for p in (venv / "bin" / "python", python))
        Path(own_site, "_project.pth").write_text(project_site + "\n")
        pip_install(venv / "bin" / "python",
                    ["-e", str(REPO / "runtime"), "-e", str(REPO), *SERVICE_PACKAGES])
        marker.write_text("\n".join(SERVICE_PACKAGES) + "\n")
    return venv / "bin"


def one_line(stderr: str) -> str:
    """The refusal's own line, or the traceback's last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return "traceback: " + lines[-1]
    errors = [line for line in lines if line.lower().startswith("error")]
    return "refused: " + (errors or lines or ["(no message)"])[0].split(":", 1)[-1].strip()


def run_suite(bin_dir: Path, service: Path, database_url: str) -> str:
    """The generated service's own pytest run, on its own database of the throwaway cluster."""
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "DATABASE_URL": database_url,
           "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run([str(bin_dir / "python"), "-m", "pytest", "-q", "-p",
                               "no:cacheprovider"], cwd=service, env=env, capture_output=True,
                              text=True, timeout=SUITE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return f"timed out after {SUITE_TIMEOUT} s"
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1].strip("= ")
    return summary if done.returncode == 0 else f"FAILED: {summary}"


def attempt(project: Project, app: str, checkout: Path, work: Path, bin_dir: Path,
            database: str) -> Attempt:
    copy = work / app / "src"
    shutil.copytree(checkout, copy, symlinks=True)
    root = copy / project.root
    service = work / app / "service"
    try:
        done = subprocess.run(
            [str(bin_dir / "decompose"), "extract", app, "--project", str(root), "--apply",
             "--out", str(service)], cwd=root, capture_output=True, text=True,
            timeout=EXTRACT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return Attempt(project.name, app, f"timed out after {EXTRACT_TIMEOUT} s", monolith="?")
    (work / app / "extract.log").write_text(done.stdout + done.stderr)
    if done.returncode:
        untouched = subprocess.run(["diff", "-rq", "--exclude=__pycache__", str(checkout),
                                    str(copy)], capture_output=True, check=False).returncode == 0
        return Attempt(project.name, app, one_line(done.stderr),
                       monolith="unchanged" if untouched else "CHANGED by a refused --apply")
    suite = run_suite(bin_dir, service, f"{database}_{re.sub(r'[^a-z0-9]', '_', app)}")
    return Attempt(project.name, app, "service written", suite)


def analyze(project: Project, root: Path, python: Path, bin_dir: Path) -> dict:
    subprocess.run([str(bin_dir / "decompose"), "analyze", str(root), "--settings",
                    project.settings, "--python", str(python), "--format", "json",
                    "--no-cache"], cwd=root, capture_output=True, text=True, check=True)
    return json.loads((root / "decompose-report" / "graph.json").read_text())


def project_attempts(project: Project, mirrors: Path, work: Path, interpreters: dict[str, str],
                     database: str, only_apps: list[str] | None) -> Iterator[Attempt]:
    checkout = export(mirrors / project.mirror / "repo", work / "checkout")
    python = environment(project, checkout, interpreters)
    bin_dir = extraction_environment(project, python)
    graph = analyze(project, checkout / project.root, python, bin_dir)
    apps = [app for app in leaf_apps(graph) if not only_apps or app in only_apps]
    if not apps:
        yield Attempt(project.name, "-", "no leaf app with models and routed views",
                      monolith="-")
    for app in apps:
        yield attempt(project, app, checkout, work, bin_dir, database)


@contextmanager
def scratch(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="decompose-extract-") as folder:
            yield Path(folder)


def main() -> None:
    # A stopped run still stops its PostgreSQL and removes its folders (context managers).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", action="append", help="project name (repeatable)")
    parser.add_argument("--app", action="append", help="only this app (repeatable)")
    parser.add_argument("--keep", type=Path, help="work here and leave the copies and services")
    parser.add_argument("--interpreter", action="append", default=[], metavar="X.Y=PATH",
                        help="the Python X.Y a project needs, when pythonX.Y is not on PATH")
    args = parser.parse_args()
    interpreters = dict(item.split("=", 1) for item in args.interpreter)
    rows: list[Attempt] = []
    with ExitStack() as stack:
        work = stack.enter_context(scratch(args.keep))
        database = stack.enter_context(temporary_postgres())
        for project in PROJECTS:
            if args.only and project.name not in args.only:
                continue
            if not (args.mirrors / project.mirror / "repo").exists():
                rows.append(Attempt(project.name, "-", "no mirror: fetch it first", monolith="-"))
                continue
            folder = work / project.name
            shutil.rmtree(folder, ignore_errors=True)
            try:
                for row in project_attempts(project, args.mirrors, folder, interpreters,
                                            database, args.app):
                    print(f"{row.project:10} {row.app:16} {row.outcome}  | {row.suite}",
                          flush=True)
                    rows.append(row)
            except (subprocess.CalledProcessError, RuntimeError) as exc:
                rows.append(Attempt(project.name, "-", f"failed: {str(exc).splitlines()[0]}",
                                    monolith="-"))
    print("\n| project | app | outcome | monolith after | service suite |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row.project} | {row.app} | {row.outcome} | {row.monolith} | {row.suite} |")


if __name__ == "__main__":
    main()
