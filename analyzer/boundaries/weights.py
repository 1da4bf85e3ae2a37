"""Default weight of each dependency kind in the app graph, and how occurrences add up.

The weights rank how hard a coupling is to cut once two apps run as separate services:
a foreign key or multi-table inheritance ties two tables together (joins, referential
integrity, cascades); ORM use and dynamic model loads read or write the other app's data at
run time; a signal is a hidden call that can become an event; an import may only reach for a
helper or a type, and usually comes with an ORM edge already; a URL include is routing glue.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from decompose.model.graph import DependencyKind

DEFAULT_WEIGHTS: Mapping[DependencyKind, float] = {
    DependencyKind.RELATION: 10.0,
    DependencyKind.INHERITANCE: 10.0,
    DependencyKind.ORM: 5.0,
    DependencyKind.DYNAMIC: 5.0,
    DependencyKind.SIGNAL: 3.0,
    DependencyKind.IMPORT: 1.0,
    DependencyKind.URL: 1.0,
}


def resolve_weights(overrides: Mapping[str, float]) -> dict[DependencyKind, float]:
    """The defaults with the config's overrides applied (keys already validated)."""
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({DependencyKind(kind): float(w) for kind, w in overrides.items()})
    return weights


def damped(count: int) -> float:
    """``1 + ln(count)``: Mono2Micro's damping of call volumes, so 40 imports of one module
    do not outweigh a foreign key (count 1 -> 1.0, 10 -> 3.3, 100 -> 5.6)."""
    return 1.0 + math.log(max(count, 1))


def edge_weight(kind_weight: float, count: int) -> float:
    return kind_weight * damped(count)
