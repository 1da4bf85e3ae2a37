"""The cheapest grouping of units into exactly k services: seeded local search on the data cost.

Units are business apps with tables, kept-together groups contracted. The cost between two
units is what separating them would cost in FKs and reads (``CostModel`` weights); a write
scope spanning units costs ``transaction`` once it spans two services. Starts come from Louvain
and greedy modularity on that cost graph, brought to k groups by merging the most tied pair or
bisecting the loosest group; each start is then improved by moving one unit, or swapping two,
while that lowers ``(models above the size band, cost)``; the optima found for k - 1 and k + 1,
split or merged to k, are tried as further starts until no k improves. Everything runs in
sorted order with a fixed seed, so the same project always gets the same answer.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from analyzer.boundaries.candidates import candidates
from analyzer.boundaries.constraints import Constraints, Group, enforce
from decompose.errors import ConstraintError

MAX_PASSES = 60
ALL_PAIR_SWAPS = 60  # up to this many units every pair is tried as a swap


@dataclass(frozen=True)
class Space:
    """What the search needs: units, their sizes, pair costs, scopes and conflicts."""

    units: tuple[str, ...]
    models: dict[str, int]  # unit -> tables
    pair_cost: dict[str, dict[str, float]]  # symmetric; unit -> unit -> cost of separating
    scopes: tuple[frozenset[str], ...]  # unit sets of request-path write scopes
    transaction: float  # cost of one distributed transaction
    cons: Constraints
    # apps without tables, placed after the grouping with the group they read most: unit ->
    # [(app, read cost between them)]; such an app costs its reads of every other group
    readers: dict[str, tuple[tuple[str, float], ...]] = dataclasses.field(default_factory=dict)

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
    """A grouping under search, with what a move's delta needs kept up to date."""

    space: Space
    band: float
    group_of: dict[str, int]
    sizes: dict[int, int]
    scope_counts: list[dict[int, int]]  # per scope: group -> units of the scope in it
    scopes_of: dict[str, list[int]]  # unit -> indexes of the scopes it is in
    reads: dict[str, dict[int, float]]  # reader app -> group -> its read cost into the group

    def score(self) -> tuple[float, float]:
        over = sum(max(0.0, n - self.band) for n in self.sizes.values())
        cut = sum(w for a in self.space.units for b, w in self.space.pair_cost[a].items()
                  if a < b and self.group_of[a] != self.group_of[b])
        spans = sum(sum(1 for n in c.values() if n) > 1 for c in self.scope_counts)
        readers = sum(_reader_cost(by_group) for by_group in self.reads.values())
        return (round(over, 6), round(cut + spans * self.space.transaction + readers, 6))

    def delta(self, unit: str, target: int) -> tuple[float, float]:
        """(over-band, cost) change if ``unit`` moved to group ``target``."""
        here = self.group_of[unit]
        size = self.space.models[unit]

        def over(n: int) -> float:
            return max(0.0, n - self.band)

        d_over = (over(self.sizes[here] - size) - over(self.sizes[here])
                  + over(self.sizes[target] + size) - over(self.sizes[target]))
        d_cost = 0.0
        for other, w in self.space.pair_cost[unit].items():
            g = self.group_of[other]
            if g == here:
                d_cost += w
            elif g == target:
                d_cost -= w
        for index in self.scopes_of[unit]:
            counts = self.scope_counts[index]
            before = sum(1 for n in counts.values() if n) > 1
            after_counts = dict(counts)
            after_counts[here] -= 1
            after_counts[target] = after_counts.get(target, 0) + 1
            after = sum(1 for n in after_counts.values() if n) > 1
            d_cost += (after - before) * self.space.transaction
        for reader, w in self.space.readers.get(unit, ()):
            by_group = self.reads[reader]
            moved = dict(by_group)
            moved[here] -= w
            moved[target] = moved.get(target, 0.0) + w
            d_cost += _reader_cost(moved) - _reader_cost(by_group)
        return d_over, d_cost

    def move(self, members: dict[int, set[str]], unit: str, target: int) -> None:
        here = self.group_of[unit]
        members[here].discard(unit)
        members[target].add(unit)
        self.group_of[unit] = target
        self.sizes[here] -= self.space.models[unit]
        self.sizes[target] += self.space.models[unit]
        for index in self.scopes_of[unit]:
            counts = self.scope_counts[index]
            counts[here] -= 1
            counts[target] = counts.get(target, 0) + 1
        for reader, w in self.space.readers.get(unit, ()):
            by_group = self.reads[reader]
            by_group[here] -= w
            by_group[target] = by_group.get(target, 0.0) + w


def _reader_cost(by_group: dict[int, float]) -> float:
    """An app without tables joins the group it reads most; its other reads cross."""
    return sum(by_group.values()) - max(by_group.values(), default=0.0)


