"""Turn a ``Plan`` into files: the service folder, and (on request) the patched monolith.

Everything is produced in memory or in a temp folder first; the service folder appears in one
rename (``atomic_directory``), so a failure leaves nothing half-written, and nothing in it
depends on the clock or on absolute paths, so a re-run gives byte-identical files.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from decompose.errors import OutputExists
from decompose.model import CopiedImport, ExtractionPlan, Handling, MirrorModule
from decompose.paths import EXTRACTION_FILE, MIRROR_PACKAGE, PATCH_FILE
from decompose.serialize import atomic_directory, dumps
from decompose_runtime.names import MODEL_GETTER
from extractor.bare_paths import children_only
from extractor.codemods import FileOutcome, transform
from extractor.events import FORWARDING_FILE, plan_forwards, render_forwarding
from extractor.lock import LOCK_FILE, lock
from extractor.mirror_imports import import_block
from extractor.monolith_patch import FileChange, monolith_changes, render_patch
from extractor.openapi import MONOLITH_OPENAPI_FILE, OPENAPI_FILE, generate_openapi
from extractor.plan import Plan
from extractor.plan.data_migrations import DATA_INIT
from extractor.plan.imports import EMPTY_PACKAGE, TASK_QUEUE_STUB
from extractor.plan.routes import registered_prefixes
from extractor.render import DIR_MODE, FILE_MODE, make_environment, render_service, write_file
from extractor.requirements_files import is_declaration, stale_locks
from extractor.runtime import SERVICE_PACKAGES, runtime_source_files, vendored_files
from extractor.service_env import interpreter, service_python

EXTRACTION_TEMPLATES = Path(__file__).parent / "templates" / "extraction"
REPORT_FILE = "EXTRACTION.md"
# Files written from a template instead of copied, by FileCopy kind.
_STUBS = {TASK_QUEUE_STUB: "task_queue_stub.py.j2", EMPTY_PACKAGE: "empty_package.py.j2",
          DATA_INIT: "data_package.py.j2"}


@dataclass(frozen=True)
class Written:
    """What ``write_service`` wrote: the service's files (relative paths) and the schema
    warnings allowed in it, for the command to print."""

    files: list[str]
    schema_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """A plan with its codemods run: the final record, the moved files, the monolith change."""

    record: ExtractionPlan
    outcomes: tuple[FileOutcome, ...]
    changes: tuple[FileChange, ...]


def run_codemods(plan: Plan, root: Path, *, vendor_runtime: bool = False) -> Extraction:
    """Transform every moved Python file in memory; collect rewrites into the record.

    ``vendor_runtime``: the monolith gets a copy of the runtime instead of a requirement."""
    outcomes = tuple(
        transform((root / path).read_text(encoding="utf-8"), path, module, plan.boundary)
        for path, module in plan.modules)
    rewrites = plan.record.rewrites + tuple(r for o in outcomes for r in o.rewrites)
    record = replace(plan.record, rewrites=rewrites)
    return Extraction(record, outcomes, monolith_changes(
        root, record, plan.allowlist, plan.patch, vendor_runtime=vendor_runtime))


def write_service(plan: Plan, extraction: Extraction, root: Path, out: Path, *,
                  force: bool = False, vendor_runtime: bool = False,
                  allow_schema_warnings: bool = False) -> Written:
    """Write the service into ``out``; refuse a non-empty ``out`` unless ``force``.

    The service depends on decompose-runtime (a pinned range, locked from its copy under
    ``vendor/``), or with ``vendor_runtime`` carries the packages it imports from it. The
    lock is written, then the service is checked and its schema generated in an environment
    built from that lock (drf-spectacular's warnings refused unless ``allow_schema_warnings``),
    where its URLconf is also asked which router prefixes it serves only below (the record's
    ``children_only_routes``)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise OutputExists(out)
    spec = replace(plan.spec, runtime_requirement="") if vendor_runtime else plan.spec
    with atomic_directory(out, replace=True) as staging:
        staging.chmod(DIR_MODE)  # mkdtemp's 0700 would hide the service from its users
        render_service(spec, staging)
        if vendor_runtime:
            for name, text in vendored_files(SERVICE_PACKAGES).items():
                write_file(staging / name, text)
        else:
            for name, text in runtime_source_files().items():
                write_file(staging / name, text)
        transformed = {o.path: o.text for o in extraction.outcomes}
        env = make_environment(EXTRACTION_TEMPLATES)
        for copy in extraction.record.files:
            if copy.target in transformed:
                write_file(staging / copy.target, transformed[copy.target])
            elif copy.kind in _STUBS:
                write_file(staging / copy.target, env.get_template(
                    _STUBS[copy.kind]).render(source=copy.source))
            else:
                target = staging / copy.target
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / copy.source, target)
                target.chmod(FILE_MODE)
        _write_mirrors(staging, extraction.record.mirrors, plan)
        write_file(staging / "conftest.py", env.get_template("conftest.py.j2").render(
            apps=extraction.record.apps, data_migrations=plan.spec.data_migrations))
        if extraction.record.signals:
            write_file(staging / FORWARDING_FILE, render_forwarding(
                extraction.record.service,
                plan_forwards(extraction.record.service, extraction.record.signals)))
        write_file(staging / PATCH_FILE, render_patch(extraction.changes))
        lock(staging, interpreter(plan.environment, plan.python.version),
             previous=out / LOCK_FILE)
        python = service_python(staging, plan.environment, version=plan.python.version)
        schema = generate_openapi(staging, python, allow_warnings=allow_schema_warnings)
        if schema.warnings:  # the skeleton's schema checks name them: rendered again
            render_service(replace(spec, schema_warnings=schema.warnings), staging)
        write_file(staging / OPENAPI_FILE, schema.text)
        write_file(staging / MONOLITH_OPENAPI_FILE, schema.text)
        registered = [p for p in registered_prefixes(plan.spec.routed_views)
                      if p in extraction.record.routes]
        record = replace(extraction.record,
                         children_only_routes=children_only(staging, python, registered))
        declarations = [c.path for c in extraction.changes if is_declaration(c.path)]
        write_file(staging / REPORT_FILE, render_report(plan, record, declarations,
                                                        stale_locks(root, declarations),
                                                        schema.warnings))
        write_file(staging / EXTRACTION_FILE, dumps(record))
        written = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                         if p.is_file())
    return Written(written, schema.warnings)


