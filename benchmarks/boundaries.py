"""Print the proposal's metrics against the baselines for each project given (default: the
sample), so the README's "proposal vs baselines" figures can be regenerated; for a corpus with
a cut written down from its docs (tests/analyzer/boundaries/expert_cuts.py), also that cut and
the proposal forced to its number of services with its kernel.

    .venv/bin/python benchmarks/boundaries.py [PROJECT_DIR ...]
    .venv/bin/python benchmarks/boundaries.py --corpus oscar --corpus wagtail --corpus pretalx

``--corpus`` analyses a PyPI project the way the accuracy tests do (tests/support/corpora.py:
its own virtualenv, its source laid out as a project).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from analyzer.boundaries import propose, rescore
from analyzer.pipeline import build_graph
from decompose.config import BoundarySettings, boundary_settings, load_config
from decompose.model import ProjectGraph
from decompose.model.boundaries import Boundaries, Metrics

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.analyzer.boundaries.expert_cuts import EXPERT_CUTS
from tests.support.corpora import CORPORA, ensure_installed, lay_out, site_paths

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("services", "business_fks", "kernel_fks", "distributed_transactions",
           "offline_transactions", "orm_reads", "cost", "modularity", "sm", "icp", "ifn",
           "ifn_orm", "bcp", "ned")


def row(name: str, metrics: Metrics) -> str:
    return "| " + " | ".join([name, *(str(getattr(metrics, c)) for c in COLUMNS)]) + " |"


def business(boundaries: Boundaries) -> str:
    return "; ".join(f"{s.name}: {', '.join(s.apps)}" for s in boundaries.services
                     if not s.kernel)


def report(name: str, project: Path, graph: ProjectGraph) -> None:
    result = propose(graph, boundary_settings(load_config(project)))
    print(f"\n## {name}: {result.method}; kernel {', '.join(result.shared_kernel)}")
    if result.decision:
        print(f"split: {result.decision.split}: {result.decision.reason}")
    for service in result.services:
        print(f"- {service.name}{' (kernel)' if service.kernel else ''}: "
              f"{', '.join(service.apps)}")
    print("\n| decomposition | " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * (len(COLUMNS) + 1))
    print(row("proposal", result.metrics))
    for baseline, metrics in result.baselines.items():
        print(row(baseline, metrics))
    cut = EXPERT_CUTS.get(name)
    if cut is None:
        return
    settings = BoundarySettings(shared_kernel=cut.kernel)
    expert = rescore(graph, cut.partition(graph), settings)
    count = len([s for s in expert.services if not s.kernel])
    forced = propose(graph, BoundarySettings(shared_kernel=cut.kernel, services=count))
    print(row(f"written-down cut (kernel {', '.join(cut.kernel)})", expert.metrics))
    print(row(f"proposal at {count} services, same kernel", forced.metrics))
    print(f"\nwritten-down: {business(expert)}\nproposal at {count}: {business(forced)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", type=Path)
    parser.add_argument("--corpus", action="append", default=[],
                        choices=sorted(CORPORA))
    args = parser.parse_args()
    for project in args.projects or ([] if args.corpus else [ROOT / "sample_monolith"]):
        report(project.name, project, build_graph(project, use_cache=False))
    for name in args.corpus:
        corpus = CORPORA[name]
        ensure_installed(corpus)
        with tempfile.TemporaryDirectory() as scratch:
            project = lay_out(corpus, Path(scratch) / name)
            report(name, project, build_graph(project, corpus.settings,
                                              site_paths=site_paths(corpus), use_cache=False))


if __name__ == "__main__":
    main()