def cheapest(space: Space, counts: Iterable[int], band: float, seed: int,
             required: int | None = None
             ) -> dict[int, tuple[list[Group], tuple[float, float]]]:
    """Per service count k, the best grouping into k groups found from every start, with its
    (over-band, cost). Each start is merged down one k after the other, so the starts of
    every k come from one pass over the candidates. A k the constraints rule out (keep-apart
    of more apps than k) is left out, unless it is ``required``: then its ConstraintError."""
    graph = space.graph()
    wanted = sorted(set(counts), reverse=True)
    starts: dict[int, list[list[Group]]] = {k: [] for k in wanted}
    failed: dict[int, ConstraintError] = {}
    free = dataclasses.replace(space.cons, target=None)
    for candidate in candidates(graph, seed):
        current = enforce(candidate.groups, graph, free, seed)
        for k in wanted:
            if k in failed:
                continue
            try:
                grouped = enforce(current, graph, _target(space, k), seed)
            except ConstraintError as exc:
                failed[k] = exc
                continue
            if len(current) >= k:
                current = grouped
            if grouped not in starts[k]:
                starts[k].append(grouped)
    if required in failed:
        raise failed[required]
    wanted = [k for k in wanted if k not in failed]
    found: dict[int, tuple[list[Group], tuple[float, float]]] = {}
    for k in wanted:
        found[k] = _best(space, starts[k], band)
    for _ in range(len(wanted)):  # neighbours' optima, merged or split to k, as more starts
        changed = False
        for k in wanted:
            near = [enforce(found[n][0], graph, _target(space, k), seed)
                    for n in (k - 1, k + 1) if n in found]  # merges, splits: both feasible
            better = _best(space, [found[k][0], *near], band)
            if better[1] < found[k][1]:
                found[k], changed = better, True
        if not changed:
            break
    return found


def _best(space: Space, starts: list[list[Group]], band: float
          ) -> tuple[list[Group], tuple[float, float]]:
    best: tuple[tuple, list[Group]] | None = None
    for index, start in enumerate(starts):
        groups = _improve(space, start, band)
        key = (*_state(space, groups, band).score(), index)
        if best is None or key < best[0]:
            best = (key, groups)
    assert best is not None
    return best[1], (best[0][0], best[0][1])


def _target(space: Space, k: int) -> Constraints:
    source = space.cons.target_source if space.cons.target == k else f"{k} business services"
    return dataclasses.replace(space.cons, target=k, target_source=source)


def _state(space: Space, groups: list[Group], band: float) -> _State:
    group_of = {u: i for i, g in enumerate(groups) for u in g}
    sizes = dict.fromkeys(range(len(groups)), 0)
    for unit, index in group_of.items():
        sizes[index] += space.models[unit]
    scope_counts: list[dict[int, int]] = []
    scopes_of: dict[str, list[int]] = {u: [] for u in space.units}
    for index, scope in enumerate(space.scopes):
        counts: dict[int, int] = {}
        for unit in scope:
            counts[group_of[unit]] = counts.get(group_of[unit], 0) + 1
            scopes_of[unit].append(index)
        scope_counts.append(counts)
    reads: dict[str, dict[int, float]] = defaultdict(dict)
    for unit, readers in space.readers.items():
        for reader, w in readers:
            group = group_of[unit]
            reads[reader][group] = reads[reader].get(group, 0.0) + w
    return _State(space, band, group_of, sizes, scope_counts, scopes_of, dict(reads))


def _better(delta: tuple[float, float]) -> bool:
    """A move (or swap) lowers (over-band, cost) lexicographically, beyond rounding noise."""
    over, cost = delta
    return over < -1e-9 or (abs(over) <= 1e-9 and cost < -1e-9)


def _improve(space: Space, groups: list[Group], band: float) -> list[Group]:
    """First-improvement moves, then swaps of tied units, until neither lowers the score."""
    state = _state(space, groups, band)
    members: dict[int, set[str]] = {i: set(g) for i, g in enumerate(groups)}
    for _ in range(MAX_PASSES):
        improved = False
        for unit in space.units:
            for target in sorted(members):
                here = state.group_of[unit]
                if target == here or len(members[here]) == 1:
                    continue
                if space.cons.conflict({unit}, members[target]):
                    continue
                if _better(state.delta(unit, target)):
                    state.move(members, unit, target)
                    improved = True
        for unit in space.units:  # swaps: any pair in small projects, tied pairs in large
            for other in (space.units if len(space.units) <= ALL_PAIR_SWAPS
                          else sorted(space.pair_cost[unit])):
                a, b = state.group_of[unit], state.group_of[other]
                if unit >= other or a == b:
                    continue
                if (space.cons.conflict({unit}, members[b] - {other})
                        or space.cons.conflict({other}, members[a] - {unit})):
                    continue
                first = state.delta(unit, b)
                state.move(members, unit, b)
                second = state.delta(other, a)
                if _better((first[0] + second[0], first[1] + second[1])):
                    state.move(members, other, a)
                    improved = True
                else:
                    state.move(members, unit, a)
        if not improved:
            break
    return sorted((frozenset(m) for m in members.values() if m), key=lambda g: sorted(g))
