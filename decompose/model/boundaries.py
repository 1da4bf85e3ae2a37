"""Proposed service boundaries, their scores and the order to extract them.

Written as ``boundaries.json`` by ``analyze`` and read back (possibly hand-edited) by
``analyze --boundaries`` and ``extract``. Scores follow the Mono2Micro vocabulary so results
compare with published work; the README names each formula's variant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from decompose.model.graph import DependencyKind, Location

BOUNDARIES_SCHEMA_VERSION = 1


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
    """Why an app sits in its service: its strongest edges, in words."""

    app: str
    reason: str


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


@dataclass(frozen=True)
class ExtractionStep:
    """One rank of the suggested extraction order, with the reason for it."""

    rank: int  # 1 = extract first
    service: str
    inbound: int  # services that depend on it
    reason: str
    cycle: tuple[str, ...] = ()  # other services it forms a dependency cycle with


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
    schema_version: int = BOUNDARIES_SCHEMA_VERSION

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def service_of(self, app: str) -> Service | None:
        return next((s for s in self.services if app in s.apps), None)
