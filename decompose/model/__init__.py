"""The typed, versioned data that stages exchange (in memory and as JSON on disk).

One module per artifact; this package re-exports them so callers write
``from decompose.model import ProjectGraph``. An artifact's module is imported when one of
its names is first used (PEP 562): ``decompose analyze`` never needs the extraction or
routing records, and defining their dataclasses was a third of its start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what checkers see; _EXPORTS must name the same (a test checks)
    from decompose.model.boundaries import (
        BOUNDARIES_SCHEMA_VERSION,
        AppRole,
        Boundaries,
        CutEdge,
        Decision,
        DistributedTransaction,
        ExtractionStep,
        Metrics,
        Placement,
        Service,
        ServiceMetrics,
        SplitSuggestion,
        upgrade_boundaries,
    )
    from decompose.model.extraction import (
        EXTRACTION_SCHEMA_VERSION,
        AllowedModel,
        CopiedImport,
        CopiedStatement,
        CrossDependency,
        EnvironmentSetting,
        ExtractionPlan,
        FileCopy,
        ForwardedSignal,
        Handling,
        InboundCoupling,
        KeptRoute,
        Level,
        MirrorModule,
        MirrorName,
        Mount,
        RequestState,
        Rewrite,
        SignalReceiver,
        SplitTransaction,
        UnforwardedReceiver,
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
        SettingDefinition,
        SettingForm,
        SettingsFacts,
        SettingValue,
        UrlRoute,
        WriteScope,
        upgrade_graph,
    )
    from decompose.model.routing import (
        DEFAULT_MONOLITH_UPSTREAM,
        DEFAULT_SERVICE_PORT,
        DEFAULT_TRUSTED_NETWORKS,
        Change,
        Overrides,
        RoutingState,
        ServiceRoute,
        Stage,
        default_service_upstream,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "boundaries": (
        "BOUNDARIES_SCHEMA_VERSION", "AppRole", "Boundaries", "CutEdge", "Decision",
        "DistributedTransaction", "ExtractionStep", "Metrics", "Placement", "Service",
        "ServiceMetrics", "SplitSuggestion", "upgrade_boundaries",
    ),
    "extraction": (
        "EXTRACTION_SCHEMA_VERSION", "AllowedModel", "CopiedImport", "CopiedStatement",
        "CrossDependency", "EnvironmentSetting", "ExtractionPlan",
        "FileCopy", "ForwardedSignal", "Handling", "InboundCoupling", "KeptRoute", "Level",
        "MirrorModule", "MirrorName", "Mount", "RequestState", "Rewrite", "SignalReceiver",
        "SplitTransaction",
        "UnforwardedReceiver",
    ),
    "graph": (
        "GRAPH_SCHEMA_VERSION", "App", "Dependency", "DependencyKind", "Diagnostic",
        "DiagnosticLevel", "Field", "Location", "Model", "ProjectGraph", "Relation",
        "RelationKind", "SettingDefinition", "SettingForm", "SettingValue", "SettingsFacts",
        "UrlRoute", "WriteScope", "upgrade_graph",
    ),
    "routing": (
        "DEFAULT_MONOLITH_UPSTREAM", "DEFAULT_SERVICE_PORT", "DEFAULT_TRUSTED_NETWORKS", "Change",
        "Overrides", "RoutingState", "ServiceRoute", "Stage", "default_service_upstream",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return [*globals(), *__all__]
