"""Data ownership across a decomposition: tables, relations that cross, shared transactions.

These are what make a split expensive in practice and what no existing decomposition tool
reports: a foreign key across services becomes an id plus an API call, a function writing
tables of two services becomes a distributed transaction (a saga or an outbox), and every table
needs exactly one owning service.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.boundaries.appgraph import TABLE_RELATION_KINDS, AppGraph
from analyzer.boundaries.cost import is_offline
from decompose.model.boundaries import DistributedTransaction
from decompose.model.graph import Model, Relation


@dataclass(frozen=True)
class Crossing:
    """A relation field whose target lives in another service."""

    model: str
    relation: Relation
    source_service: str
    target_service: str


def crossings(app_graph: AppGraph, service_of: Mapping[str, str]) -> tuple[Crossing, ...]:
    found = []
    for model in app_graph.tabled_models:
        for rel in model.relations:
            if rel.kind not in TABLE_RELATION_KINDS or rel.target is None:
                continue
            target_app = app_graph.model_app.get(rel.target)
            if target_app is None:
                continue  # a model of an external app: a library every service installs
            here, there = service_of[model.app], service_of[target_app]
            if here != there:
                found.append(Crossing(model.label, rel, here, there))
    return tuple(found)


def interfaces(app_graph: AppGraph, service_of: Mapping[str, str]) -> dict[str, set[str]]:
    """Per service, its models that another service points at or subclasses (its API)."""
    exposed: dict[str, set[str]] = defaultdict(set)
    for cross in crossings(app_graph, service_of):
        exposed[cross.target_service].add(cross.relation.target or "")
    for model in app_graph.tabled_models:
        for parent in model.parents:
            parent_app = app_graph.model_app.get(parent)
            if parent_app and service_of[parent_app] != service_of[model.app]:
                exposed[service_of[parent_app]].add(parent)
    return exposed


def distributed_transactions(app_graph: AppGraph, service_of: Mapping[str, str]
                             ) -> tuple[DistributedTransaction, ...]:
    """Write scopes whose written models belong to more than one service; those in commands,
    tests, migrations and scripts are marked ``offline``, apart from request paths."""
    found = []
    for scope in app_graph.project.write_scopes:
        services = {service_of[app_graph.model_app[m]] for m in scope.models
                    if m in app_graph.model_app}
        if len(services) > 1:
            found.append(DistributedTransaction(
                name=scope.name, kind=scope.kind, services=tuple(sorted(services)),
                models=scope.models, location=scope.location,
                context="offline" if is_offline(scope) else "request"))
    return tuple(found)


def tables_of(model: Model) -> tuple[str, ...]:
    """The model's table plus the join tables Django creates for its plain many-to-manys.

    Join table names follow Django's ``<db_table>_<field>`` rule without the backend-specific
    truncation of names over the identifier limit.
    """
    joins = tuple(f"{model.db_table}_{rel.field}" for rel in model.relations
                  if rel.kind == "ManyToManyField" and rel.through is None)
    return (model.db_table, *joins)


def table_owners(app_graph: AppGraph, service_of: Mapping[str, str]) -> dict[str, str]:
    """Every table -> exactly one service; a table two models map (an unmanaged twin) goes to
    the service of the managed model, then of the first label."""
    owners: dict[str, str] = {}
    for model in sorted(app_graph.tabled_models, key=lambda m: (not m.managed, m.label)):
        for table in tables_of(model):
            owners.setdefault(table, service_of[model.app])
    return dict(sorted(owners.items()))
