"""Candidate groupings of units: Louvain over a resolution sweep, and greedy modularity.

Louvain is randomised, so it runs with a fixed seed on a graph built in sorted order: the same
project always gets the same candidates. The sweep gives coarser (resolution < 1) and finer
(> 1) cuts to choose from; Clauset-Newman-Moore greedy modularity is a deterministic second
opinion that sometimes finds a better optimum on small graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities, louvain_communities

RESOLUTIONS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class Candidate:
    method: str
    groups: tuple[frozenset[str], ...]


def candidates(units: nx.Graph, seed: int) -> tuple[Candidate, ...]:
    """Every distinct grouping the sweep finds, first method that found it kept."""
    if units.number_of_nodes() == 0:
        return (Candidate("empty", ()),)
    found: list[Candidate] = []
    if units.number_of_edges() == 0:
        found.append(Candidate("isolated apps", tuple(frozenset({u}) for u in sorted(units))))
    else:
        for resolution in RESOLUTIONS:
            groups = louvain_communities(units, weight="weight", resolution=resolution,
                                         seed=seed)
            found.append(Candidate(f"louvain(resolution={resolution}, seed={seed})",
                                   _canonical(groups)))
        greedy = greedy_modularity_communities(units, weight="weight", resolution=1.0)
        found.append(Candidate("greedy-modularity(resolution=1.0)", _canonical(greedy)))
    unique: dict[tuple[frozenset[str], ...], Candidate] = {}
    for candidate in found:
        unique.setdefault(candidate.groups, candidate)
    return tuple(unique.values())


def _canonical(groups) -> tuple[frozenset[str], ...]:
    return tuple(sorted((frozenset(g) for g in groups), key=lambda g: sorted(g)))
