"""What a split costs in data: the proposal's objective.

Three things get expensive once two apps run as separate services, and they are counted, never
averaged over services (an average rewards cutting finer):

- a *business FK*: a relation field (FK, one-to-one, many-to-many) between models of two
  business services becomes an id plus an API call; FKs into the shared kernel are reported
  apart (``kernel_fks``): every service keeps reading the kernel whatever the grouping;
- a *distributed transaction*: a write scope on a request path (a view, a service function)
  writing models of two services needs a saga or an outbox. Scopes in management commands,
  tests, migrations and data scripts (importers, seed and load modules) are counted apart
  (``offline``): an operator runs them;
- a *cross-service read*: an ORM or dynamic-model use of another service's models, one per
  occurrence, becomes a remote call.

``cost = fk * business_fks + transaction * distributed transactions + read * reads`` with the
weights of ``DEFAULT_COST`` (``cost`` table of the config to change them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from analyzer.boundaries.appgraph import TABLE_RELATION_KINDS, AppGraph
from decompose.model.graph import DependencyKind, WriteScope

DEFAULT_COST: Mapping[str, float] = {"fk": 1.0, "transaction": 3.0, "read": 0.2}
READ_KINDS = frozenset({DependencyKind.ORM, DependencyKind.DYNAMIC})
OFFLINE_FOLDERS = frozenset({"management", "tests", "test", "migrations", "scripts",
                             "fixtures", "importers"})
OFFLINE_MODULES = ("test", "conftest", "import", "seed", "load")  # file-name prefixes


def resolve_cost(overrides: Mapping[str, float]) -> dict[str, float]:
    return {**DEFAULT_COST, **overrides}


def is_offline(scope: WriteScope) -> bool:
    """A scope in a management command, a test, a migration or a data script (an importer, a
    seed or load module): run by an operator, not on a request path."""
    *folders, module = scope.location.path.split("/")
    return (any(folder in OFFLINE_FOLDERS for folder in folders)
            or module.startswith(OFFLINE_MODULES))


@dataclass(frozen=True)
class DataCost:
    business_fks: int
    kernel_fks: int
    transactions: int  # request-path write scopes spanning services
    offline_transactions: int
    reads: int
    cost: float


@dataclass(frozen=True)
class CostModel:
    """The project's FKs, reads and write scopes at app level, counted for any grouping."""

    app_graph: AppGraph
    weights: Mapping[str, float]

    @cached_property
    def fks(self) -> tuple[tuple[str, str], ...]:
        """(source app, target app) per relation field between two own apps."""
        found = []
        for model in self.app_graph.tabled_models:
            for rel in model.relations:
                target = self.app_graph.model_app.get(rel.target or "")
                if rel.kind in TABLE_RELATION_KINDS and target and target != model.app:
                    found.append((model.app, target))
        return tuple(found)

    @cached_property
    def reads(self) -> tuple[tuple[str, str, int], ...]:
        return tuple((d.source, d.target, d.weight) for d in self.app_graph.dependencies
                     if d.kind in READ_KINDS)

    @cached_property
    def scopes(self) -> tuple[tuple[frozenset[str], bool], ...]:
        """(apps written, offline) per write scope touching two or more own apps."""
        model_app = self.app_graph.model_app
        found = []
        for scope in self.app_graph.project.write_scopes:
            apps = frozenset(model_app[m] for m in scope.models if m in model_app)
            if len(apps) > 1:
                found.append((apps, is_offline(scope)))
        return tuple(found)

    @cached_property
    def touching(self) -> dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
        """app -> indexes of the FKs, reads and scopes it is an end of: what moving it alone
        can change."""
        fks: dict[str, list[int]] = {a: [] for a in self.app_graph.apps}
        reads: dict[str, list[int]] = {a: [] for a in self.app_graph.apps}
        scopes: dict[str, list[int]] = {a: [] for a in self.app_graph.apps}
        for index, (source, target) in enumerate(self.fks):
            for app in {source, target}:
                fks[app].append(index)
        for index, (source, target, _) in enumerate(self.reads):
            for app in {source, target}:
                reads[app].append(index)
        for index, (apps, _) in enumerate(self.scopes):
            for app in apps:
                scopes[app].append(index)
        return {a: (tuple(fks[a]), tuple(reads[a]), tuple(scopes[a])) for a in fks}

    def move_delta(self, service_of: Mapping[str, str], kernel_apps: frozenset[str], app: str,
                   target: str) -> DataCost:
        """How ``measure`` would change if ``app`` alone moved to service ``target``."""
        fk_ids, read_ids, scope_ids = self.touching[app]
        moved = {**service_of, app: target}
        before = self._measure(service_of, kernel_apps, fk_ids, read_ids, scope_ids)
        after = self._measure(moved, kernel_apps, fk_ids, read_ids, scope_ids)
        return DataCost(after.business_fks - before.business_fks,
                        after.kernel_fks - before.kernel_fks,
                        after.transactions - before.transactions,
                        after.offline_transactions - before.offline_transactions,
                        after.reads - before.reads,
                        round(after.cost - before.cost, 4) + 0)  # + 0: no -0.0

    def measure(self, service_of: Mapping[str, str], kernel_apps: frozenset[str]) -> DataCost:
        return self._measure(service_of, kernel_apps, range(len(self.fks)),
                             range(len(self.reads)), range(len(self.scopes)))

    def _measure(self, service_of: Mapping[str, str], kernel_apps: frozenset[str],
                 fk_ids: Iterable[int], read_ids: Iterable[int], scope_ids: Iterable[int]
                 ) -> DataCost:
        business = kernel = 0
        for source, target in (self.fks[i] for i in fk_ids):
            if service_of[source] != service_of[target]:
                if target in kernel_apps:
                    kernel += 1
                else:
                    business += 1
        reads = sum(n for s, t, n in (self.reads[i] for i in read_ids)
                    if service_of[s] != service_of[t] and t not in kernel_apps)
        online = offline = 0
        for apps, is_off in (self.scopes[i] for i in scope_ids):
            if len({service_of[a] for a in apps}) > 1:
                if is_off:
                    offline += 1
                else:
                    online += 1
        w = self.weights
        cost = w["fk"] * business + w["transaction"] * online + w["read"] * reads
        return DataCost(business, kernel, online, offline, reads, round(cost, 4) + 0.0)
