"""Proposed service boundaries, their scores and the order to extract them.

Written as ``boundaries.json`` by ``analyze`` and read back (possibly hand-edited) by
``analyze --boundaries`` and ``extract``. Scores follow the Mono2Micro vocabulary so results
compare with published work; the README names each formula's variant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decompose.model.graph import DependencyKind, Location

# 2: data-cost objective (business FKs, transactions, reads), app roles, the split decision,
#    next-best costs per placement, BCP and IFN with ORM use. Version 1 files are read by
#    ``upgrade_boundaries``.
BOUNDARIES_SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Metrics:
    """Scores of one whole decomposition (the proposal or a baseline)."""

    services: int
    modularity: float  # Newman's Q on the weighted app graph
    sm: float  # Structural Modularity
    icp: float  # Inter-Call Percentage (lower is better)
    ifn: float  # Interface Number (lower is better)
    ned: float  # Non-Extreme Distribution (lower is better)
    cross_service_fks: int  # FK / one-to-one / many-to-many fields whose target is elsewhere
    cross_service_fks_per_service: float
    distributed_transactions: int  # write scopes whose models span services
    cut_weight: dict[str, float] = field(default_factory=dict)  # DependencyKind value -> weight
    kernel_fks: int = 0  # of cross_service_fks, those pointing into a shared-kernel app
    business_fks: int = 0  # cross_service_fks - kernel_fks: what the objective counts
    orm_reads: int = 0  # ORM / dynamic-model uses crossing business services (occurrences)
    offline_transactions: int = 0  # distributed ones in commands, tests, scripts, migrations
    cost: float = 0.0  # fk * business_fks + transaction * distributed_transactions + read * reads
    ifn_orm: float = 0.0  # IFN counting models queried by ORM from other services as well
    bcp: float = 0.0  # Business Context Purity (Kalia et al. FSE'21), URL entry points as contexts


@dataclass(frozen=True)
class ServiceMetrics:
    """Scores of one service inside a decomposition."""

    models: int
    cohesion: float  # internal edge weight / all edge weight touching the service
    coupling: float  # cut edge weight touching the service
    interfaces: int  # models referenced from other services (the IFN count of this service)
    inbound_fks: int
    outbound_fks: int


@dataclass(frozen=True)
class CutEdge:
    """An app-level dependency that would cross the network once services are split."""

    source: str  # app label
    target: str  # app label
    source_service: str
    target_service: str
    kind: DependencyKind
    weight: int
    locations: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Placement:
    """Why an app sits in its service, and what moving it to its next-best service would cost."""

    app: str
    reason: str
    next_best: str | None = None  # the business service that would cost least to move it to
    move_fks: int = 0  # change in business FKs if it moved there (+ = worse)
    move_transactions: int = 0
    move_reads: int = 0
    move_cost: float = 0.0


@dataclass(frozen=True)
class AppRole:
    """What part an app plays: identity/hub (kernel), layer, project package, model-less or
    business, detected from the graph unless the config's ``roles`` table says otherwise."""

    app: str
    role: str  # "identity", "hub", "library", "layer", "project", "modelless", "business"
    reason: str
    hub_models: tuple[str, ...] = ()  # models most other apps point at (identity/hub)
    overridden: bool = False  # set by the config's roles table


@dataclass(frozen=True)
class Decision:
    """Whether to split at all, why, and what would change the answer."""

    split: bool
    reason: str
    would_change: str


@dataclass(frozen=True)
class Service:
    """One proposed service: what it holds, what it owns, what crosses its border."""

    name: str
    apps: tuple[str, ...]
    models: tuple[str, ...]  # concrete model labels
    tables: tuple[str, ...]  # db tables it owns
    url_prefixes: tuple[str, ...]
    metrics: ServiceMetrics
    inbound: tuple[CutEdge, ...] = ()
    outbound: tuple[CutEdge, ...] = ()
    placements: tuple[Placement, ...] = ()
    kernel: bool = False  # a shared-kernel service most others depend on


@dataclass(frozen=True)
class DistributedTransaction:
    """A write scope (function or atomic block) that writes models of several services."""

    name: str  # dotted function path
    kind: str  # "function" or "atomic"
    services: tuple[str, ...]
    models: tuple[str, ...]
    location: Location
    context: str = "request"  # "request", or "offline" (management command, test, script)


@dataclass(frozen=True)
class ExtractionStep:
    """One rank of the suggested extraction order, with the reason for it."""

    rank: int  # 1 = extract first
    service: str
    inbound: int  # services that depend on it
    reason: str
    cycle: tuple[str, ...] = ()  # other services it forms a dependency cycle with
    inbound_fks: tuple[str, ...] = ()  # "app.Model.field -> app.Model" from other services


@dataclass(frozen=True)
class SplitSuggestion:
    """A large, loosely knit app that should itself be split, by model groups."""

    app: str
    groups: tuple[tuple[str, ...], ...]  # model labels per suggested part
    reason: str


@dataclass(frozen=True)
class Boundaries:
    """The whole proposal, as written to ``boundaries.json``."""

    method: str  # how the proposal was chosen, e.g. "louvain(resolution=1.0, seed=42)"
    weights: dict[str, float]  # DependencyKind value -> weight used for the app graph
    services: tuple[Service, ...]
    shared_kernel: tuple[str, ...]  # app labels
    metrics: Metrics
    baselines: dict[str, Metrics]  # "per-app", "data-centric", "monolith"
    extraction_order: tuple[ExtractionStep, ...]
    table_owners: dict[str, str] = field(default_factory=dict)  # db_table -> service name
    distributed_transactions: tuple[DistributedTransaction, ...] = ()
    split_suggestions: tuple[SplitSuggestion, ...] = ()
    roles: tuple[AppRole, ...] = ()
    decision: Decision | None = None
    cost_weights: dict[str, float] = field(default_factory=dict)  # "fk", "transaction", "read"
    schema_version: int = BOUNDARIES_SCHEMA_VERSION

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def service_of(self, app: str) -> Service | None:
        return next((s for s in self.services if app in s.apps), None)


def upgrade_boundaries(data: dict[str, Any]) -> dict[str, Any]:
    """A boundaries.json of an older schema in the current shape (new fields get defaults).

    Version 1 differs only by fields version 2 added, so its services read unchanged.
    """
    if data.get("schema_version") == 1:
        data = {**data, "schema_version": BOUNDARIES_SCHEMA_VERSION}
        data.setdefault("roles", [])
        data.setdefault("decision", None)
        data.setdefault("cost_weights", {})
    return data
