"""The three decompositions every proposal is compared with.

- per-app: each app its own service, the naive "one Django app, one microservice" cut;
- data-centric: communities of models linked by relation fields alone (Louvain, same seed),
  rolled up to apps because an app's models move together: each app joins the community holding
  most of its models, and an app without models joins its most strongly tied neighbour.
  Published comparisons found such data-only groupings hard to beat;
- monolith: one service, the "do nothing" reference (no cut, Q = 0).
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
from networkx.algorithms.community import louvain_communities

from analyzer.boundaries.appgraph import TABLE_RELATION_KINDS, AppGraph
from analyzer.boundaries.naming import hub_name
from analyzer.boundaries.partition import Partition, name_groups


def per_app(app_graph: AppGraph) -> Partition:
    return Partition(tuple((app, (app,)) for app in app_graph.apps), method="per-app")


def monolith(app_graph: AppGraph) -> Partition:
    return Partition((("monolith", app_graph.apps),), method="monolith")


def data_centric(app_graph: AppGraph, seed: int) -> Partition:
    models = nx.Graph()
    models.add_nodes_from(m.label for m in app_graph.tabled_models)
    for model in app_graph.tabled_models:
        for rel in model.relations:
            if rel.kind in TABLE_RELATION_KINDS and models.has_node(rel.target or ""):
                if rel.target == model.label:
                    continue
                old = models.get_edge_data(model.label, rel.target, {"weight": 0})["weight"]
                models.add_edge(model.label, rel.target, weight=old + 1)
    community_of: dict[str, int] = {}
    if models.number_of_nodes():
        found = louvain_communities(models, weight="weight", seed=seed)
        for index, group in enumerate(sorted(found, key=min)):
            for label in group:
                community_of[label] = index
    app_community: dict[str, int] = {}
    for app in app_graph.apps:
        votes = Counter(community_of[m.label] for m in app_graph.tabled_models if m.app == app)
        if votes:
            app_community[app] = min(votes, key=lambda c: (-votes[c], c))
    next_id = len(community_of) + 1
    for app in app_graph.apps:  # apps without models, strongest-tied neighbour first
        if app in app_community:
            continue
        ties = sorted(((-w, n) for n, w in ((n, app_graph.weight_between(app, n))
                                            for n in app_graph.undirected[app])
                       if n in app_community))
        app_community[app] = app_community[ties[0][1]] if ties else next_id + len(app_community)
    groups: dict[int, list[str]] = {}
    for app, community in app_community.items():
        groups.setdefault(community, []).append(app)
    return Partition(name_groups([(None, g) for g in groups.values()], hub_name(app_graph)),
                     method=f"data-centric(louvain on relations, seed={seed})")
