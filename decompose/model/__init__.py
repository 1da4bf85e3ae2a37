"""The typed, versioned data that stages exchange (in memory and as JSON on disk).

One module per artifact; this package re-exports them so callers write
``from decompose.model import ProjectGraph``.
"""

from decompose.model.graph import (
    GRAPH_SCHEMA_VERSION,
    App,
    Dependency,
    DependencyKind,
    Diagnostic,
    DiagnosticLevel,
    Field,
    Location,
    Model,
    ProjectGraph,
    Relation,
    RelationKind,
    UrlRoute,
    WriteScope,
)

__all__ = [
    "GRAPH_SCHEMA_VERSION",
    "App",
    "Dependency",
    "DependencyKind",
    "Diagnostic",
    "DiagnosticLevel",
    "Field",
    "Location",
    "Model",
    "ProjectGraph",
    "Relation",
    "RelationKind",
    "UrlRoute",
    "WriteScope",
]
