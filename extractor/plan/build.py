"""Put the decisions together: one ``Plan`` for the apps that move."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from decompose.errors import CannotExtract, UnknownApp
from decompose.model import (
    AllowedModel,
    CrossDependency,
    ExtractionPlan,
    FileCopy,
    Handling,
    Level,
    Location,
    ProjectGraph,
    Rewrite,
    SettingsFacts,
)
from extractor.bridge import Allowlist
from extractor.codemods.base import Boundary
from extractor.plan.admin_inlines import remote_inlines
from extractor.plan.allowlist import RelatedReverses, allowed, model_properties, to_allowlist
from extractor.plan.couplings import inbound, split_transactions
from extractor.plan.data_migrations import DataMigrations, data_migrations
from extractor.plan.django_defaults import django_defaults
from extractor.plan.environment import MonolithEnvironment, monolith_environment
from extractor.plan.error_pages import ERROR_TEMPLATES, error_handlers
from extractor.plan.external_models import installed_models
from extractor.plan.field_declarations import Declared, declarations
from extractor.plan.field_types import field_types
from extractor.plan.files import admin_apps, app_files
from extractor.plan.import_time import refuse_import_time_calls
from extractor.plan.imports import TASK_QUEUE_STUB, CrossImports
from extractor.plan.joins import joins
from extractor.plan.lookups import content_type_lookups, remote_user, staying_lookups
from extractor.plan.middleware import (
    carried_middleware,
    middleware_packages,
    moved_middleware,
    response_middleware,
)
from extractor.plan.model_mixins import rules_models
from extractor.plan.movable import check_movable
from extractor.plan.pins import (
    ServiceRequirement,
    check_django,
    monolith_pins,
    service_requirements,
)
from extractor.plan.python_version import ProjectPython, project_python
from extractor.plan.relations import (
    LocalReverse,
    local_reverses,
    moved_models,
    remote_generics,
    remote_relations,
    replaced_relations,
    reverse_accessors,
    reverse_keys,
)
from extractor.plan.request_state import request_state
from extractor.plan.routes import LOGIN_SETTINGS, admin_prefix, monolith_pages, routes
from extractor.plan.scope import Scope
from extractor.plan.settings import (
    PatchTarget,
    carried_settings,
    enum_name_overrides,
    environment_record,
    negotiates_language,
    patch_targets,
    rest_framework,
    settings_read_by,
    settings_read_in_templates,
    settings_read_installed,
    static_storage,
    template_names,
    template_options,
)
from extractor.plan.signals import plan_signals, refuse_answered_sends
from extractor.plan.signing import shared_secret_key, signing_use
from extractor.plan.source import Source
from extractor.plan.templates import (
    TemplateNeeds,
    error_templates,
    installed_url_names,
    overrides,
    reversed_names,
    template_needs,
    templates_named,
)
from extractor.plan.tests import moved_tests
from extractor.plan.third_party import admin_skins, third_party
from extractor.runtime import runtime_dependencies, runtime_django, runtime_python
from extractor.spec import (
    SKELETON_APPS,
    SKELETON_REQUIREMENTS,
    TEST_REQUIREMENTS,
    ServiceApp,
    ServiceSpec,
    UrlMount,
)


@dataclass(frozen=True)
class Plan:
    """The decisions (``record``) plus what the writer renders from them."""

    record: ExtractionPlan
    spec: ServiceSpec
    allowlist: Allowlist
    boundary: Boundary
    modules: tuple[tuple[str, str], ...]  # (monolith path, module) of moved Python files
    patch: PatchTarget  # where the monolith patch installs the bridge
    # per remote model label, the OpenAPI type (an OpenApiTypes name) of each exposed field
    field_types: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # per remote model label, the Django field class and literal options of each exposed field
    declared_fields: tuple[tuple[str, tuple[Declared, ...]], ...] = ()
    # per remote model label, (foreign key, target label) between remote models
    remote_relations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # per remote model label, the allowlisted properties its rows answer with their value,
    # each with the OpenAPI type of its return annotation
    remote_properties: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # per monolith model label, the reverse accessors moved models' id columns gave it
    local_reverses: tuple[tuple[str, tuple[LocalReverse, ...]], ...] = ()
    # per remote model label, the reverse accessors other remote models' keys give it
    related_objects: RelatedReverses = ()
    # the remote models django-rules' model mixin gives ``get_perm`` (model_mixins)
    rules_models: tuple[str, ...] = ()
    # the service's dependencies, each with the monolith file that pins it ("" for none)
    dependencies: tuple[ServiceRequirement, ...] = ()
    environment: MonolithEnvironment = field(default_factory=MonolithEnvironment)
    python: ProjectPython = field(default_factory=ProjectPython)


def python_modules(scope: Scope, copies: Sequence[FileCopy]) -> tuple[tuple[str, str], ...]:
    """(path, module) of the Python files among ``copies``: what is read for imports."""
    return tuple((f.source, scope.source.module_of(f.source)) for f in copies
                 if f.source.endswith(".py"))


def build_plan(graph: ProjectGraph, root: Path, labels: Sequence[str],
               name: str | None = None, served: tuple[str, ...] = ()) -> Plan:
    """Plan moving the apps ``labels`` of the project at ``root`` into one service;
    ``served``, when given, replaces the URL prefixes read from the monolith's URLconfs."""
    own = {a.label: a for a in graph.own_apps}
    for label in labels:
        if label not in own:
            raise UnknownApp(label, sorted(own))
    moved = tuple(own[label] for label in sorted(set(labels)))
    check_movable(graph, frozenset(a.label for a in moved))
    pins = monolith_pins(root)
    check_django(pins, runtime_django())
    environment = monolith_environment(graph)
    python_version = project_python(root, environment, runtime_python())
    service = name or "-".join(a.label for a in moved).replace("_", "-")
    settings = graph.settings
    if settings is None:
        raise CannotExtract("graph.json has no settings facts (written by an older "
                            "decompose): run `decompose analyze` again")
    scope = Scope(graph, Source(root, graph.apps, settings.import_root), moved, service)

    files, notes = app_files(scope)
    python = python_modules(scope, files)
    for path, _ in python:
        scope.source.require_parsed(path, python_version.newest)
    auto = settings.known("DEFAULT_AUTO_FIELD")
    replaced, relation_dependencies = replaced_relations(
        scope, auto if isinstance(auto, str) else None)
    imports = CrossImports(scope)
    for path, _ in python:
        imports.scan(path)
    for relation in replaced:
        imports.mirror_model(relation.target)
    generics, generic_dependencies = remote_generics(scope)
    for generic in generics:
        imports.mirror_model(generic.target)
    accessors, lost = reverse_accessors(scope)
    for accessor in accessors:  # the rows, and the rows their keys point at (shipment.carrier)
        imports.mirror_model(accessor.source)
        source_model = graph.model(accessor.source)
        for followed in source_model.relations if source_model else ():
            if followed.target and followed.target.partition(".")[0] not in scope.moved_labels:
                imports.mirror_model(followed.target)
    drf = rest_framework(settings, any(
        a.external and a.name == "rest_framework" for a in graph.apps))
    for module, used, where in drf.uses:
        imports.use(module, [used], where)
    needs = template_needs(scope, [f.source for f in files if "/templates/" in f.source]
                           + templates_named(scope, [f.source for f in files
                                                     if f.source.endswith(".py")]))
    routed = routes(scope, needs.missing)
    mounts, prefixes, kept = routed.mounts, served or routed.prefixes, routed.kept
    for module, router, where in routed.routers:  # a DRF fork's router: copied as kernel
        imports.use(module, [router], where)
    if not prefixes:
        raise CannotExtract(
            f"{', '.join(sorted(scope.moved_labels))}: no URL of the monolith routes to "
            "these apps' views, so the service would serve nothing (mount them in a "
            "URLconf first)", path=scope.source.path_of(graph.settings_module))
    if kept:  # the pages stay on the monolith: nothing they need comes along
        needs = TemplateNeeds()
    skins = admin_skins(scope)
    # The project's templates overriding those of apps the service installs are its too.
    needs, override_notes = overrides(scope, needs, {*SKELETON_APPS, *skins, *needs.apps},
                                      bool(admin_apps(scope)))
    notes += override_notes
    # The project's error pages: Django's default error views render them (error_pages).
    needs, error_notes = error_templates(scope, needs, ERROR_TEMPLATES)
    notes += error_notes
    for library in needs.libraries:
        imports.use_library(library.module, library.loaded_at)
    patch = patch_targets(settings, scope.source)
    # The monolith's context processors and error views of apps that stay, named by string:
    # copied as kernel modules where they can be.
    names = template_names(settings)
    for module in [p.rpartition(".")[0] for p in names.context_processors] + list(
            names.builtins):  # a builtin names a template library's module
        imports.use_kernel(module, names.location or Location(patch.settings, 1))
    handlers = error_handlers(scope.source, patch.urlconf)
    for handler in handlers:
        imports.use_kernel(handler.view.rpartition(".")[0], Location(patch.urlconf, handler.line))
    imports.scan_carried()
    imports.refuse_unreachable()
    kernel = imports.kernel_files()
    notes += tuple(Rewrite(Location(f.source, 1), "plan", (
        "imports the monolith's Celery app for its side effect: written as a stub, the "
        "service runs no worker"), Level.WARNING) for f in kernel if f.kind == TASK_QUEUE_STUB)
    carried_files = imports.carried_files()
    files += kernel + carried_files + list(needs.copies)
    python += python_modules(scope, carried_files)
    # The kernel's copies are the service's code too: what they import must be installed there.
    kernel_python = python_modules(scope, [f for f in kernel if f.kind == "kernel"])
    for where, label in staying_lookups(scope, [path for path, _ in python]):
        imports.mirror_model(label)
        imports.dependencies.append(CrossDependency(
            where, label, Handling.REMOTE_MODEL, "looked up in the app registry or as the "
            "user model, whose app the service has not: the mirror's remote model"))
    for where, label in staying_lookups(scope, [path for path, _ in kernel_python],
                                        by_label_only=True):
        imports.mirror_model(label)
        imports.dependencies.append(CrossDependency(
            where, label, Handling.REMOTE_MODEL, "looked up in the app registry by a kernel "
            "copy, whose app the service has not: its registry answers the mirror's remote "
            "model"))
    for where, label in content_type_lookups(scope, [path for path, _ in python]):
        imports.mirror_model(label)
        imports.dependencies.append(CrossDependency(
            where, label, Handling.REMOTE_MODEL, "its content type is named where "
            "ContentType.model_class() is called: the mirror's remote model answers it"))
    mirrors = imports.mirror_modules()
    joined = joins(scope, python, {n.name: n.target for n in imports.mirrored_names()
                                   if n.handling == Handling.REMOTE_MODEL}, replaced)
    boundary = Boundary(moved_models(scope), replaced, mirrors, lost, accessors, frozenset(
        a.name for a in graph.apps if a.external), remote_user(scope), frozenset(
        remote_inlines(scope, [path for path, _ in python], mirrors)), generics, drf.fork,
        frozenset((j.model, j.path) for j in joined), reverse_keys(scope, replaced))
    external = installed_models(graph.apps, (
        n.target for n in imports.mirrored_names() if n.handling == Handling.REMOTE_MODEL),
        auto if isinstance(auto, str) else None)
    allowed_functions, allowed_models, many_notes, related_objects = allowed(
        scope, python, imports.mirrored_names(), needs.attributes, joined, kernel_python,
        external)
    # the installed models listed are typed as the project's own are
    typed = replace(graph, models=(*graph.models, *(m.model for m in external)))
    notes += many_notes
    # the monolith's middleware shaping the moved views' responses and its static files
    # storage, where the service can run them: their packages are its dependencies
    def runnable(module: str) -> bool:
        return environment.distribution_of(module) is not None

    # the remote models' fields; a package's field class among them is imported there
    remote_fields = declarations(scope, typed, allowed_models, runnable)
    notes += remote_fields.notes
    response = response_middleware(settings, runnable)
    own_middleware = moved_middleware(settings, moved)  # the moved apps' request state
    storage = static_storage(settings, runnable)
    # the settings of the skins' and that middleware's packages (not Django's: the service's
    # to set) are carried: django-csp's CONTENT_SECURITY_POLICY makes its header
    defaults = django_defaults(environment.site_paths)
    installed_folders = [Path(a.path) for a in graph.apps if a.name in skins and a.path] + \
        middleware_packages(response, environment)
    third_party_apps, libraries = third_party(
        scope, python + kernel_python, drf.settings, environment, (*needs.apps, *skins),
        {dotted.rpartition(".")[0] for dotted in (*response, storage) if dotted}
        | remote_fields.modules())
    requirements = tuple(r.requirement for r in service_requirements(pins, libraries))
    installed = {*SKELETON_APPS, *third_party_apps}
    dependencies = service_requirements(
        pins, SKELETON_REQUIREMENTS + libraries + runtime_dependencies())
    test_copies, test_paths, test_notes = moved_tests(
        scope, frozenset(f.source for f in kernel + carried_files),
        installed=environment.installs((*(d.requirement for d in dependencies),
                                        *TEST_REQUIREMENTS)))
    files += test_copies
    data = data_migrations(scope, {*scope.moved_labels, *(
        a.label for a in graph.apps if a.name in installed)}) if test_paths else DataMigrations()
    files += data.copies
    refuse_import_time_calls(scope, [path for path, _ in python], {
        f"{m.module}.{n.name}": n.target for m in mirrors for n in m.names
        if n.handling == Handling.REMOTE_FUNCTION})
    refuse_answered_sends(scope, [path for path, _ in python + kernel_python], {
        f"{m.module}.{n.name}": n.target for m in mirrors for n in m.names
        if n.handling == Handling.SIGNAL})
    signals = plan_signals(scope, imports.stand_in_signals())
    copied_modules = {scope.source.module_of(f.source) for f in kernel + carried_files}
    packages = [a.name for a in moved] + ["django", *third_party_apps]
    options = template_options(names, lambda module: _importable(
        module, packages, copied_modules))
    notes += tuple(Rewrite(options.location or Location(patch.settings, 1), "plan", (
        f"the monolith's template option {name} is of an app that stays: the moved pages "
        "render without it"), Level.WARNING) for name in options.left)
    enums = [(name, path) for name, path in enum_name_overrides(settings)
             if _importable(_defining_module(scope.source, path), packages, copied_modules)]
    declared = settings.value("SPECTACULAR_SETTINGS")
    where = (declared.entry("ENUM_NAME_OVERRIDES") if declared else None) or Location(
        patch.settings, 1)
    notes += tuple(Rewrite(where, "plan", (
        f"the monolith's ENUM_NAME_OVERRIDES entry {name} names {path}, which the service "
        "cannot import: its schema names that enum as drf-spectacular guesses"), Level.WARNING)
        for name, path in enum_name_overrides(settings) if (name, path) not in enums)
    served_handlers = [h for h in handlers if _importable(
        h.view.rpartition(".")[0], packages, copied_modules)]
    notes += tuple(Rewrite(Location(patch.urlconf, h.line), "plan", (
        f"the monolith's {h.name} {h.view} is of an app that stays and cannot be copied: the "
        "service answers with Django's default view (and the project's error template)"),
        Level.WARNING) for h in handlers if h not in served_handlers)
    carried = carried_settings(settings, settings_read_by(
        scope.source, [f.source for f in files if f.source.endswith(".py")])
        | settings_read_installed(installed_folders) - defaults.keys()
        | settings_read_in_templates(scope.source, options.context_processors, [
            f.source for f in files if "templates/" in f.source]), defaults, scope.source)
    signs = signing_use(scope.source, [path for path, _ in python + kernel_python])
    state = request_state(scope, settings, [path for path, _ in python + kernel_python])
    record = ExtractionPlan(
        service=service, apps=tuple(scope.moved_labels), routes=prefixes, mounts=mounts,
        files=tuple(files), rewrites=notes + test_notes + data.notes,
        dependencies=relation_dependencies + generic_dependencies + tuple(
            imports.dependencies),
        inbound=inbound(scope), transactions=split_transactions(scope), mirrors=mirrors,
        allowed_functions=allowed_functions, allowed_models=allowed_models,
        third_party_apps=third_party_apps, requirements=requirements, rest_framework=drf.settings,
        monolith_settings=scope.source.module_of(patch.settings),
        monolith_urlconf=scope.source.module_of(patch.urlconf), kept_routes=kept,
        signals=signals.forwarded, unforwarded=signals.unforwarded,
        environment_settings=environment_record(carried) + (
            (shared_secret_key(settings, signs),) if signs else ()), request_state=state)
    spec = ServiceSpec(
        name=service,
        apps=tuple(ServiceApp(a.label, a.name) for a in moved),
        mounts=tuple(UrlMount(m.prefix, m.urlconf) for m in record.mounts),
        routes=record.routes, routed_views=routed.views, test_paths=test_paths,
        data_migrations=data.modules,
        third_party_apps=record.third_party_apps, admin_skins=skins,
        middleware=carried_middleware(settings, (*response, *own_middleware),
                                      record.third_party_apps),
        moved_middleware=own_middleware,
        locale_middleware=negotiates_language(settings),
        request_state=tuple((s.middleware, s.attributes) for s in state),
        rest_framework=record.rest_framework,
        fork_exception_handler=drf.fork_exception_handler,
        drf_fork=drf.fork,
        verbatim=tuple(sorted(f.target for f in kernel
                              if f.kind == "kernel" and f.target.endswith(".py"))),
        dependencies=tuple(d.requirement for d in dependencies),
        admin_prefix=admin_prefix(scope) or "admin/",
        template_libraries=tuple((lib.name, lib.module) for lib in needs.libraries),
        context_processors=options.context_processors, template_builtins=options.builtins,
        error_handlers=tuple((h.name, h.view) for h in served_handlers),
        monolith_pages=monolith_pages(scope, (
            *needs.url_names, *reversed_names(scope, [p for p, _ in python + kernel_python]),
            *installed_url_names(
                Path(a.path) for a in graph.apps if a.path and a.name in third_party_apps),
            *(settings.known(n) for n in LOGIN_SETTINGS))),
        login_url=_text(settings.known("LOGIN_URL")),
        login_redirect_url=_text(settings.known("LOGIN_REDIRECT_URL")),
        static_url=_static_url(settings), static_storage=storage,
        enum_name_overrides=tuple(enums),
        monolith_settings=carried, shared_secret_key=str(signs or ""),
        default_auto_field=auto if isinstance(auto, str) else ServiceSpec.default_auto_field,
        **_locale(settings),
        events=bool(record.signals), python_version=python_version.version)
    return Plan(record, spec, to_allowlist(record), boundary, python, patch,
                tuple((m.label, field_types(typed, m)) for m in allowed_models),
                remote_fields.fields,
                remote_relations(graph, frozenset(m.label for m in allowed_models)),
                _properties(scope, allowed_models), local_reverses(scope, replaced),
                related_objects, rules_models(scope, (m.label for m in allowed_models)),
                dependencies, environment, python_version)


