"""The app-level picture of a proposal, aggregated and capped before anything is drawn.

Both the Graphviz and the Mermaid renderers draw this view, so the two diagrams show the same
nodes and edges. Capping happens here, not in Graphviz: past a few dozen nodes a layout stops
being readable, so the lightest apps of each service fold into one "+K more" node and their edges
are re-attached to it (weights summed), which keeps the picture honest about what is hidden.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from decompose.model import Boundaries, DependencyKind, ProjectGraph

MAX_APP_NODES = 60
MAX_APP_EDGES = 200
KERNEL_CLUSTER = "shared-kernel"  # holds kernel apps the proposal left outside every service


@dataclass(frozen=True)
class AppNode:
    id: str  # app label, or "+more:<service>" for a folded group
    label: str
    service: str
    models: int = 0
    hidden: int = 0  # > 0: a "+K more" node standing for this many apps


@dataclass(frozen=True)
class ServiceCluster:
    name: str
    kernel: bool
    apps: int  # apps of the service, hidden ones included
    nodes: tuple[AppNode, ...]


@dataclass(frozen=True)
class AppEdge:
    source: str  # node id
    target: str
    kind: DependencyKind  # the kind contributing most weight: the edge's colour
    weight: float  # weighted sum over kinds (boundaries.weights applied)
    counts: tuple[tuple[DependencyKind, int], ...]  # raw occurrences per kind
    cut: bool  # crosses a service border

    @property
    def summary(self) -> str:
        return ", ".join(f"{kind} {count}" for kind, count in self.counts)


@dataclass(frozen=True)
class AppGraphView:
    clusters: tuple[ServiceCluster, ...]  # services by name, kernel clusters last
    edges: tuple[AppEdge, ...]  # by (source, target)
    max_weight: float
    hidden_apps: int
    hidden_edges: int
    kind_weights: dict[DependencyKind, float]  # the proposal's weight per kind

    def node(self, node_id: str) -> AppNode:
        return next(n for c in self.clusters for n in c.nodes if n.id == node_id)


def more_id(service: str) -> str:
    return f"+more:{service}"


def build_app_view(graph: ProjectGraph, boundaries: Boundaries, *,
                   max_nodes: int = MAX_APP_NODES,
                   max_edges: int = MAX_APP_EDGES) -> AppGraphView:
    """Aggregate the app dependencies per (source, target) and fold what exceeds the caps."""
    service_of = _service_of_app(boundaries)
    kernel_services = {s.name for s in boundaries.services if s.kernel}
    if any(service_of.get(app) == KERNEL_CLUSTER for app in service_of):
        kernel_services.add(KERNEL_CLUSTER)
    pair_counts: dict[tuple[str, str], dict[DependencyKind, int]] = defaultdict(dict)
    pair_weights: dict[tuple[str, str], dict[DependencyKind, float]] = defaultdict(dict)
    for dep in graph.dependencies:
        if dep.source == dep.target or dep.source not in service_of or dep.target not in service_of:
            continue
        key = (dep.source, dep.target)
        pair_counts[key][dep.kind] = pair_counts[key].get(dep.kind, 0) + dep.weight
        scaled = dep.weight * boundaries.weights.get(dep.kind.value, 1.0)
        pair_weights[key][dep.kind] = pair_weights[key].get(dep.kind, 0.0) + scaled

    score: dict[str, float] = defaultdict(float)
    for (source, target), weights in pair_weights.items():
        score[source] += sum(weights.values())
        score[target] += sum(weights.values())
    ranked = sorted(service_of, key=lambda app: (-score[app], app))
    shown = set(ranked[:max_nodes])

    def node_of(app: str) -> str:
        return app if app in shown else more_id(service_of[app])

    merged_counts: dict[tuple[str, str], dict[DependencyKind, int]] = defaultdict(dict)
    merged_weights: dict[tuple[str, str], dict[DependencyKind, float]] = defaultdict(dict)
    for (source, target), counts in pair_counts.items():
        key = (node_of(source), node_of(target))
        if key[0] == key[1]:
            continue  # folded into the same "+K more" node
        for kind, count in counts.items():
            merged_counts[key][kind] = merged_counts[key].get(kind, 0) + count
            merged_weights[key][kind] = (merged_weights[key].get(kind, 0.0)
                                         + pair_weights[(source, target)][kind])
    edges = [_edge(key, merged_counts[key], merged_weights[key], service_of, shown)
             for key in merged_counts]
    edges.sort(key=lambda e: (-e.weight, e.source, e.target))
    kept = sorted(edges[:max_edges], key=lambda e: (e.source, e.target))

    models_per_app: dict[str, int] = defaultdict(int)
    for model in graph.models:
        if not model.abstract:
            models_per_app[model.app] += 1
    clusters = []
    for name in sorted(set(service_of.values()), key=lambda s: (s in kernel_services, s)):
        apps = sorted(app for app, svc in service_of.items() if svc == name)
        nodes = [AppNode(app, app, name, models_per_app[app]) for app in apps if app in shown]
        hidden = [app for app in apps if app not in shown]
        if hidden:
            nodes.append(AppNode(more_id(name), f"+{len(hidden)} more",
                                 name, sum(models_per_app[a] for a in hidden), len(hidden)))
        clusters.append(ServiceCluster(name, name in kernel_services, len(apps), tuple(nodes)))
    return AppGraphView(
        clusters=tuple(clusters),
        edges=tuple(kept),
        max_weight=max((e.weight for e in kept), default=0.0),
        hidden_apps=len(service_of) - len(shown),
        hidden_edges=len(edges) - len(kept),
        kind_weights={kind: boundaries.weights.get(kind.value, 1.0) for kind in DependencyKind},
    )


def penwidth(weight: float, max_weight: float) -> float:
    """Line width 1..6 on a log scale, so one heavy edge does not flatten all others."""
    if max_weight <= 0:
        return 1.0
    return round(1.0 + 5.0 * math.log1p(weight) / math.log1p(max_weight), 2)


def _service_of_app(boundaries: Boundaries) -> dict[str, str]:
    service_of = {app: service.name for service in boundaries.services for app in service.apps}
    for app in boundaries.shared_kernel:
        service_of.setdefault(app, KERNEL_CLUSTER)
    return service_of


def _edge(key: tuple[str, str], counts: dict[DependencyKind, int],
          weights: dict[DependencyKind, float], service_of: dict[str, str],
          shown: set[str]) -> AppEdge:
    order = list(DependencyKind)
    dominant = max(weights, key=lambda kind: (weights[kind], -order.index(kind)))

    def service(node_id: str) -> str:
        return service_of[node_id] if node_id in shown else node_id.removeprefix("+more:")

    return AppEdge(
        source=key[0],
        target=key[1],
        kind=dominant,
        weight=round(sum(weights.values()), 6),
        counts=tuple(sorted(counts.items(), key=lambda item: order.index(item[0]))),
        cut=service(key[0]) != service(key[1]),
    )
