"""The typed, versioned data that stages exchange (in memory and as JSON on disk).

One module per artifact; this package re-exports them so callers write
``from decompose.model import ProjectGraph``.
"""

from decompose.model.boundaries import (
    BOUNDARIES_SCHEMA_VERSION,
    Boundaries,
    CutEdge,
    DistributedTransaction,
    ExtractionStep,
    Metrics,
    Placement,
    Service,
    ServiceMetrics,
    SplitSuggestion,
)
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
    "BOUNDARIES_SCHEMA_VERSION",
    "GRAPH_SCHEMA_VERSION",
    "App",
    "Boundaries",
    "CutEdge",
    "Dependency",
    "DependencyKind",
    "Diagnostic",
    "DiagnosticLevel",
    "DistributedTransaction",
    "ExtractionStep",
    "Field",
    "Location",
    "Metrics",
    "Model",
    "Placement",
    "ProjectGraph",
    "Relation",
    "RelationKind",
    "Service",
    "ServiceMetrics",
    "SplitSuggestion",
    "UrlRoute",
    "WriteScope",
]
