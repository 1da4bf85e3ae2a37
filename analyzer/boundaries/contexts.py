"""Business contexts for BCP: each URL entry point and the models it reaches, statically.

Mono2Micro (Kalia et al. FSE'21) takes business use cases from runtime traces; a Django
project's use cases enter through its URLs, so each routed view is one context. The models it
reaches are those of its app, those its view's write scopes write (a scope whose dotted name
starts with the view's), and those of the apps its app reads through the ORM or loads
dynamically. That over-approximates what one view touches, the same way for every grouping.
"""

from __future__ import annotations

import math
from collections import defaultdict

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import READ_KINDS
from analyzer.boundaries.partition import Partition


def contexts(app_graph: AppGraph) -> tuple[tuple[str, frozenset[str]], ...]:
    """(context name, models reached) per routed view of an own app."""
    tabled: dict[str, set[str]] = defaultdict(set)
    for model in app_graph.tabled_models:
        tabled[model.app].add(model.label)
    reads: dict[str, set[str]] = defaultdict(set)
    for dep in app_graph.dependencies:
        if dep.kind in READ_KINDS:
            reads[dep.source].add(dep.target)
    written: dict[str, set[str]] = defaultdict(set)  # every dotted prefix of a scope's name
    for scope in app_graph.project.write_scopes:
        parts = scope.name.split(".")
        for end in range(1, len(parts) + 1):
            written[".".join(parts[:end])] |= {m for m in scope.models
                                               if m in app_graph.model_app}
    found: dict[str, set[str]] = {}
    for route in app_graph.project.urls:
        if route.app not in tabled and route.app not in reads:
            continue
        name = route.view or f"{route.app}:{route.prefix}"
        reached = found.setdefault(name, set())
        reached |= tabled[route.app or ""]
        for app in reads[route.app or ""]:
            reached |= tabled[app]
        if route.view:
            reached |= written.get(route.view, set())
    return tuple(sorted((n, frozenset(m)) for n, m in found.items() if m))


def business_context_purity(app_graph: AppGraph, partition: Partition) -> float:
    """Mean over all services of the Shannon entropy (bits) of the contexts reaching each
    service, each context weighted by how many of the service's models it reaches."""
    if not partition.services:
        return 0.0
    service_of = partition.service_of
    reach: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, models in contexts(app_graph):
        for label in models:
            reach[service_of[app_graph.model_app[label]]][name] += 1
    total = 0.0
    for service, _ in partition.services:
        counts = reach.get(service, {})
        whole = sum(counts.values())
        total += -sum(n / whole * math.log2(n / whole) for n in counts.values()) if whole else 0.0
    return total / len(partition.services)
