"""Where apps without tables go: with the business group they read most, else tied to most.

They are never a service alone (a service without tables owns nothing); a layer app (API,
dashboards, reports) goes with the service it queries most (the search counts its other reads
as crossing, so it weighs where it will land). One with no tie to any business app
stays in the monolith with the kernel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import READ_KINDS


def attach(app_graph: AppGraph, loose: Sequence[str], groups: list[list[str]],
           kernel_index: int | None) -> dict[str, tuple[int, str]]:
    """app -> (index of the group it joins, why); ``groups`` grow as apps join them."""
    reads: dict[frozenset[str], int] = defaultdict(int)
    for dep in app_graph.dependencies:
        if dep.kind in READ_KINDS:
            reads[frozenset((dep.source, dep.target))] += dep.weight
    placed = {}
    for app in loose:
        ties = []
        for index, apps in enumerate(groups):
            if index == kernel_index:
                continue
            read = sum(reads.get(frozenset((app, other)), 0) for other in apps)
            weight = sum(app_graph.weight_between(app, other) for other in apps)
            if weight > 0:
                ties.append((-read, -round(weight, 6), index))
        if ties:
            read, weight, index = min(ties)
            why = (f"placed with the apps it reads most ({-read} ORM uses)" if read else
                   f"placed with the apps it is tied to most (weight {-weight:.1f})")
        else:
            index = kernel_index if kernel_index is not None else 0
            why = "no tie to any business app: stays in the monolith with the kernel"
        groups[index].append(app)
        placed[app] = (index, why)
    return placed
