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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzer.environment import interpreter_path  # noqa: E402
from analyzer.pipeline import build_graph  # noqa: E402
from benchmarks.corpus import PROJECTS, Project, environment, export  # noqa: E402
from tests.support.django_registry import django_registry  # noqa: E402


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
