"""Constraints on the proposal: keep-together, keep-apart, pinned services, a service count.

Keep-together groups and pins are contracted into *units* before clustering, so the algorithm
never sees them apart; keep-apart pairs and distinct pins become *conflicts* that a candidate
is repaired against afterwards; the count is reached by merging the most strongly tied
conflict-free groups, or by bisecting the most loosely knit group. Whatever cannot hold is a
ConstraintError that names the constraint, never a silent best effort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from networkx.algorithms.community import kernighan_lin_bisection

from analyzer.boundaries.appgraph import AppGraph
from decompose.config import BoundarySettings
from decompose.errors import ConstraintError

Group = frozenset[str]  # unit ids


@dataclass
class Constraints:
    """Units (app groups that move together), their pins and the pairs that must stay apart."""

    units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit id -> apps
    pins: dict[str, str] = field(default_factory=dict)  # unit id -> pinned service name
    apart: dict[frozenset[str], str] = field(default_factory=dict)  # unit pair -> source
    reasons: dict[str, str] = field(default_factory=dict)  # app -> rule that placed it
    target: int | None = None
    target_source: str = ""

    def unit_of(self) -> dict[str, str]:
        return {app: uid for uid, apps in self.units.items() for app in apps}

    def conflict(self, a: Iterable[str], b: Iterable[str]) -> str | None:
        """The source of a constraint forbidding units ``a`` and ``b`` in one service."""
        if not self.apart:
            return None
        for x in a:
            for y in b:
                source = self.apart.get(frozenset((x, y)))
                if source:
                    return source
        return None


def constrained_apps(settings: BoundarySettings) -> frozenset[str]:
    """Apps some constraint names: kernel detection leaves them where the team put them."""
    named = [g.apps for g in settings.keep_together + settings.keep_apart]
    named += [p.apps for p in settings.pins]
    return frozenset(app for apps in named for app in apps)


def check_known(settings: BoundarySettings, apps: Iterable[str]) -> None:
    known = set(apps)
    sources = [(g.source, g.apps) for g in settings.keep_together + settings.keep_apart]
    sources += [(p.source, p.apps) for p in settings.pins]
    sources += [("shared_kernel", settings.shared_kernel or ())]
    sources += [("roles", tuple(settings.roles))]
    for source, labels in sources:
        for label in labels:
            if label not in known:
                raise ConstraintError(f"{source}: {label!r} is not one of the project's own "
                                      f"apps ({', '.join(sorted(known))})")
    named = constrained_apps(settings)
    for label in settings.shared_kernel or ():
        if label in named:
            raise ConstraintError(f"shared_kernel: {label!r} is also named by a keep-together, "
                                  "keep-apart or services entry; put it in one place")


def prepare(settings: BoundarySettings, business_apps: Iterable[str]) -> Constraints:
    """Contract keep-together groups and pins into units; record what must stay apart."""
    apps = sorted(business_apps)
    parent = {app: app for app in apps}
    pin_of: dict[str, tuple[str, str]] = {}  # app -> (service, source)
    why: dict[str, list[str]] = {app: [] for app in apps}

    def root(app: str) -> str:
        while parent[app] != app:
            parent[app] = parent[parent[app]]
            app = parent[app]
        return app

    def join(group: tuple[str, ...], source: str) -> None:
        for other in group[1:]:
            a, b = root(group[0]), root(other)
            pa, pb = pin_of.get(a), pin_of.get(b)
            if pa and pb and pa[0] != pb[0]:
                raise ConstraintError(f"{source} cannot hold: {group[0]!r} is in service "
                                      f"{pa[0]!r} ({pa[1]}) and {other!r} in {pb[0]!r} ({pb[1]})")
            if a != b:
                keep, drop = min(a, b), max(a, b)
                parent[drop] = keep
                if pa or pb:
                    pin_of[keep] = pa or pb  # type: ignore[assignment]

    for pin in settings.pins:
        for app in pin.apps:
            pin_of[app] = (pin.name, pin.source)
            why[app].append(f"pinned to service {pin.name!r} by {pin.source}")
        join(pin.apps, pin.source)
    for group in settings.keep_together:
        for app in group.apps:
            others = ", ".join(a for a in group.apps if a != app)
            why[app].append(f"kept with {others} by {group.source}")
        join(group.apps, group.source)

    cons = Constraints(target=settings.services,
                       target_source=f"--services {settings.services}")
    for app in apps:
        cons.units.setdefault(root(app), ())
        cons.units[root(app)] += (app,)
    for uid in cons.units:
        if uid in pin_of:
            cons.pins[uid] = pin_of[uid][0]
    cons.reasons = {app: "; ".join(reasons) for app, reasons in why.items() if reasons}

    for group in settings.keep_apart:
        for i, a in enumerate(group.apps):
            for b in group.apps[i + 1:]:
                ua, ub = root(a), root(b)
                if ua == ub:
                    raise ConstraintError(f"{group.source} cannot hold: {a!r} and {b!r} must "
                                          f"share a service ({cons.reasons.get(a, '')})")
                cons.apart.setdefault(frozenset((ua, ub)), group.source)
    pinned = sorted(cons.pins.items())
    for i, (ua, name_a) in enumerate(pinned):
        for ub, name_b in pinned[i + 1:]:
            if name_a != name_b:
                cons.apart.setdefault(frozenset((ua, ub)),
                                      f"the services table (pins {name_a!r} and {name_b!r})")

    if cons.target is not None:
        services = len(set(cons.pins.values()))
        if cons.target < services:
            raise ConstraintError(f"{cons.target_source} cannot hold: the services table pins "
                                  f"{services} distinct services")
        if cons.target > len(cons.units):
            raise ConstraintError(f"{cons.target_source} cannot hold: only {len(cons.units)} "
                                  "groups of business apps can be formed (shared-kernel apps "
                                  "and kept-together apps excluded)")
    return cons


def contract(app_graph: AppGraph, cons: Constraints) -> nx.Graph:
    """The app graph with each unit as one node, for clustering."""
    unit_of = cons.unit_of()
    graph = nx.Graph()
    graph.add_nodes_from(sorted(cons.units))
    for a, b, data in sorted(app_graph.undirected.edges(data=True)):
        ua, ub = unit_of.get(a), unit_of.get(b)
        if ua is None or ub is None or ua == ub:
            continue
        if graph.has_edge(ua, ub):
            graph[ua][ub]["weight"] += data["weight"]
        else:
            graph.add_edge(ua, ub, weight=data["weight"])
    return graph


def enforce(groups: Iterable[Iterable[str]], units: nx.Graph, cons: Constraints,
            seed: int) -> list[Group]:
    """Repair keep-apart conflicts, then reach the target count; deterministic."""
    edges = list(units.edges(data="weight"))
    repaired: list[Group] = []
    for group in _ordered(groups):
        repaired.extend(_repair(group, units, cons))
    if cons.target is not None:
        while len(repaired) > cons.target:
            repaired = _merge_once(repaired, edges, cons)
        while len(repaired) < cons.target:
            repaired = _split_once(repaired, units, seed)
    return _ordered(repaired)


def _ordered(groups: Iterable[Iterable[str]]) -> list[Group]:
    return sorted((frozenset(g) for g in groups if g), key=lambda g: sorted(g))


def _link(units: nx.Graph, a: Iterable[str], b: Iterable[str]) -> float:
    return sum(units[x][y]["weight"] for x in a for y in b if units.has_edge(x, y))


def _repair(group: Group, units: nx.Graph, cons: Constraints) -> list[Group]:
    """Split a group into conflict-free parts, strongest-tied units placed first."""
    order = sorted(group, key=lambda u: (-units.degree(u, weight="weight"), u))
    parts: list[set[str]] = []
    for unit in order:
        fits = [p for p in parts if cons.conflict({unit}, p) is None]
        if fits:
            max(fits, key=lambda p: _link(units, {unit}, p)).add(unit)
        else:
            parts.append({unit})
    return [frozenset(p) for p in parts]


def _merge_once(groups: list[Group], edges: list[tuple[str, str, float]],
                cons: Constraints) -> list[Group]:
    """Merge the most strongly tied conflict-free pair (then the smallest, then by name)."""
    index = {u: i for i, g in enumerate(groups) for u in g}
    link: dict[tuple[int, int], float] = {}
    for source, target, weight in edges:
        i, j = sorted((index[source], index[target]))
        if i != j:
            link[i, j] = link.get((i, j), 0.0) + weight
    first = [min(g) for g in groups]
    best: tuple[float, int, str, str, int, int] | None = None
    for i, a in enumerate(groups):
        for j in range(i + 1, len(groups)):
            b = groups[j]
            if cons.apart and cons.conflict(a, b):
                continue
            fa, fb = first[i], first[j]
            key = (-round(link.get((i, j), 0.0), 9), len(a) + len(b),
                   min(fa, fb), max(fa, fb), i, j)
            if best is None or key < best:
                best = key
    if best is None:
        sources = sorted(set(cons.apart.values()))
        raise ConstraintError(f"{cons.target_source} cannot hold together with "
                              f"{'; '.join(sources)}: no two remaining groups may share a service")
    i, j = best[-2], best[-1]
    merged = groups[i] | groups[j]
    return _ordered([g for k, g in enumerate(groups) if k not in (i, j)] + [merged])


def _split_once(groups: list[Group], units: nx.Graph, seed: int) -> list[Group]:
    """Bisect the group whose best bisection cuts the smallest share of its weight."""
    best: tuple[float, int, list[str]] | None = None
    best_halves: tuple[Group, Group] | None = None
    best_index = -1
    for index, group in enumerate(groups):
        if len(group) < 2:
            continue
        sub = units.subgraph(sorted(group))
        left, right = kernighan_lin_bisection(sub, weight="weight", seed=seed)
        internal = sub.size(weight="weight")
        share = _link(units, left, right) / internal if internal else 0.0
        key = (share, -len(group), sorted(group))
        if best is None or key < best:
            best, best_halves, best_index = key, (frozenset(left), frozenset(right)), index
    if best_halves is None:  # unreachable: prepare() checked target <= number of units
        raise ConstraintError("cannot split further: every group holds one unit")
    rest = [g for k, g in enumerate(groups) if k != best_index]
    return _ordered([*rest, *best_halves])
