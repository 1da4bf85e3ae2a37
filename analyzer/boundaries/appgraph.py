"""The weighted app graph the proposal clusters and the metrics score.

Only the project's own apps are nodes: external apps (django.contrib.*, third-party packages)
are libraries every service installs, not something a service owns. networkx stays inside this
package; other stages only see the frozen dataclasses built from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from analyzer.boundaries.weights import edge_weight
from decompose.model.graph import Dependency, DependencyKind, Model, ProjectGraph

TABLE_RELATION_KINDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})


@dataclass(frozen=True)
class AppGraph:
    """The project's own apps, their dependencies among themselves and their weights."""

    project: ProjectGraph
    weights: Mapping[DependencyKind, float]
    apps: tuple[str, ...] = field(init=False)
    dependencies: tuple[Dependency, ...] = field(init=False)

    def __post_init__(self) -> None:
        own = tuple(a.label for a in self.project.own_apps)
        object.__setattr__(self, "apps", own)
        members = set(own)
        object.__setattr__(self, "dependencies", tuple(
            d for d in self.project.dependencies
            if d.source != d.target and d.source in members and d.target in members
            and self.weights.get(d.kind, 0.0) > 0))

    @cached_property
    def undirected(self) -> nx.Graph:
        """Apps as nodes; an edge's weight sums every kind in both directions."""
        graph = nx.Graph()
        graph.add_nodes_from(self.apps)
        for dep in self.dependencies:
            weight = self.weight_of(dep)
            if graph.has_edge(dep.source, dep.target):
                graph[dep.source][dep.target]["weight"] += weight
            else:
                graph.add_edge(dep.source, dep.target, weight=weight)
        return graph

    @cached_property
    def directed(self) -> nx.DiGraph:
        """``a -> b`` when app a depends on app b (any kind)."""
        graph = nx.DiGraph()
        graph.add_nodes_from(self.apps)
        graph.add_edges_from((d.source, d.target) for d in self.dependencies)
        return graph

    @cached_property
    def volumes(self) -> dict[tuple[str, str], int]:
        """Occurrences of every kind per ordered app pair: the static call volume of ICP."""
        volume: dict[tuple[str, str], int] = defaultdict(int)
        for dep in self.dependencies:
            volume[dep.source, dep.target] += dep.weight
        return dict(sorted(volume.items()))

    @cached_property
    def by_pair(self) -> dict[frozenset[str], tuple[Dependency, ...]]:
        """Every dependency between two apps, either direction, for explanations."""
        pairs: dict[frozenset[str], list[Dependency]] = defaultdict(list)
        for dep in self.dependencies:
            pairs[frozenset((dep.source, dep.target))].append(dep)
        return {pair: tuple(deps) for pair, deps in pairs.items()}

    @cached_property
    def tabled_models(self) -> tuple[Model, ...]:
        """Models with a table of their own: concrete, not proxies, of own apps."""
        members = set(self.apps)
        return tuple(m for m in self.project.models
                     if not m.abstract and not m.proxy and m.app in members)

    @cached_property
    def model_app(self) -> dict[str, str]:
        """Model label -> app label, for every own model (abstract ones included)."""
        members = set(self.apps)
        return {m.label: m.app for m in self.project.models if m.app in members}

    @cached_property
    def models_per_app(self) -> dict[str, int]:
        counts = dict.fromkeys(self.apps, 0)
        for model in self.tabled_models:
            counts[model.app] += 1
        return counts

    @cached_property
    def table_inheritance(self) -> frozenset[tuple[str, str]]:
        """(child app, parent app) pairs where a model subclasses a concrete model: multi-table
        or proxy inheritance, which shares a table rather than just code."""
        concrete = {m.label: m.app for m in self.project.models if not m.abstract}
        return frozenset((m.app, concrete[p]) for m in self.project.models
                         for p in m.parents if p in concrete and concrete[p] != m.app)

    def weight_of(self, dep: Dependency) -> float:
        """A dependency's weight; inheritance from abstract bases only (``TimeStampedModel``
        and the like) shares code, not a table, so it weighs as an import."""
        kind = dep.kind
        if (kind is DependencyKind.INHERITANCE
                and (dep.source, dep.target) not in self.table_inheritance):
            kind = DependencyKind.IMPORT
        return edge_weight(self.weights[kind], dep.weight)

    def weight_between(self, a: str, b: str) -> float:
        data = self.undirected.get_edge_data(a, b)
        return data["weight"] if data else 0.0
