"""How many business services, or none: the split decision.

A split *pays* when some grouping into two or more business services (``search.cheapest``)
keeps its largest service at most ``MAX_LARGEST_SHARE`` of the business tables and costs in
data (``cost.py``) at most ``PAY_PER_TABLE`` for each table it moves out of the largest service
(the gain: code and data another team can own and deploy alone), on a project with at least
``MIN_BUSINESS_MODELS`` business tables. The search keeps every service inside the size band:
no service above ``BAND_SHARE`` of the business tables, unless one app alone holds more (the
project is mostly one aggregate: then ``MAX_LARGEST_SHARE``, and no band with ``--services``).
Among the paying groupings the lowest data cost wins, then fewer services (a service that saves
no data cost is only operational cost), then the higher modularity Q. When none pays, the
answer is one business service plus the kernel: "don't split", with the closest grouping found
and what would change the answer. ``--services N`` forces the cheapest grouping into N.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.attach import attach
from analyzer.boundaries.constraints import Group
from analyzer.boundaries.cost import CostModel
from analyzer.boundaries.metrics import modularity
from analyzer.boundaries.partition import Partition
from analyzer.boundaries.search import Space, cheapest
from decompose.config import BoundarySettings
from decompose.errors import ConstraintError
from decompose.model.boundaries import Decision

MIN_BUSINESS_MODELS = 8
MAX_LARGEST_SHARE = 0.8
PAY_PER_TABLE = 1.0
BAND_SHARE = 0.5
MAX_SERVICES = 8


@dataclass(frozen=True)
class Choice:
    groups: tuple[Group, ...]
    method: str
    decision: Decision


@dataclass(frozen=True)
class _Option:
    k: int
    groups: tuple[Group, ...]
    over_band: float
    cost: float
    largest: int
    business_fks: int
    q: float


def choose(space: Space, app_graph: AppGraph, cost_model: CostModel,
           settings: BoundarySettings, kernel: tuple[str, ...], loose: list[str]) -> Choice:
    """The grouping of units to propose; ``loose`` apps (no tables) are attached to each
    grouping before it is measured, as the proposal will attach them."""
    total = sum(space.models.values())
    inner = _business_fks_total(cost_model, space)
    weights = cost_model.weights
    terms = (f"cost = {weights['fk']:g} x business FKs + {weights['transaction']:g} x "
             f"distributed transactions + {weights['read']:g} x cross-service reads")
    one = (frozenset(space.units),) if space.units else ()
    aggregate = max(space.models.values(), default=0) > BAND_SHARE * total
    if settings.services is not None:
        n = settings.services  # its neighbours are searched too: their optima seed n's
        around = [k for k in (n - 1, n, n + 1) if 1 <= k <= len(space.units)]
        band = 1.0 if aggregate else BAND_SHARE
        option = next(o for o in _options(space, app_graph, cost_model, settings, kernel,
                                          loose, around, band, required=n) if o.k == n)
        return Choice(option.groups, f"--services {settings.services}: cheapest grouping into "
                      f"{settings.services} found by local search, "
                      f"{_band_words(aggregate, 'no size band')} ({terms}; cost "
                      f"{option.cost:g}, ties broken by modularity Q)",
                      Decision(settings.services > 1, f"{settings.services} business services "
                               "forced by --services", "drop --services to let the cost decide"))
    ks = list(range(2, min(MAX_SERVICES, len(space.units)) + 1))
    if space.cons.apart and len(space.units) > 1:  # keep-apart or distinct pins: must split
        options = _options(space, app_graph, cost_model, settings, kernel, loose, ks,
                           BAND_SHARE)
        if not options:
            raise ConstraintError(f"{'; '.join(sorted(set(space.cons.apart.values())))} "
                                  f"cannot hold in at most {MAX_SERVICES} business services")
        best = min(options, key=lambda o: (o.over_band > 0, o.cost, o.k, -round(o.q, 3)))
        sources = "; ".join(sorted(set(space.cons.apart.values())))
        return Choice(best.groups, f"cheapest grouping that keeps {sources} ({terms}; cost "
                      f"{best.cost:g})", Decision(True, f"{sources} asks for separate services",
                                                  "drop the keep-apart or services entries"))
    if total < MIN_BUSINESS_MODELS or len(space.units) < 2:
        return Choice(one, "no split: too small", Decision(
            False, f"{total} business tables in {len(space.units)} app group(s): below "
            f"{MIN_BUSINESS_MODELS} tables a split costs a network hop for no independent "
            "domain", f"more than {MIN_BUSINESS_MODELS - 1} business tables in two or more "
            "apps, or --services N"))
    options = _options(space, app_graph, cost_model, settings, kernel, loose, ks,
                       MAX_LARGEST_SHARE if aggregate else BAND_SHARE)
    paying = [o for o in options if o.largest <= MAX_LARGEST_SHARE * total
              and o.cost <= PAY_PER_TABLE * (total - o.largest)]
    if not paying:
        near = min(options, key=lambda o: (o.cost - PAY_PER_TABLE * (total - o.largest), o.k))
        return Choice(one, f"no split: no grouping pays ({terms})", Decision(
            False, f"no grouping into 2..{options[-1].k} business services pays: the closest "
            f"({near.k} services) costs {near.cost:g} ({near.business_fks} of the {inner} FKs "
            f"into business apps cut) to move {total - near.largest} of {total} tables out of "
            f"the largest service",
            f"a grouping costing at most {PAY_PER_TABLE:g} per table moved out of the largest "
            f"service, with none above {int(MAX_LARGEST_SHARE * 100)}% of the tables: fewer "
            "FKs, transactions or reads between its parts (e.g. ids instead of FKs), or "
            "--services N"))
    best = min(paying, key=lambda o: (o.over_band > 0, o.cost, o.k, -round(o.q, 3)))
    return Choice(best.groups, f"cheapest of the groupings into 2..{options[-1].k} business "
                  f"services found by local search, "
                  f"{_band_words(aggregate, f'none above {MAX_LARGEST_SHARE:.0%} of them')} "
                  f"({terms}; cost {best.cost:g}; ties "
                  "broken by modularity Q)", Decision(
                      True, f"{best.k} business services cost {best.cost:g} ({best.business_fks} "
                      f"of the {inner} FKs into business apps cut) and move "
                      f"{total - best.largest} of {total} tables out of the largest service",
                      f"every grouping costing more than {PAY_PER_TABLE:g} per table moved out "
                      f"of its largest service, or keeping over {int(MAX_LARGEST_SHARE * 100)}% "
                      "of the tables in one, would make it 'don't split'"))


def _options(space: Space, app_graph: AppGraph, cost_model: CostModel,
             settings: BoundarySettings, kernel: tuple[str, ...], loose: list[str],
             ks: list[int], band: float, required: int | None = None) -> list[_Option]:
    """The cheapest grouping per feasible k, measured as the proposal will be."""
    found = cheapest(space, ks, band * sum(space.models.values()), settings.seed, required)
    options = []
    for k in sorted(found):
        groups, (over, _) = found[k]
        members = [[a for u in sorted(g) for a in space.cons.units[u]] for g in groups]
        members.append(list(kernel))
        attach(app_graph, loose, members, len(members) - 1)
        service_of = {app: f"s{i}" for i, apps in enumerate(members) for app in apps}
        measured = cost_model.measure(service_of, frozenset(kernel))
        largest = max(sum(space.models[u] for u in g) for g in groups)
        q = modularity(app_graph, Partition(tuple(
            (f"s{i}", tuple(apps)) for i, apps in enumerate(members) if apps)))
        options.append(_Option(k, tuple(groups), over, measured.cost, largest,
                               measured.business_fks, q))
    return options


def _business_fks_total(cost_model: CostModel, space: Space) -> int:
    """FKs from another app into a business app: the most any grouping could cut."""
    business = {a for u in space.units for a in space.cons.units[u]}
    return sum(t in business for _, t in cost_model.fks)


def _band_words(aggregate: bool, instead: str) -> str:
    if not aggregate:
        return f"no service above {BAND_SHARE:.0%} of the business tables (the size band)"
    return (f"one app holds over {BAND_SHARE:.0%} of the business tables, so the project is "
            f"mostly one aggregate: {instead}")
