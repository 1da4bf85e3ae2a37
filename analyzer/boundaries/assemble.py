"""Turn a scored partition into the ``Boundaries`` contract: services, cuts, order, baselines."""

from __future__ import annotations

from collections import defaultdict

from analyzer.boundaries import baselines
from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import CostModel
from analyzer.boundaries.explain import placements
from analyzer.boundaries.metrics import score, service_metrics
from analyzer.boundaries.order import extraction_order
from analyzer.boundaries.ownership import distributed_transactions, table_owners
from analyzer.boundaries.partition import Partition
from analyzer.boundaries.split import split_suggestions
from decompose.config import BoundarySettings
from decompose.model.boundaries import AppRole, Boundaries, CutEdge, Decision, Service


def cut_edges(app_graph: AppGraph, service_of: dict[str, str]) -> tuple[CutEdge, ...]:
    return tuple(
        CutEdge(source=d.source, target=d.target, source_service=service_of[d.source],
                target_service=service_of[d.target], kind=d.kind, weight=d.weight,
                locations=d.locations)
        for d in app_graph.dependencies if service_of[d.source] != service_of[d.target])


def assemble(app_graph: AppGraph, partition: Partition, settings: BoundarySettings,
             kernel_apps: tuple[str, ...], *, roles: dict[str, AppRole],
             decision: Decision | None, cost_model: CostModel) -> Boundaries:
    service_of = partition.service_of
    kernel = frozenset(kernel_apps)
    cuts = cut_edges(app_graph, service_of)
    owners = table_owners(app_graph, service_of)
    tables: dict[str, list[str]] = defaultdict(list)
    for table, owner in owners.items():
        tables[owner].append(table)
    prefixes: dict[str, set[str]] = defaultdict(set)
    for route in app_graph.project.urls:
        if route.app in service_of:
            prefixes[service_of[route.app]].add(route.prefix)
    models: dict[str, list[str]] = defaultdict(list)
    for model in app_graph.tabled_models:
        models[service_of[model.app]].append(model.label)
    measured = service_metrics(app_graph, partition)
    placed = placements(app_graph, partition, cost_model, kernel)
    services = tuple(
        Service(name=name, apps=apps, models=tuple(sorted(models[name])),
                tables=tuple(sorted(tables[name])), url_prefixes=tuple(sorted(prefixes[name])),
                metrics=measured[name],
                inbound=tuple(c for c in cuts if c.target_service == name),
                outbound=tuple(c for c in cuts if c.source_service == name),
                placements=placed[name], kernel=name in partition.kernel)
        for name, apps in partition.services)
    compared = {
        "per-app": baselines.per_app(app_graph),
        "data-centric": baselines.data_centric(app_graph, settings.seed),
        "monolith": baselines.monolith(app_graph),
    }
    transactions = distributed_transactions(app_graph, service_of)
    return Boundaries(
        method=partition.method,
        weights={kind.value: w for kind, w in sorted(app_graph.weights.items())},
        services=services,
        shared_kernel=tuple(sorted(kernel_apps)),
        metrics=score(app_graph, partition, settings.ned_bounds, kernel, cost_model),
        baselines={name: score(app_graph, p, settings.ned_bounds, kernel, cost_model)
                   for name, p in compared.items()},
        extraction_order=extraction_order(app_graph, service_of, partition.kernel, transactions),
        table_owners=owners,
        distributed_transactions=transactions,
        split_suggestions=split_suggestions(app_graph, settings.seed),
        roles=tuple(roles[a] for a in sorted(roles)),
        decision=decision,
        cost_weights=dict(sorted(cost_model.weights.items())),
    )
