"""The model-level picture of one service: its models, their relations, and what crosses out.

Models of other apps appear only as grey stubs at the end of a cut relation, one stub per app
naming the models referenced, so each service graph stays about one service. The service's own
models and the stubs are capped separately; the rest fold into "+K more" nodes that keep their
edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from decompose.model import Boundaries, ProjectGraph, Relation, RelationKind, Service

MAX_MODEL_NODES = 40
MAX_STUB_NODES = 6  # other apps drawn as stubs, one per app, per page
PAGE_MODELS = 20  # models per drawn page: a page stays about one screen wide at full size
PAGE_APPS = 5  # app boxes per page: Graphviz sets boxes side by side
MORE_MODELS = "+more:models"
MORE_STUBS = "+more:outside"
STUB_PREFIX = "+app:"  # a stub stands for the referenced models of one other app
STUB_NAMES = 3  # model names a stub shows before "+K"


@dataclass(frozen=True)
class ModelNode:
    id: str  # model label, or MORE_MODELS / MORE_STUBS
    name: str  # what the node shows
    app: str  # the model's app ("" for "+K more" nodes)
    owner: str | None  # the service holding it (None: no service, e.g. an external app)
    stub: bool  # a model of another service (or of no service)
    hidden: int = 0  # > 0: a "+K more" node standing for this many models


@dataclass(frozen=True)
class ModelEdge:
    source: str
    target: str
    label: str  # field name, or "N relations" for folded edges
    kind: RelationKind | None  # None for folded edges mixing kinds
    cut: bool
    parent_link: bool = False
    count: int = 1  # relations this edge stands for


@dataclass(frozen=True)
class ModelGraphView:
    service: str
    groups: tuple[tuple[str, tuple[ModelNode, ...]], ...]  # (app, models) of the service
    stubs: tuple[ModelNode, ...]
    edges: tuple[ModelEdge, ...]
    hidden_models: int
    hidden_stubs: int


def model_pages(graph: ProjectGraph, service: Service, page_size: int = PAGE_MODELS,
                page_apps: int = PAGE_APPS) -> tuple[tuple[str, ...], ...]:
    """The service's models in pages of at most ``page_size`` models and ``page_apps`` apps,
    by aggregate: apps are packed whole into a page when they fit, a larger app is cut in
    source order (a model sits next to the models declared around it, which it usually
    relates to)."""
    where = {m.label: (m.app, m.location.path, m.location.line, m.label) for m in graph.models}
    by_app: dict[str, list[str]] = defaultdict(list)
    for label in sorted((m for m in service.models if m in where), key=lambda m: where[m]):
        by_app[where[label][0]].append(label)
    pages: list[list[str]] = []
    for app in sorted(by_app):
        models = by_app[app]
        chunks = [models[i:i + page_size] for i in range(0, len(models), page_size)]
        for chunk in chunks:
            apps = {where[label][0] for label in pages[-1]} if pages else set()
            if (pages and len(pages[-1]) + len(chunk) <= page_size
                    and len(apps | {app}) <= page_apps):
                pages[-1].extend(chunk)
            else:
                pages.append(list(chunk))
    return tuple(tuple(page) for page in pages) or ((),)


def build_model_view(graph: ProjectGraph, boundaries: Boundaries, service: Service, *,
                     page: tuple[str, ...] | None = None,
                     max_models: int = MAX_MODEL_NODES,
                     max_stubs: int = MAX_STUB_NODES) -> ModelGraphView:
    """Collect the relations of the service's models (or of one page of them), both directions
    across its border, and apply the caps; the service's other pages appear as stubs."""
    owner = {label: s.name for s in boundaries.services for label in s.models}
    app_of = {model.label: model.app for model in graph.models}
    own = {label for label in (service.models if page is None else page) if label in app_of}
    raw: list[tuple[str, str, Relation]] = []
    for model in graph.models:
        for relation in model.relations:
            target = relation.target
            if target is None or (model.label not in own and target not in own):
                continue
            raw.append((model.label, target, relation))

    degree: dict[str, int] = defaultdict(int)
    for source, target, _ in raw:
        degree[source] += 1
        degree[target] += 1
    def stub_app(label: str) -> str:
        return app_of.get(label, label.partition(".")[0])

    outside = {label for s, t, _ in raw for label in (s, t) if label not in own}
    app_degree: dict[str, int] = defaultdict(int)
    for label in outside:
        app_degree[stub_app(label)] += degree[label]
    shown_own = _top(own, degree, max_models)
    shown_stubs = _top(set(app_degree), app_degree, max_stubs)

    def node_of(label: str) -> str:
        if label in own:
            return label if label in shown_own else MORE_MODELS
        return STUB_PREFIX + stub_app(label) if stub_app(label) in shown_stubs else MORE_STUBS

    edges = _fold_edges(raw, node_of, own)
    groups: dict[str, list[ModelNode]] = defaultdict(list)
    for label in sorted(shown_own):
        app = app_of[label]
        groups[app].append(ModelNode(label, label.partition(".")[2], app, service.name, False))
    stubs = []
    for app in sorted(shown_stubs):
        models = sorted(label.partition(".")[2] for label in outside if stub_app(label) == app)
        owners = {owner.get(label) for label in outside if stub_app(label) == app}
        shown = "\n".join(models[:STUB_NAMES]) + (
            f"\n+{len(models) - STUB_NAMES} more" if len(models) > STUB_NAMES else "")
        stubs.append(ModelNode(STUB_PREFIX + app, shown, app,
                               owners.pop() if len(owners) == 1 else None, True))
    hidden_models = len(own) - len(shown_own)
    hidden_stubs = sum(1 for label in outside if stub_app(label) not in shown_stubs)
    if hidden_models:
        groups[""].append(ModelNode(MORE_MODELS, f"+{hidden_models} more models", "",
                                    service.name, False, hidden_models))
    if hidden_stubs:
        stubs.append(ModelNode(MORE_STUBS, f"+{hidden_stubs} more outside", "", None, True,
                               hidden_stubs))
    return ModelGraphView(
        service=service.name,
        groups=tuple((app, tuple(nodes)) for app, nodes in sorted(groups.items())),
        stubs=tuple(stubs),
        edges=edges,
        hidden_models=hidden_models,
        hidden_stubs=hidden_stubs,
    )


def _top(labels: set[str], degree: dict[str, int], limit: int) -> set[str]:
    if len(labels) <= limit:
        return set(labels)
    return set(sorted(labels, key=lambda label: (-degree[label], label))[:limit])


def _fold_edges(raw: list[tuple[str, str, Relation]], node_of: Callable[[str], str],
                own: set[str]) -> tuple[ModelEdge, ...]:
    """Keep real edges as they are; edges touching a "+K more" node merge per endpoint pair."""
    exact: list[ModelEdge] = []
    folded: dict[tuple[str, str, bool], int] = defaultdict(int)
    for source, target, relation in raw:
        cut = (source in own) != (target in own)
        a, b = node_of(source), node_of(target)
        if a == source and b == target:
            exact.append(ModelEdge(a, b, relation.field, relation.kind, cut,
                                   relation.parent_link))
        elif a != b:
            folded[(a, b, cut)] += 1
    exact.extend(ModelEdge(a, b, f"{n} relation{'s' if n > 1 else ''}", None, cut, count=n)
                 for (a, b, cut), n in folded.items())
    return tuple(sorted(set(exact), key=lambda e: (e.source, e.target, e.label)))
