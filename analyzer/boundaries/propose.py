"""The proposal: kernel apart, constraints contracted, candidates clustered and the best kept.

Candidates are compared on the metrics the report shows, in this order: more than one business
service when the project allows it (a one-service "split" wins every coupling measure
trivially), then modularity Q (rounded to 3 places so noise does not decide), then fewer
cross-service foreign keys per service (first those between business services, then all),
lower ICP, higher SM, lower NED, and finally the candidate's position in the sweep, which
keeps the choice deterministic.
"""

from __future__ import annotations

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.assemble import assemble
from analyzer.boundaries.candidates import candidates
from analyzer.boundaries.constraints import (
    Constraints,
    check_known,
    constrained_apps,
    contract,
    enforce,
    prepare,
)
from analyzer.boundaries.kernel import detect_kernel, fan
from analyzer.boundaries.metrics import score
from analyzer.boundaries.naming import hub_name
from analyzer.boundaries.partition import Partition, name_groups
from analyzer.boundaries.weights import resolve_weights
from decompose.config import BoundarySettings
from decompose.model.boundaries import Boundaries, Metrics
from decompose.model.graph import ProjectGraph

KERNEL_SERVICE = "kernel"


def propose(graph: ProjectGraph, settings: BoundarySettings) -> Boundaries:
    """Group the project's own apps into services; raise ConstraintError if one cannot hold."""
    app_graph = AppGraph(graph, resolve_weights(settings.weights))
    check_known(settings, app_graph.apps)
    reasons: dict[str, str] = {}
    if settings.shared_kernel is None:
        found = detect_kernel(app_graph, constrained_apps(settings))
        kernel_apps = tuple(k.app for k in found)
        reasons.update({k.app: k.reason for k in found})
    else:
        kernel_apps = settings.shared_kernel
        reasons.update({app: f"shared kernel by the config's shared_kernel list; "
                             f"{fan(app_graph, app).reason.removeprefix('shared kernel: ')}"
                        for app in kernel_apps})
    business = [a for a in app_graph.apps if a not in kernel_apps]
    cons = prepare(settings, business)
    reasons.update(cons.reasons)
    units = contract(app_graph, cons)

    best: tuple[tuple, Partition] | None = None
    for index, candidate in enumerate(candidates(units, settings.seed)):
        groups = enforce(candidate.groups, units, cons, settings.seed)
        partition = _partition(app_graph, groups, cons, kernel_apps, candidate.method, reasons)
        key = _rank(score(app_graph, partition, settings.ned_bounds, frozenset(kernel_apps)),
                    len(groups),
                    len(cons.units), index)
        if best is None or key < best[0]:
            best = (key, partition)
    assert best is not None  # candidates() always yields one
    return assemble(app_graph, best[1], settings, tuple(sorted(kernel_apps)))


def _rank(metrics: Metrics, business: int, units: int, index: int) -> tuple:
    business_fks = (metrics.cross_service_fks - metrics.kernel_fks) / max(metrics.services, 1)
    return (business < 2 <= units, -round(metrics.modularity, 3), business_fks,
            metrics.cross_service_fks_per_service, metrics.icp, -metrics.sm, metrics.ned, index)


def _partition(app_graph: AppGraph, groups, cons: Constraints, kernel_apps: tuple[str, ...],
               method: str, reasons: dict[str, str]) -> Partition:
    named: list[tuple[str | None, tuple[str, ...]]] = []
    for group in groups:
        apps = tuple(app for uid in group for app in cons.units[uid])
        pins = {cons.pins[uid] for uid in group if uid in cons.pins}
        named.append((pins.pop() if pins else None, apps))
    kernel_name = None
    if kernel_apps:
        kernel_name = KERNEL_SERVICE
        if any(name == KERNEL_SERVICE for name, _ in named):
            kernel_name = f"shared-{KERNEL_SERVICE}"
        named.append((kernel_name, tuple(kernel_apps)))
    services = name_groups(named, hub_name(app_graph))
    return Partition(services, kernel=frozenset({kernel_name} if kernel_name else ()),
                     method=method, reasons=reasons)
