"""Which service to extract first: the one fewest others depend on.

A service nobody calls can leave the monolith without any caller learning a new address; each
service that depends on it adds callers to change. Services in a dependency cycle (a strongly
connected component of the service graph) cannot be ordered: the cycle is called out so the
team cuts one of its edges, or extracts the members together.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from decompose.model.boundaries import CutEdge, ExtractionStep


def extraction_order(services: tuple[str, ...], kernel: frozenset[str],
                     cut_edges: tuple[CutEdge, ...]) -> tuple[ExtractionStep, ...]:
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(services))
    inbound_weight: dict[str, int] = defaultdict(int)
    for edge in cut_edges:
        graph.add_edge(edge.source_service, edge.target_service)
        inbound_weight[edge.target_service] += edge.weight
    cycle_of: dict[str, tuple[str, ...]] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            for name in component:
                cycle_of[name] = tuple(sorted(component - {name}))
    ranked = sorted(services, key=lambda s: (s in kernel, graph.in_degree(s),
                                             inbound_weight[s], s))
    return tuple(
        ExtractionStep(rank=rank, service=name, inbound=graph.in_degree(name),
                       reason=_reason(name, graph, kernel, cycle_of.get(name, ())),
                       cycle=cycle_of.get(name, ()))
        for rank, name in enumerate(ranked, start=1))


def _reason(name: str, graph: nx.DiGraph, kernel: frozenset[str],
            cycle: tuple[str, ...]) -> str:
    callers = sorted(graph.predecessors(name))
    needs = sorted(graph.successors(name))
    parts = []
    if name in kernel:
        parts.append("shared kernel: last, or kept in the monolith as a library every service "
                     "installs")
    if callers:
        parts.append(f"{len(callers)} service(s) depend on it ({', '.join(callers)}); their "
                     "calls into it become network calls")
    else:
        parts.append("no other service depends on it, so no caller changes when it leaves")
    if needs:
        parts.append(f"it depends on {', '.join(needs)}")
    if cycle:
        parts.append(f"in a dependency cycle with {', '.join(cycle)}: cut one of the cycle's "
                     "edges first or extract them together")
    return "; ".join(parts)
