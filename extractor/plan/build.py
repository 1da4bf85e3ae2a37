"""Put the decisions together: one ``Plan`` for the apps that move."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from decompose.errors import UnknownApp
from decompose.model import ExtractionPlan, ProjectGraph
from extractor.bridge import Allowlist
from extractor.codemods.base import Boundary
from extractor.plan.allowlist import allowed, to_allowlist
from extractor.plan.couplings import inbound, split_transactions
from extractor.plan.field_types import field_types
from extractor.plan.files import app_files
from extractor.plan.imports import CrossImports
from extractor.plan.movable import check_movable
from extractor.plan.relations import lost_accessors, moved_models, replaced_relations
from extractor.plan.routes import admin_prefix, routes
from extractor.plan.scope import Scope
from extractor.plan.settings import MonolithSettings
from extractor.plan.source import Source
from extractor.plan.third_party import third_party
from extractor.spec import ServiceApp, ServiceSpec, UrlMount


@dataclass(frozen=True)
class Plan:
    """The decisions (``record``) plus what the writer renders from them."""

    record: ExtractionPlan
    spec: ServiceSpec
    allowlist: Allowlist
    boundary: Boundary
    modules: tuple[tuple[str, str], ...]  # (monolith path, module) of moved Python files
    # per remote model label, the OpenAPI type (an OpenApiTypes name) of each exposed field
    field_types: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


def build_plan(graph: ProjectGraph, root: Path, labels: Sequence[str],
               name: str | None = None) -> Plan:
    """Plan moving the apps ``labels`` of the project at ``root`` into one service."""
    own = {a.label: a for a in graph.own_apps}
    for label in labels:
        if label not in own:
            raise UnknownApp(label, sorted(own))
    moved = tuple(own[label] for label in sorted(set(labels)))
    check_movable(graph, frozenset(a.label for a in moved))
    service = name or "-".join(a.label for a in moved).replace("_", "-")
    scope = Scope(graph, Source(root, graph.apps), moved, service)
    settings = MonolithSettings(scope.source, graph.settings_module)

    files, notes = app_files(scope)
    python = tuple((f.source, scope.source.module_of(f.source)) for f in files
                   if f.source.endswith(".py"))
    replaced, relation_dependencies = replaced_relations(scope)
    imports = CrossImports(scope)
    for path, _ in python:
        imports.scan(path)
    for relation in replaced:
        imports.mirror_model(relation.target)
    drf, drf_uses = settings.rest_framework()
    for module, used, where in drf_uses:
        imports.use(module, [used], where)
    files += imports.kernel_files()
    mounts, prefixes, kept = routes(scope)
    mirrors = imports.mirror_modules()
    boundary = Boundary(moved_models(scope), replaced, mirrors, lost_accessors(scope))
    allowed_functions, allowed_models = allowed(scope, python, imports.mirrored_names())
    third_party_apps, requirements = third_party(scope, python, drf)
    settings_module, urlconf = settings.patch_targets()
    record = ExtractionPlan(
        service=service, apps=tuple(scope.moved_labels), routes=prefixes, mounts=mounts,
        files=tuple(files), rewrites=notes,
        dependencies=relation_dependencies + tuple(imports.dependencies),
        inbound=inbound(scope), transactions=split_transactions(scope), mirrors=mirrors,
        allowed_functions=allowed_functions, allowed_models=allowed_models,
        third_party_apps=third_party_apps, requirements=requirements, rest_framework=drf,
        monolith_settings=settings_module, monolith_urlconf=urlconf, kept_routes=kept)
    auto = settings.literal("DEFAULT_AUTO_FIELD")
    spec = ServiceSpec(
        name=service,
        apps=tuple(ServiceApp(a.label, a.name) for a in moved),
        mounts=tuple(UrlMount(m.prefix, m.urlconf) for m in record.mounts),
        routes=record.routes,
        third_party_apps=record.third_party_apps,
        rest_framework=record.rest_framework,
        requirements=record.requirements,
        admin_prefix=admin_prefix(scope) or "admin/",
        **({"default_auto_field": auto} if isinstance(auto, str) else {}))
    return Plan(record, spec, to_allowlist(record), boundary, python,
                tuple((m.label, field_types(graph, m)) for m in allowed_models))
