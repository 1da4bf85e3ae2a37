"""Service names a Django engineer recognises: the app at the centre of the service."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from analyzer.boundaries.appgraph import AppGraph


def hub_name(app_graph: AppGraph) -> Callable[[Sequence[str]], str]:
    """Name a group after its app with the most weight inside the group, then most models."""
    graph = app_graph.undirected
    models = app_graph.models_per_app

    def pick(apps: Sequence[str]) -> str:
        members = set(apps)

        def inside(app: str) -> float:
            return sum(w for n, w in ((n, graph[app][n]["weight"]) for n in graph[app])
                       if n in members)

        return min(apps, key=lambda a: (-round(inside(a), 6), -models.get(a, 0), a))

    return pick
