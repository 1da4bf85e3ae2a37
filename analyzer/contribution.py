"""What a collector's resolution contributes to the graph: models, app-level edges, routes,
write scopes and diagnostics. Below the collectors, so the code they share (the model
builder) and the graph's assembly need no collector to speak of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from decompose.model import (
    DependencyKind,
    Diagnostic,
    Location,
    Model,
    UrlRoute,
    WriteScope,
)


@dataclass(frozen=True, order=True)
class Edge:
    """One occurrence of an app depending on another, at a place in the source."""

    source: str
    target: str
    kind: DependencyKind
    location: Location


@dataclass(frozen=True)
class Contribution:
    models: tuple[Model, ...] = ()
    edges: tuple[Edge, ...] = ()
    urls: tuple[UrlRoute, ...] = ()
    write_scopes: tuple[WriteScope, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