def _properties(scope: Scope, allowed_models: Sequence[AllowedModel]
                ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Per remote model, the allowlisted methods that are properties in the monolith, with
    the OpenAPI type of what they return."""
    found = []
    for allowed_model in allowed_models:
        model = scope.graph.model(allowed_model.label)
        types = model_properties(scope, model) if model is not None else {}
        names = set(allowed_model.methods) & types.keys()
        if names:
            found.append((allowed_model.label, tuple((n, types[n]) for n in sorted(names))))
    return tuple(sorted(found))


# What a locale setting may hold to be written into the service's settings as a literal.
_SAFE_TEXT = re.compile(r"[A-Za-z0-9_+/-]+")


def _locale(settings: SettingsFacts) -> dict[str, Any]:
    """TIME_ZONE, LANGUAGE_CODE, USE_I18N and USE_TZ as the monolith states them (taiga's
    LANGUAGE_CODE "en": the admin's <html lang>), the skeleton's where it does not, and the
    LANGUAGES among which the service picks each request's language where the monolith does
    (taiga's "en-us" is served as its supported variant "en")."""
    found: dict[str, Any] = {}
    for name, kind in (("TIME_ZONE", str), ("LANGUAGE_CODE", str), ("USE_I18N", bool),
                       ("USE_TZ", bool)):
        value = settings.known(name)
        if isinstance(value, kind) and _SAFE_TEXT.fullmatch(str(value)):
            found[name.lower()] = value
    languages = settings.known("LANGUAGES")
    if isinstance(languages, list | tuple) and all(
            isinstance(pair, list | tuple) and len(pair) == 2
            and all(isinstance(part, str) for part in pair) for pair in languages):
        found["languages"] = tuple((code, name) for code, name in languages)
    return found


# What the monolith's STATIC_URL may hold to be the default of the service's.
_SAFE_URL = re.compile(r"[A-Za-z0-9_+/:.~%-]+")


def _static_url(settings: SettingsFacts) -> str:
    """The monolith's STATIC_URL where its settings state it: the proxy keeps static files on
    the monolith, so the service's pages link them where the monolith's do (taiga's absolute
    ``http://localhost:8000/static/``)."""
    value = settings.known("STATIC_URL")
    return value if isinstance(value, str) and _SAFE_URL.fullmatch(value) else "/static/"


def _defining_module(source: Source, dotted: str) -> str:
    """The module of the project a dotted path reaches into (``notes.enums`` of
    ``notes.enums.Priority.choices``: its longest leading part that is one), "" when that
    module defines or imports no such name (``Priority``); else its first part (an installed
    package's)."""
    parts = dotted.split(".")
    for end in range(len(parts) - 1, 0, -1):
        path = source.path_of(".".join(parts[:end]))
        tree = source.tree(path) if path else None
        if path is None:
            continue
        names = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)} | {
            t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
            if isinstance(t, ast.Name)} | {a.asname or a.name for n in tree.body if isinstance(
                n, ast.Import | ast.ImportFrom) for a in n.names} if tree else set()
        return ".".join(parts[:end]) if parts[end] in names else ""
    return parts[0]


def _importable(module: str, packages: Sequence[str], copied: set[str]) -> bool:
    """Whether the service has ``module``: in one of ``packages`` (moved apps, Django,
    installed third-party apps) or copied into it."""
    return module in copied or any(module == package or module.startswith(package + ".")
                                   for package in packages)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
