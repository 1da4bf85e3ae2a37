"""Why each app sits where it does, in words: the rule that placed it and its strongest edges."""

from __future__ import annotations

from collections import Counter

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.partition import Partition
from decompose.model.boundaries import Placement

TOP_EDGES = 3


def placements(app_graph: AppGraph, partition: Partition) -> dict[str, tuple[Placement, ...]]:
    """Per service name, a placement for each of its apps."""
    service_of = partition.service_of
    result: dict[str, tuple[Placement, ...]] = {}
    for name, apps in partition.services:
        result[name] = tuple(Placement(app, _reason(app_graph, partition, service_of, app))
                             for app in apps)
    return result


def _reason(app_graph: AppGraph, partition: Partition, service_of: dict[str, str],
            app: str) -> str:
    graph = app_graph.undirected
    here = service_of[app]
    ties = sorted(((graph[app][n]["weight"], n) for n in graph[app]),
                  key=lambda t: (-t[0], t[1]))
    inside = [(w, n) for w, n in ties if service_of[n] == here][:TOP_EDGES]
    outside = [(w, n) for w, n in ties if service_of[n] != here][:TOP_EDGES]
    parts = []
    rule = partition.reasons.get(app)
    if rule:
        parts.append(rule)
    if inside:
        parts.append("strongest ties inside: " + ", ".join(
            _tie(app_graph, app, n, w) for w, n in inside))
    if outside:
        parts.append("strongest ties outside: " + ", ".join(
            f"{_tie(app_graph, app, n, w)} in {service_of[n]!r}" for w, n in outside))
    business = [(w, n) for w, n in outside if service_of[n] not in partition.kernel]
    if inside and business and not rule and business[0][0] > inside[0][0]:
        parts.append("its heaviest tie points elsewhere, but the grouping as a whole scored "
                     "better with it here")
    if not ties:
        parts.append("no dependency on any other app of the project")
    return "; ".join(parts)


def _tie(app_graph: AppGraph, app: str, other: str, weight: float) -> str:
    kinds: Counter[str] = Counter()
    for dep in app_graph.by_pair.get(frozenset((app, other)), ()):
        kinds[dep.kind.value] += dep.weight
    detail = ", ".join(f"{kind} x{count}" for kind, count in sorted(kinds.items()))
    return f"{other} ({detail}; weight {weight:.1f})"
