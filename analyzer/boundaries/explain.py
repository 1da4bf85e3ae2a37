"""Why each app sits where it does: the rule that placed it, its strongest edges, and what
moving it alone to its next-best business service would cost (FKs, transactions, reads)."""

from __future__ import annotations

from collections import Counter

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import CostModel
from analyzer.boundaries.decide import BAND_SHARE
from analyzer.boundaries.partition import Partition
from decompose.model.boundaries import Placement

TOP_EDGES = 3


def placements(app_graph: AppGraph, partition: Partition, cost_model: CostModel,
               kernel_apps: frozenset[str]) -> dict[str, tuple[Placement, ...]]:
    """Per service name, a placement for each of its apps."""
    service_of = partition.service_of
    business = [name for name, _ in partition.services if name not in partition.kernel]
    tables = {name: sum(app_graph.models_per_app[a] for a in apps)
              for name, apps in partition.services}
    total = sum(tables[name] for name in business)
    result: dict[str, tuple[Placement, ...]] = {}
    for name, apps in partition.services:
        placed = []
        for app in apps:
            reason = _reason(app_graph, partition, service_of, app)
            moves = [] if name in partition.kernel else [
                (cost_model.move_delta(service_of, kernel_apps, app, other), other)
                for other in business if other != name]
            if not moves:
                placed.append(Placement(app, reason))
                continue
            delta, other = min(moves, key=lambda m: (m[0].cost, m[1]))
            held = tables[other] + app_graph.models_per_app[app]
            band = (f", but {other!r} would then hold {held} of {total} tables, above the "
                    f"size band of {BAND_SHARE:.0%}" if held > BAND_SHARE * total
                    and delta.cost < 0 else "")
            placed.append(Placement(
                app, f"{reason}; moving it to {other!r} would change business FKs by "
                f"{delta.business_fks:+d}, distributed transactions by {delta.transactions:+d}, "
                f"cross-service reads by {delta.reads:+d} (cost {delta.cost:+g}){band}",
                next_best=other, move_fks=delta.business_fks, move_transactions=delta.transactions,
                move_reads=delta.reads, move_cost=delta.cost))
        result[name] = tuple(placed)
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
    if not ties:
        parts.append("no dependency on any other app of the project")
    return "; ".join(parts)


def _tie(app_graph: AppGraph, app: str, other: str, weight: float) -> str:
    kinds: Counter[str] = Counter()
    for dep in app_graph.by_pair.get(frozenset((app, other)), ()):
        kinds[dep.kind.value] += dep.weight
    detail = ", ".join(f"{kind} x{count}" for kind, count in sorted(kinds.items()))
    return f"{other} ({detail}; weight {weight:.1f})"
