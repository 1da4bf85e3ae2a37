"""The cheapest grouping of units into exactly k services: seeded local search on the data cost.

Units are business apps with tables, kept-together groups contracted. The cost between two
units is what separating them would cost in FKs and reads (``CostModel`` weights); a write
scope spanning units costs ``transaction`` once it spans two services. Starts come from Louvain
and greedy modularity on that cost graph, brought to k groups by merging the most tied pair or
bisecting the loosest group; each start is then improved by moving one unit, or swapping two,
while that lowers ``(models above the size band, cost)``. Everything runs in sorted order with a
fixed seed, so the same project always gets the same answer.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.candidates import candidates
from analyzer.boundaries.constraints import Constraints, Group, enforce

MAX_PASSES = 60


@dataclass(frozen=True)
class Space:
    """What the search needs: units, their sizes, pair costs, scopes and conflicts."""

    units: tuple[str, ...]
    models: dict[str, int]  # unit -> tables
    pair_cost: dict[str, dict[str, float]]  # symmetric; unit -> unit -> cost of separating
    scopes: tuple[frozenset[str], ...]  # unit sets of request-path write scopes
    transaction: float  # cost of one distributed transaction
    cons: Constraints

    def graph(self) -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(self.units)
        for a in self.units:
            for b, w in sorted(self.pair_cost[a].items()):
                if a < b and w > 0:
                    graph.add_edge(a, b, weight=w)
        for scope in self.scopes:  # a shared write scope ties its units like a relation
            members = sorted(scope)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    old = graph.get_edge_data(a, b, {"weight": 0.0})["weight"]
                    graph.add_edge(a, b, weight=old + self.transaction)
        return graph


@dataclass
class _State:
    space: Space
    band: float
    group_of: dict[str, int]
    sizes: dict[int, int]

    def score(self) -> tuple[float, float]:
        over = sum(max(0.0, n - self.band) for n in self.sizes.values())
        cut = sum(w for a in self.space.units for b, w in self.space.pair_cost[a].items()
                  if a < b and self.group_of[a] != self.group_of[b])
        spans = sum(len({self.group_of[u] for u in s}) > 1 for s in self.space.scopes)
        return (round(over, 6), round(cut + spans * self.space.transaction, 6))


def cheapest(space: Space, k: int, band: float, seed: int) -> tuple[list[Group], tuple]:
    """The best grouping into k groups found from every start, with its (over-band, cost)."""
    graph = space.graph()
    source = space.cons.target_source if space.cons.target == k else f"{k} business services"
    cons = dataclasses.replace(space.cons, target=k, target_source=source)
    starts: list[list[Group]] = []
    for candidate in candidates(graph, seed):
        grouped = enforce(candidate.groups, graph, cons, seed)
        if grouped not in starts:
            starts.append(grouped)
    best: tuple[tuple, list[Group]] | None = None
    for index, start in enumerate(starts):
        groups = _improve(space, start, band)
        state = _state(space, groups, band)
        key = (*state.score(), index)
        if best is None or key < best[0]:
            best = (key, groups)
    assert best is not None
    return best[1], best[0][:2]


def _state(space: Space, groups: list[Group], band: float) -> _State:
    group_of = {u: i for i, g in enumerate(groups) for u in g}
    sizes: dict[int, int] = defaultdict(int)
    for unit, index in group_of.items():
        sizes[index] += space.models[unit]
    for index in range(len(groups)):
        sizes.setdefault(index, 0)
    return _State(space, band, group_of, dict(sizes))


def _improve(space: Space, groups: list[Group], band: float) -> list[Group]:
    """First-improvement moves and swaps until none lowers the score."""
    state = _state(space, groups, band)
    members: dict[int, set[str]] = defaultdict(set)
    for unit, index in state.group_of.items():
        members[index].add(unit)
    current = state.score()
    for _ in range(MAX_PASSES):
        improved = False
        for unit in space.units:
            for target in sorted(members):
                here = state.group_of[unit]
                if target == here or len(members[here]) == 1:
                    continue
                if space.cons.conflict({unit}, members[target]):
                    continue
                _move(state, members, unit, target)
                score = state.score()
                if score < current:
                    current, improved = score, True
                else:
                    _move(state, members, unit, here)
        for unit in space.units:
            for other in space.units:
                a, b = state.group_of[unit], state.group_of[other]
                if unit >= other or a == b:
                    continue
                if (space.cons.conflict({unit}, members[b] - {other})
                        or space.cons.conflict({other}, members[a] - {unit})):
                    continue
                _move(state, members, unit, b)
                _move(state, members, other, a)
                score = state.score()
                if score < current:
                    current, improved = score, True
                else:
                    _move(state, members, unit, a)
                    _move(state, members, other, b)
        if not improved:
            break
    return sorted((frozenset(m) for m in members.values() if m), key=lambda g: sorted(g))


def _move(state: _State, members: dict[int, set[str]], unit: str, target: int) -> None:
    here = state.group_of[unit]
    members[here].discard(unit)
    members[target].add(unit)
    state.group_of[unit] = target
    state.sizes[here] -= state.space.models[unit]
    state.sizes[target] += state.space.models[unit]
