"""Which service to extract first, from data edges only.

A service leaves the monolith cheaply when few others hold foreign keys into it, read its
tables, listen to its signals or write it in their transactions: those are the edges that turn
into API calls. Imports and URL includes are not counted (they move with the code or are
routing glue). Services in a cycle of data edges (a strongly connected component) cannot be
ordered: the cycle is called out so the team cuts one of its edges, or extracts them together.
The kernel comes last, or stays in the monolith as a library every service installs.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.ownership import crossings
from decompose.model.boundaries import DistributedTransaction, ExtractionStep
from decompose.model.graph import DependencyKind

DATA_KINDS = frozenset({DependencyKind.RELATION, DependencyKind.INHERITANCE,
                        DependencyKind.ORM, DependencyKind.DYNAMIC, DependencyKind.SIGNAL})
NAMED_FKS = 5


def extraction_order(app_graph: AppGraph, service_of: dict[str, str], kernel: frozenset[str],
                     transactions: tuple[DistributedTransaction, ...]
                     ) -> tuple[ExtractionStep, ...]:
    services = sorted(set(service_of.values()))
    graph = nx.DiGraph()
    graph.add_nodes_from(services)
    for dep in app_graph.dependencies:
        a, b = service_of[dep.source], service_of[dep.target]
        if dep.kind in DATA_KINDS and a != b:
            graph.add_edge(a, b)
    scope_app = {(s.name, s.location): s.app for s in app_graph.project.write_scopes}
    for tx in transactions:
        home = service_of.get(scope_app.get((tx.name, tx.location), ""))
        for other in tx.services:
            if home and other != home:
                graph.add_edge(home, other)
    fks: dict[str, list[str]] = defaultdict(list)
    for cross in crossings(app_graph, service_of):
        fks[cross.target_service].append(
            f"{cross.model}.{cross.relation.field} -> {cross.relation.target}")
    cycle_of: dict[str, tuple[str, ...]] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            for name in component:
                cycle_of[name] = tuple(sorted(component - {name}))
    ranked = sorted(services, key=lambda s: (s in kernel, graph.in_degree(s), len(fks[s]), s))
    return tuple(
        ExtractionStep(rank=rank, service=name, inbound=graph.in_degree(name),
                       reason=_reason(name, graph, kernel, cycle_of.get(name, ()), fks[name]),
                       cycle=cycle_of.get(name, ()), inbound_fks=tuple(sorted(fks[name])))
        for rank, name in enumerate(ranked, start=1))


def _reason(name: str, graph: nx.DiGraph, kernel: frozenset[str], cycle: tuple[str, ...],
            fks: list[str]) -> str:
    callers = sorted(graph.predecessors(name))
    needs = sorted(graph.successors(name))
    parts = []
    if name in kernel:
        parts.append("shared kernel: last, or kept in the monolith as a library every service "
                     "installs")
    if callers:
        parts.append(f"{len(callers)} service(s) hold data edges into it "
                     f"({', '.join(callers)})")
    else:
        parts.append("no other service holds a foreign key, read, signal or transaction into "
                     "it, so no caller changes when it leaves")
    if fks:
        shown = ", ".join(sorted(fks)[:NAMED_FKS])
        more = f" and {len(fks) - NAMED_FKS} more" if len(fks) > NAMED_FKS else ""
        parts.append(f"{len(fks)} inbound FK(s): {shown}{more}")
    if needs:
        parts.append(f"it depends on {', '.join(needs)}")
    if cycle:
        parts.append(f"in a cycle of data edges with {', '.join(cycle)}: cut one of the "
                     "cycle's edges first or extract them together")
    return "; ".join(parts)
