"""The proposal: roles first, then the cheapest grouping of business apps in data, or no split.

1. Roles (``roles.py``): identity, hubs, libraries and the project package form the shared
   kernel; layer and model-less apps are placed after the grouping, with the service they
   query most; business apps with tables are grouped.
2. For each service count k the search (``search.py``) finds the cheapest grouping whose
   largest service holds at most half of the business tables (the size band).
3. ``decide.py`` picks k (or none: "don't split"); ``--services N`` forces k = N.
Modularity Q only breaks ties between groupings of equal cost.
"""

from __future__ import annotations

from collections import defaultdict

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.assemble import assemble
from analyzer.boundaries.attach import attach
from analyzer.boundaries.constraints import Constraints, check_known, constrained_apps, prepare
from analyzer.boundaries.cost import CostModel, resolve_cost
from analyzer.boundaries.decide import Choice, choose
from analyzer.boundaries.naming import hub_name
from analyzer.boundaries.partition import Partition, name_groups
from analyzer.boundaries.roles import ATTACHED_ROLES, KERNEL_ROLES, detect_roles, kernel_apps
from analyzer.boundaries.search import Space
from analyzer.boundaries.weights import resolve_weights
from decompose.config import BoundarySettings
from decompose.model.boundaries import AppRole, Boundaries
from decompose.model.graph import ProjectGraph

KERNEL_SERVICE = "kernel"


def propose(graph: ProjectGraph, settings: BoundarySettings) -> Boundaries:
    """Group the project's own apps into services; raise ConstraintError if one cannot hold."""
    app_graph = AppGraph(graph, resolve_weights(settings.weights))
    check_known(settings, app_graph.apps)
    roles = _constrained_business(detect_roles(app_graph, settings), settings)
    kernel = kernel_apps(roles)
    cost_model = CostModel(app_graph, resolve_cost(settings.cost))
    placed_by_rule = KERNEL_ROLES | ATTACHED_ROLES | {"project"}
    business = [a for a in app_graph.apps if roles[a].role not in placed_by_rule]
    cons = prepare(settings, business)
    sized = {uid: sum(app_graph.models_per_app[a] for a in apps)
             for uid, apps in cons.units.items()}
    grouped = {uid for uid, n in sized.items() if n or uid in cons.pins}
    loose = sorted(a for uid in set(cons.units) - grouped for a in cons.units[uid])
    loose = sorted({*loose, *(a for a in app_graph.apps if roles[a].role in ATTACHED_ROLES)})
    space = _space(cost_model, cons, grouped, sized, frozenset(kernel), frozenset(loose))
    choice = choose(space, app_graph, cost_model, settings, kernel, loose)
    reasons = {app: role.reason for app, role in roles.items() if role.role != "business"}
    reasons.update(cons.reasons)
    partition = _partition(app_graph, choice, cons, kernel, loose, reasons)
    return assemble(app_graph, partition, settings, kernel, roles=roles,
                    decision=choice.decision, cost_model=cost_model)


def _constrained_business(roles: dict[str, AppRole], settings: BoundarySettings
                          ) -> dict[str, AppRole]:
    """Apps a keep-together, keep-apart or services entry names are grouped where put."""
    named = constrained_apps(settings)
    return {app: (AppRole(app, "business", "named by a keep-together, keep-apart or services "
                          "entry") if app in named and not role.overridden
                  and role.role != "business" else role)
            for app, role in roles.items()}


def _space(cost_model: CostModel, cons: Constraints, grouped: set[str], sized: dict[str, int],
           kernel: frozenset[str], loose: frozenset[str]) -> Space:
    unit_of = {app: uid for uid in grouped for app in cons.units[uid]}
    pair: dict[str, dict[str, float]] = {u: defaultdict(float) for u in sorted(grouped)}
    w = cost_model.weights

    def add(a: str, b: str, amount: float) -> None:
        ua, ub = unit_of.get(a), unit_of.get(b)
        if ua and ub and ua != ub:
            pair[ua][ub] += amount
            pair[ub][ua] += amount

    for source, target in cost_model.fks:
        add(source, target, w["fk"])
    readers: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for source, target, count in cost_model.reads:
        add(source, target, w["read"] * count)
        if source in loose and target in unit_of:  # reads into the kernel cost nothing
            readers[unit_of[target]][source] += w["read"] * count
        elif target in loose and source in unit_of:
            readers[unit_of[source]][target] += w["read"] * count
    scopes = []
    for apps, offline in cost_model.scopes:
        units = frozenset(unit_of[a] for a in apps if a in unit_of)
        if not offline and len(units) > 1 and not apps & kernel:
            scopes.append(units)
    return Space(units=tuple(sorted(grouped)), models={u: sized[u] for u in grouped},
                 pair_cost={u: dict(sorted(v.items())) for u, v in pair.items()},
                 scopes=tuple(sorted(scopes, key=sorted)), transaction=w["transaction"],
                 cons=cons, readers={u: tuple(sorted(r.items()))
                                     for u, r in sorted(readers.items())})


def _partition(app_graph: AppGraph, choice: Choice, cons: Constraints, kernel: tuple[str, ...],
               loose: list[str], reasons: dict[str, str]) -> Partition:
    named: list[tuple[str | None, list[str]]] = []
    for group in choice.groups:
        apps = [app for uid in sorted(group) for app in cons.units[uid]]
        pins = {cons.pins[uid] for uid in group if uid in cons.pins}
        named.append((pins.pop() if pins else None, apps))
    if not named and loose:
        named.append((None, []))  # no business group: apps without tables form the monolith
    kernel_name = None
    if kernel or not named:
        kernel_name = KERNEL_SERVICE
        if any(name == KERNEL_SERVICE for name, _ in named):
            kernel_name = f"shared-{KERNEL_SERVICE}"
        named.append((kernel_name, list(kernel)))
    kernel_index = next((i for i, (n, _) in enumerate(named) if n == kernel_name), None)
    for app, (_, why) in attach(app_graph, loose, [apps for _, apps in named],
                                kernel_index).items():
        reasons[app] = f"{reasons[app]}; {why}" if app in reasons else why
    named = [(n, apps) for n, apps in named if apps]
    services = name_groups(named, hub_name(app_graph))
    return Partition(services, kernel=frozenset({kernel_name} if kernel_name else ()),
                     method=choice.method, reasons=reasons)
