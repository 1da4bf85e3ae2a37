"""Accuracy and speed of ``decompose analyze`` on real monoliths fetched from GitHub.

For the team's own checks (the CI corpus is the PyPI one in tests/support/corpora.py): each
project's source is exported from a mirror the ``fetch`` tool made (``/work/.mirror`` or
``--mirrors``), its dependencies are installed in ``.venv-corpora/gh-<name>`` from the package
index, and the static graph, read through ``--python`` of that environment, is compared with
Django's registry booted there. Prints one row per project: own apps and concrete models
found, (model, field, target) precision and recall, cold analysis process vs. the boot.

    python benchmarks/github_corpus.py                 # every project whose mirror exists
    python benchmarks/github_corpus.py --only pretalx --only taiga \
        --interpreter 3.12=/usr/local/bin/python3.12
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzer.environment import interpreter_path  # noqa: E402
from analyzer.pipeline import build_graph  # noqa: E402
from tests.support.django_registry import django_registry  # noqa: E402

VENVS = REPO / ".venv-corpora"


@dataclass(frozen=True)
class Project:
    name: str
    mirror: str  # owner+name, as the fetch tool names the folder
    root: str  # folder of manage.py inside the checkout
    settings: str
    install: tuple[str, ...]  # pip arguments; "{src}" is the checkout, "{deps}" stands for
    # the [project] dependencies of its pyproject.toml
    boot_env: tuple[tuple[str, str], ...] = ()  # "{root}" is the project root
    python: str = ""  # "3.12": the project needs that Python (found on PATH as python3.12)
    editable: bool = False  # it reads its own distribution's metadata: install the checkout


PROJECTS = (
    Project("pretalx", "pretalx+pretalx", "src", "pretalx.settings", ("{deps}",),
            python="3.12"),
    Project("kiwi", "kiwitcms+Kiwi", ".", "tcms.settings.devel",
            ("-r", "{src}/requirements/devel.txt"), python="3.12"),
    Project("taiga", "taigaio+taiga-back", ".", "settings.common",
            ("-r", "{src}/requirements.txt")),
    Project("tandoor", "TandoorRecipes+recipes", ".", "recipes.settings",
            ("-r", "{src}/requirements.txt"),
            (("SECRET_KEY", "corpus"), ("DB_ENGINE", "django.db.backends.sqlite3"))),
    Project("nautobot", "nautobot+nautobot", ".", "nautobot.core.tests.nautobot_config",
            ("{deps}",), (("NAUTOBOT_ROOT", "{root}/.nautobot"),), editable=True),
)


def export(mirror: Path, into: Path) -> Path:
    """The mirror's HEAD as plain files, like a fresh checkout. Blobs a mirror does not hold
    (its largest files: images, archives) and symlinks are left out."""
    git = ["git", "--git-dir", str(mirror)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", "HEAD"], capture_output=True,
                             check=True).stdout
    entries = [line.split(b"\t", 1) for line in listing.split(b"\0") if line]
    blobs = [(meta.split()[2], path.decode()) for meta, path in entries
             if meta.split()[1] == b"blob" and not meta.startswith(b"120000")]
    checkout = into / "src"
    with subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for sha, path in blobs:
            batch.stdin.write(sha + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if header[1] != b"blob":
                continue  # missing from the mirror
            data = batch.stdout.read(int(header[2]) + 1)[:-1]
            target = checkout / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        batch.stdin.close()
    return checkout


def environment(project: Project, source: Path, interpreters: dict[str, str]) -> Path:
    """The project's own virtualenv with its dependencies (created once, then reused)."""
    venv = VENVS / f"gh-{project.name}"
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if not marker.exists():
        creator = (interpreters.get(project.python) or shutil.which(f"python{project.python}")
                   if project.python else None)
        subprocess.run([creator or sys.executable, "-m", "venv", str(venv)], check=True)
        args = [a.format(src=source) for a in project.install if a != "{deps}"]
        if "{deps}" in project.install:
            with (source / "pyproject.toml").open("rb") as handle:
                args += tomllib.load(handle)["project"]["dependencies"]
        _pip(python, args)
        if project.editable:
            _pip(python, ["--no-deps", "-e", str(source)])
        marker.write_text(" ".join(args) + "\n")
    return python


def _pip(python: Path, args: list[str]) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        raise RuntimeError(f"pip install failed: {(errors or ['?'])[-1]}")


def measure(project: Project, mirrors: Path, work: Path, interpreters: dict[str, str]) -> dict:
    source = export(mirrors / project.mirror / "repo", work / project.name)
    root = (source / project.root).resolve()
    python = environment(project, source, interpreters)
    site = interpreter_path(python)
    start = time.perf_counter()
    graph = build_graph(root, project.settings, site_paths=site, use_cache=False)
    static_s = time.perf_counter() - start
    env = {k: v.format(root=root) for k, v in project.boot_env}
    start = time.perf_counter()
    truth = django_registry(root, project.settings, python=str(python), env=env)
    boot_s = time.perf_counter() - start
    found = {(m.label, r.field, r.target) for m in graph.models if not m.abstract
             for r in m.relations}
    models = {m.label for m in graph.models if not m.abstract}
    own = {a.label for a in graph.own_apps}
    hits = len(found & truth.relations)
    return {"project": project.name, "files": sum(1 for _ in root.rglob("*.py")),
            "apps": f"{len(own & truth.apps)}/{len(truth.apps)}",
            "models": f"{len(models & truth.models)}/{len(truth.models)}",
            "precision": hits / len(found) if found else 0.0,
            "recall": hits / len(truth.relations) if truth.relations else 1.0,
            "static_s": static_s, "boot_s": boot_s,
            "missed": sorted(truth.relations - found, key=str)[:5],
            "extra": sorted(found - truth.relations, key=str)[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", action="append", help="project name (repeatable)")
    parser.add_argument("--interpreter", action="append", default=[], metavar="X.Y=PATH",
                        help="the Python X.Y a project needs, when pythonX.Y is not on PATH")
    args = parser.parse_args()
    interpreters = dict(item.split("=", 1) for item in args.interpreter)
    print(f"{'project':10} {'files':>6} {'apps':>7} {'models':>8} {'precision':>9} "
          f"{'recall':>7} {'static':>7} {'boot':>7} {'speedup':>7}")
    with tempfile.TemporaryDirectory(prefix="decompose-github-") as work:
        for project in PROJECTS:
            if args.only and project.name not in args.only:
                continue
            if not (args.mirrors / project.mirror / "repo").exists():
                print(f"{project.name:10} no mirror: fetch it first")
                continue
            try:
                row = measure(project, args.mirrors, Path(work), interpreters)
            except (subprocess.CalledProcessError, RuntimeError) as exc:
                lines = str(exc).splitlines()
                print(f"{project.name:10} failed: {' / '.join(lines[:1] + lines[-1:])[:300]}",
                      flush=True)
                continue
            print(f"{row['project']:10} {row['files']:>6} {row['apps']:>7} {row['models']:>8} "
                  f"{row['precision']:>9.3f} {row['recall']:>7.3f} {row['static_s']:>6.2f}s "
                  f"{row['boot_s']:>6.2f}s {row['boot_s'] / row['static_s']:>6.1f}x", flush=True)
            for kind in ("missed", "extra"):
                if row[kind]:
                    print(f"    {kind}: {row[kind]}")
    print("static: build_graph cold, no cache; boot: Django booted and its registry read "
          "(whole process); speedup: boot / static")


if __name__ == "__main__":
    main()
