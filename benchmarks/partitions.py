"""Score EVERY grouping of a small project's business apps, to check the proposal's search.

The proposal keeps the kernel apart, groups the business apps with tables, and attaches the
apps without tables afterwards. This script enumerates all set partitions of those business apps
(Bell(n) of them), attaches the rest the same way, measures each with the same data cost, and
prints, per number of services, the cheapest grouping inside the size band next to what the
local search found at that number. It answers "is there a cheaper cut the search missed?" by
exhaustion rather than by argument.

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
from analyzer.boundaries.attach import attach
from analyzer.boundaries.cost import CostModel, resolve_cost
from analyzer.boundaries.decide import BAND_SHARE
from analyzer.boundaries.weights import resolve_weights
from analyzer.pipeline import build_graph
from decompose.config import BoundarySettings, boundary_settings, load_config

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=ROOT / "sample_monolith")
    args = parser.parse_args()
    graph = build_graph(args.project, use_cache=False)
    settings = boundary_settings(load_config(args.project))
    proposal = propose(graph, settings)
    app_graph = AppGraph(graph, resolve_weights(settings.weights))
    cost_model = CostModel(app_graph, resolve_cost(settings.cost))
    kernel = tuple(proposal.shared_kernel)
    tables = app_graph.models_per_app
    roles = {r.app: r.role for r in proposal.roles}
    business = [a for a in app_graph.apps if a not in kernel and tables[a]]
    loose = [a for a in app_graph.apps if a not in kernel and not tables[a]]
    if len(business) > MAX_APPS:
        sys.exit(f"error: {len(business)} business apps; exhaustive search stops at {MAX_APPS}")
    total = sum(tables[a] for a in business)

    start, count = time.perf_counter(), 0
    best: dict[int, tuple[float, int, list[list[str]]]] = {}
    for groups in set_partitions(business):
        count += 1
        largest = max(sum(tables[a] for a in g) for g in groups)
        if largest > BAND_SHARE * total and len(groups) > 1:
            continue
        members = [list(g) for g in groups] + [list(kernel)]
        attach(app_graph, loose, members, len(members) - 1)
        service_of = {app: f"s{i}" for i, apps in enumerate(members) for app in apps}
        measured = cost_model.measure(service_of, frozenset(kernel))
        key = len(groups)
        if key not in best or measured.cost < best[key][0]:
            best[key] = (measured.cost, measured.business_fks, members[:-1])
    seconds = time.perf_counter() - start

    print(f"{args.project.name}: {len(business)} business apps with tables ({total} tables), "
          f"kernel {', '.join(kernel)}, attached {', '.join(loose)} "
          f"({', '.join(sorted({roles[a] for a in loose}))}); {count:,} groupings in "
          f"{seconds:.1f} s; size band: no service above {BAND_SHARE:.0%} of {total} tables")
    print("| services | cheapest in band (all groupings) | business FKs | local search | "
          "business FKs |")
    print("|---|---|---|---|---|")
    for k in sorted(best):
        forced = propose(graph, BoundarySettings(shared_kernel=kernel, services=k,
                                                 seed=settings.seed))
        cost, fks, _ = best[k]
        print(f"| {k} | {cost:g} | {fks} | {forced.metrics.cost:g} | "
              f"{forced.metrics.business_fks} |")
    mine = proposal.metrics
    print(f"proposal: {len([s for s in proposal.services if not s.kernel])} business services, "
          f"cost {mine.cost:g}, business FKs {mine.business_fks}; {proposal.method}")


if __name__ == "__main__":
    main()
