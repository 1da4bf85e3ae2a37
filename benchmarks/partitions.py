"""Score EVERY grouping of a small project's business apps, to see what the proposal could reach.

The proposal keeps the shared kernel apart and groups the other apps; this script enumerates all
set partitions of those apps (Bell(n) of them: 115,975 for the sample's 10), scores each with the
same code as the proposal, and prints the best reachable figures next to the proposal's and the
baselines'. It answers "could another cut beat the baselines on modularity AND on cross-service
foreign keys?" by exhaustion rather than by argument.

    .venv/bin/python benchmarks/partitions.py [PROJECT_DIR]      # default: sample_monolith
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from analyzer.boundaries import propose
from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.metrics import score
from analyzer.boundaries.partition import Partition
from analyzer.boundaries.weights import resolve_weights
from analyzer.pipeline import build_graph
from decompose.config import boundary_settings, load_config
from decompose.model.boundaries import Metrics

ROOT = Path(__file__).resolve().parents[1]
MAX_APPS = 11  # Bell(11) = 678,570 groupings, a few minutes; Bell(12) is 6x more


def set_partitions(items: Sequence[str]) -> Iterator[list[list[str]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for smaller in set_partitions(rest):
        for index in range(len(smaller)):
            yield [*smaller[:index], [first, *smaller[index]], *smaller[index + 1:]]
        yield [[first], *smaller]


def line(title: str, metrics: Metrics, groups: Sequence[Sequence[str]] = ()) -> str:
    shown = f"  {' | '.join(', '.join(g) for g in groups)}" if groups else ""
    per_service = metrics.cross_service_fks_per_service
    return (f"{title:44} Q {metrics.modularity:7.4f}  cross-service FKs "
            f"{metrics.cross_service_fks:3}  per service {per_service:6.4f}"
            f"  services {metrics.services:2}{shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=ROOT / "sample_monolith")
    args = parser.parse_args()
    graph = build_graph(args.project, use_cache=False)
    settings = boundary_settings(load_config(args.project))
    proposal = propose(graph, settings)
    app_graph = AppGraph(graph, resolve_weights(settings.weights))
    kernel = tuple(proposal.shared_kernel)
    business = [app for app in app_graph.apps if app not in kernel]
    if len(business) > MAX_APPS:
        sys.exit(f"error: {len(business)} business apps; exhaustive search stops at {MAX_APPS}")
    baselines = {n: m for n, m in proposal.baselines.items() if n != "monolith"}
    best_q = max(m.modularity for m in baselines.values())
    best_per_service = min(m.cross_service_fks_per_service for m in baselines.values())
    best_total = min(m.cross_service_fks for m in baselines.values())

    start, count = time.perf_counter(), 0
    top_q: tuple[Metrics, list[list[str]]] | None = None
    fewest_total: tuple[Metrics, list[list[str]]] | None = None
    fewest_per_service: tuple[Metrics, list[list[str]]] | None = None
    beating_both = 0
    for groups in set_partitions(business):
        count += 1
        services = [(f"s{i}", tuple(g)) for i, g in enumerate(groups)]
        if kernel:
            services.append(("kernel", kernel))
        metrics = score(app_graph, Partition(tuple(services), kernel=frozenset({"kernel"})),
                        settings.ned_bounds, frozenset(kernel))
        if top_q is None or metrics.modularity > top_q[0].modularity:
            top_q = (metrics, groups)
        if metrics.modularity <= best_q or len(groups) < 2:
            continue
        if fewest_total is None or metrics.cross_service_fks < fewest_total[0].cross_service_fks:
            fewest_total = (metrics, groups)
        if (fewest_per_service is None or metrics.cross_service_fks_per_service
                < fewest_per_service[0].cross_service_fks_per_service):
            fewest_per_service = (metrics, groups)
        beating_both += metrics.cross_service_fks_per_service < best_per_service
    seconds = time.perf_counter() - start

    print(f"{args.project.name}: {len(business)} business apps, kernel {', '.join(kernel)}; "
          f"{count:,} groupings scored in {seconds:.1f} s")
    print(line("proposal", proposal.metrics,
               [s.apps for s in proposal.services if not s.kernel]))
    for name, metrics in baselines.items():
        print(line(f"baseline {name}", metrics))
    assert top_q is not None
    print(line("highest Q of all groupings", *top_q))
    print(f"among groupings with Q above every baseline ({best_q:.4f}) and 2+ business services:")
    if fewest_total:
        print(line("  fewest cross-service FKs", *fewest_total))
    if fewest_per_service:
        print(line("  fewest cross-service FKs per service", *fewest_per_service))
    print(f"  groupings also below every baseline's FKs per service ({best_per_service:.4f}): "
          f"{beating_both}")
    print(f"  the proposal's total ({proposal.metrics.cross_service_fks}) vs the baselines' best "
          f"({best_total})")


if __name__ == "__main__":
    main()