def render_report(plan: Plan, record: ExtractionPlan, dependency_files: list[str],
                  locks: Sequence[tuple[str, str]] = (),
                  schema_warnings: Sequence[str] = ()) -> str:
    """EXTRACTION.md: every decision of ``record``, for the humans who review the service;
    ``dependency_files`` are the monolith's files the patch declares the bridge's needs in,
    ``locks`` the lock files that leaves stale, each with the command renewing it,
    ``schema_warnings`` drf-spectacular's warnings the team allowed."""
    return make_environment(EXTRACTION_TEMPLATES).get_template("EXTRACTION.md.j2").render(
        plan=record, admin_prefix=plan.spec.admin_prefix, admin_skins=plan.spec.admin_skins,
        settings=plan.spec.monolith_settings, shared_secret_key=plan.spec.shared_secret_key,
        static_storage=plan.spec.static_storage,
        dependencies=plan.dependencies, dependency_files=dependency_files, locks=locks,
        python=plan.python, schema_warnings=schema_warnings)


@dataclass(frozen=True)
class _MirrorView:
    module: str
    models: tuple
    functions: tuple
    exceptions: tuple
    getters: tuple
    imports: str  # the import block
    statements: tuple[str, ...]  # copied constants, in the monolith's order


# What the stand-ins of each kind need from decompose-runtime.
_STAND_IN_IMPORTS = {Handling.REMOTE_MODEL: CopiedImport("decompose_remote.models", "RemoteModel"),
                     Handling.REMOTE_FUNCTION: CopiedImport("decompose_remote.functions",
                                                            "remote_function"),
                     Handling.REMOTE_EXCEPTION: CopiedImport("decompose_remote.errors",
                                                             "remote_exception"),
                     Handling.MODEL_GETTER: CopiedImport(MODEL_GETTER.module,
                                                         MODEL_GETTER.name)}


def _mirror_view(mirror: MirrorModule) -> _MirrorView:
    """Stand-ins, re-exports of the service's copies (``from pkg.mod import Name as Name``,
    explicit for linters) and copied constants with their imports."""
    imports = {_STAND_IN_IMPORTS[n.handling] for n in mirror.names
               if n.handling in _STAND_IN_IMPORTS}
    for name in mirror.names:
        module, _, original = name.target.rpartition(".")
        if name.handling in (Handling.KERNEL, Handling.CARRIED):
            imports.add(CopiedImport(module, original, original))
        elif name.handling == Handling.SIGNAL and module != mirror.module:  # re-exported
            imports.add(CopiedImport(f"{MIRROR_PACKAGE}.{module}", original, name.name))
        imports.update(name.imports)
    statements = sorted({s for n in mirror.names for s in n.statements})
    models, functions, exceptions, getters = (
        tuple(n for n in mirror.names if n.handling == kind) for kind in _STAND_IN_IMPORTS)
    return _MirrorView(mirror.module, models, functions, exceptions, getters,
                       import_block(imports),
                       tuple(s.source for s in statements))


def _write_mirrors(staging: Path, mirrors: tuple[MirrorModule, ...], plan: Plan) -> None:
    """The mirror modules, and the package's root: the plan's tables of the remote models."""
    env = make_environment(EXTRACTION_TEMPLATES)
    modules = {m.module for m in mirrors}
    packages = {".".join(m.split(".")[:i]) for m in modules for i in range(1, len(m.split(".")))}
    for mirror in mirrors:
        view = _mirror_view(mirror)
        parts = PurePosixPath(MIRROR_PACKAGE, *mirror.module.split("."))
        path = parts / "__init__.py" if mirror.module in packages else parts.with_suffix(".py")
        write_file(staging / path, env.get_template("mirror.py.j2").render(mirror=view))
    package = env.get_template("package.py.j2").render()
    for name in sorted(packages - modules):
        write_file(staging / PurePosixPath(MIRROR_PACKAGE, *name.split(".")) / "__init__.py",
               package)
    write_file(staging / MIRROR_PACKAGE / "__init__.py", env.get_template(
        "mirror_root.py.j2").render(field_types=plan.field_types, declared=plan.declared_fields,
                                    remote_relations=plan.remote_relations,
                                    properties=plan.remote_properties,
                                    reverses=plan.local_reverses,
                                    related_objects=plan.related_objects,
                                    rules_models=plan.rules_models,
                                    user_model=plan.boundary.user_model))
