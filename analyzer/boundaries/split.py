"""Model-level split suggestions for an app that is large and loosely knit inside.

Apps are the unit of the proposal, so an app holding two unrelated aggregates drags both into
one service. For an app with many models, the models' own relation graph is clustered
(Louvain, fixed seed); when it falls into parts with clear community structure (Newman's
Q >= 0.3, the usual threshold for "significant" structure), the parts are suggested.
"""

from __future__ import annotations

import networkx as nx
from networkx.algorithms.community import louvain_communities

from analyzer.boundaries.appgraph import TABLE_RELATION_KINDS, AppGraph
from decompose.model.boundaries import SplitSuggestion

SPLIT_MIN_MODELS = 8
SPLIT_MIN_MODULARITY = 0.3


def split_suggestions(app_graph: AppGraph, seed: int) -> tuple[SplitSuggestion, ...]:
    found = []
    for app in app_graph.apps:
        suggestion = _suggest(app_graph, app, seed)
        if suggestion:
            found.append(suggestion)
    return tuple(found)


def _suggest(app_graph: AppGraph, app: str, seed: int) -> SplitSuggestion | None:
    models = [m for m in app_graph.project.models if m.app == app and not m.proxy]
    concrete = [m for m in models if not m.abstract]
    if len(concrete) < SPLIT_MIN_MODELS:
        return None
    graph = nx.Graph()
    graph.add_nodes_from(m.label for m in concrete)
    for model in concrete:
        linked = [r.target for r in model.relations if r.kind in TABLE_RELATION_KINDS]
        linked += list(model.parents)
        for target in linked:
            if target and target != model.label and graph.has_node(target):
                old = graph.get_edge_data(model.label, target, {"weight": 0})["weight"]
                graph.add_edge(model.label, target, weight=old + 1)
    if graph.number_of_edges() == 0:
        return None  # no relations inside: nothing to group the models by
    groups = louvain_communities(graph, weight="weight", seed=seed)
    quality = nx.community.modularity(graph, groups, weight="weight")
    linked_groups = sorted(tuple(sorted(g)) for g in groups if len(g) > 1)
    loose = tuple(sorted(label for g in groups if len(g) == 1 for label in g))
    if len(linked_groups) < 2 or quality < SPLIT_MIN_MODULARITY:
        return None
    parts = tuple(linked_groups) + ((loose,) if loose else ())
    reason = (f"{len(concrete)} models in {len(linked_groups)} groups linked among themselves "
              f"but barely to each other (modularity {quality:.2f} >= "
              f"{SPLIT_MIN_MODULARITY})")
    if loose:
        reason += f"; {len(loose)} model(s) with no relation inside the app listed last"
    return SplitSuggestion(app=app, groups=parts, reason=reason)
