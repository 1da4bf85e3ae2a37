"""Decide an extraction: what moves, what is cut at the boundary, and how each cut is bridged.

Pure: the analyzer's graph, the monolith's source text (read, never imported) and the chosen
apps go in; a ``Plan`` comes out. ``Plan.record`` is ``extraction.json``; the rest is what the
writer needs (the templates' ``ServiceSpec``, the bridge ``Allowlist``, the codemods' boundary).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from decompose.errors import DecomposeError, UnknownApp
from decompose.model import (
    AllowedModel,
    App,
    CrossDependency,
    DependencyKind,
    ExtractionPlan,
    FileCopy,
    Handling,
    InboundCoupling,
    KeptRoute,
    Level,
    Location,
    MirrorModule,
    MirrorName,
    Model,
    Mount,
    ProjectGraph,
    RelationKind,
    Rewrite,
    SplitTransaction,
)
from extractor.bridge import Allowlist, ModelAccess
from extractor.codemods.base import Boundary, MovedModel, ReplacedRelation
from extractor.spec import ServiceApp, ServiceSpec, UrlMount

# Apps the service installs itself: relations into them stay real foreign keys.
SERVICE_APPS = frozenset({"contenttypes"})
SKIP_DIRS = frozenset({"migrations", "tests", "__pycache__"})
# The service installs neither django.contrib.admin nor sessions: the admin stays in the
# monolith, where it keeps managing the same rows of the shared database.
STAYS_IN_MONOLITH = frozenset({"admin.py"})
PK_COLUMN_TYPES = {"AutoField": "IntegerField", "BigAutoField": "BigIntegerField",
                   "SmallAutoField": "SmallIntegerField"}
# REST_FRAMEWORK keys copied for API parity; authentication is the service's own (tokens).
DRF_PARITY_KEYS = ("DEFAULT_PERMISSION_CLASSES", "DEFAULT_PAGINATION_CLASS", "PAGE_SIZE",
                   "DEFAULT_FILTER_BACKENDS", "ORDERING_PARAM", "SEARCH_PARAM",
                   "DEFAULT_THROTTLE_CLASSES", "DEFAULT_THROTTLE_RATES", "DATETIME_FORMAT",
                   "COERCE_DECIMAL_TO_STRING", "DEFAULT_VERSIONING_CLASS")
# Backends swapped for ones that understand foreign keys that became id columns.
REPLACED_BACKENDS = {"django_filters.rest_framework.DjangoFilterBackend":
                     "decompose_remote.filters.RemoteAwareFilterBackend"}
NEVER_EXPOSED_FIELDS = frozenset({"password"})
MODEL_API = frozenset({"save", "delete", "clean", "full_clean", "refresh_from_db",
                       "get_absolute_url", "natural_key"})
HTML_ROUTE_REASON = ("server-rendered pages: their templates, login redirects, sessions and CSRF "
                     "belong to the monolith; the service serves JSON to token holders")
OPENAPI_TYPES = {"FloatField": "FLOAT", "DecimalField": "DECIMAL", "BooleanField": "BOOL",
                 "DateTimeField": "DATETIME", "DateField": "DATE", "TimeField": "TIME",
                 "DurationField": "DURATION", "UUIDField": "UUID", "EmailField": "EMAIL",
                 "URLField": "URI", "JSONField": "ANY"}
EXCEPTION_BASE = re.compile(r"(Error|Exception|Warning)$")


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


class Source:
    """Read-only access to the monolith's files, relative POSIX paths, parsed once."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def exists(self, path: str) -> bool:
        return (self.root / path).is_file()

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    @cache  # noqa: B019 - one Source per plan; the cache dies with it
    def tree(self, path: str) -> ast.Module | None:
        try:
            return ast.parse(self.read(path), filename=path)
        except (OSError, SyntaxError, UnicodeDecodeError):
            return None

    def files(self, directory: str) -> list[str]:
        base = self.root / directory
        found = []
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if (path.is_file() and not SKIP_DIRS.intersection(rel.parts)
                    and not path.name.startswith(("test_", ".")) and path.suffix != ".pyc"
                    and path.name != "tests.py"):
                found.append(path.relative_to(self.root).as_posix())
        return found


def build_plan(graph: ProjectGraph, root: Path, labels: Sequence[str],
               name: str | None = None) -> Plan:
    """Plan moving the apps ``labels`` of the project at ``root`` into one service."""
    own = {a.label: a for a in graph.own_apps}
    for label in labels:
        if label not in own:
            raise UnknownApp(label, sorted(own))
    moved = tuple(own[label] for label in sorted(set(labels)))
    service = name or "-".join(a.label for a in moved).replace("_", "-")
    return _Planner(graph, Source(root), moved, service).plan()


class _Planner:
    def __init__(self, graph: ProjectGraph, source: Source, moved: tuple[App, ...],
                 service: str):
        self.graph = graph
        self.source = source
        self.moved = moved
        self.moved_labels = frozenset(a.label for a in moved)
        self.service = service
        self.own = [a for a in graph.own_apps if a.path]
        self.dependencies: list[CrossDependency] = []
        self.kernel: dict[str, bool] = {}
        self.mirrors: dict[str, dict[str, MirrorName]] = {}

    # -- modules and files --------------------------------------------------------------

    def app_of(self, module: str) -> App | None:
        found = [a for a in self.graph.apps if module == a.name or module.startswith(a.name + ".")]
        return max(found, key=lambda a: len(a.name), default=None)

    def path_of(self, module: str) -> str | None:
        """Monolith-relative file of an own module (``pkg/mod.py`` or ``pkg/__init__.py``)."""
        app = self.app_of(module)
        if app is not None and (app.external or not app.path):
            return None
        if app is None:  # project modules outside apps (settings, urlconfs): from the root
            base = PurePosixPath(*module.split("."))
        else:
            inner = module[len(app.name):].lstrip(".").replace(".", "/")
            base = PurePosixPath(app.path) / inner if inner else PurePosixPath(app.path)
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if self.source.exists(candidate):
                return candidate
        return None

    def module_of(self, path: str) -> str:
        app = next((a for a in self.own if path.startswith(a.path + "/")), None)
        inner = PurePosixPath(path[len(app.path) + 1:] if app else path).with_suffix("")
        parts = [p for p in inner.parts if p != "__init__"]
        return ".".join([app.name, *parts] if app else parts)

    # -- the plan -----------------------------------------------------------------------

    def plan(self) -> Plan:
        files, stays = [], []
        for app in self.moved:
            for path in self.source.files(app.path or ""):
                (stays if PurePosixPath(path).name in STAYS_IN_MONOLITH else files).append(
                    FileCopy(path, path, "app"))
        notes = tuple(Rewrite(Location(f.source, 1), "plan", "not copied: the service has no "
                              "Django admin; the monolith's admin keeps managing these rows",
                              Level.WARNING) for f in stays)
        python = [(f.source, self.module_of(f.source)) for f in files
                  if f.source.endswith(".py")]
        replaced = self.replaced_relations()
        for path, module in python:
            self.scan_imports(path, module)
        for relation in replaced:
            self.mirror_model(relation.target)
        drf = self.drf_settings()
        files += self.kernel_files()
        mounts, routes, kept = self.urls()
        mirrors = tuple(MirrorModule(module, tuple(sorted(names.values())))
                        for module, names in sorted(self.mirrors.items()))
        boundary = Boundary(self.moved_models(), tuple(replaced), mirrors,
                            self.lost_accessors())
        allowed_functions, allowed_models = self.allowed(python)
        third_party, requirements = self.third_party(python, drf)
        settings_module, urlconf = self.monolith_settings()
        record = ExtractionPlan(
            service=self.service, apps=tuple(self.moved_labels), routes=routes, mounts=mounts,
            files=tuple(files), rewrites=notes, dependencies=tuple(self.dependencies),
            inbound=self.inbound(), transactions=self.transactions(), mirrors=mirrors,
            allowed_functions=allowed_functions, allowed_models=allowed_models,
            third_party_apps=third_party, requirements=requirements, rest_framework=drf,
            monolith_settings=settings_module, monolith_urlconf=urlconf, kept_routes=kept)
        return Plan(record, self.spec(record), to_allowlist(record), boundary, tuple(python),
                    tuple((m.label, self.field_types(m)) for m in allowed_models))

    def field_types(self, allowed: AllowedModel) -> tuple[tuple[str, str], ...]:
        """The OpenAPI type of each field the bridge sends, from the field classes declared in
        the monolith, so the service documents them as the monolith's own API does."""
        model = self.graph.model(allowed.label)
        declared = {f.name: f.type for f in model.fields} if model else {}
        targets = {r.field: r.target for r in model.relations} if model else {}
        types = []
        for name in allowed.fields:
            relation = name.removesuffix("_id") if name.endswith("_id") else None
            if relation in targets:
                target = self.graph.model(targets[relation]) if targets[relation] else None
                pk = next((f.type for f in target.fields if f.primary_key), "") if target else ""
                types.append((name, _openapi_type(pk or "AutoField")))
            else:
                types.append((name, _openapi_type(declared.get(name, ""))))
        return tuple(types)

    def spec(self, record: ExtractionPlan) -> ServiceSpec:
        auto = self.settings_literal("DEFAULT_AUTO_FIELD")
        return ServiceSpec(
            name=self.service,
            apps=tuple(ServiceApp(a.label, a.name) for a in self.moved),
            mounts=tuple(UrlMount(m.prefix, m.urlconf) for m in record.mounts),
            routes=record.routes,
            third_party_apps=record.third_party_apps,
            rest_framework=record.rest_framework,
            requirements=record.requirements,
            **({"default_auto_field": auto} if isinstance(auto, str) else {}))

    # -- models and relations -----------------------------------------------------------

    def moved_model_list(self) -> list[Model]:
        return [m for m in self.graph.models if m.app in self.moved_labels]

    def moved_models(self) -> tuple[MovedModel, ...]:
        models = self.moved_model_list()
        hops: dict[str, list[tuple[str, str]]] = {m.label: [] for m in models}
        for model in models:
            for relation in model.relations:
                if relation.target in hops:
                    hops[model.label].append((relation.field, relation.target))
                    reverse = relation.related_name or f"{model.name.lower()}_set"
                    if relation.kind != RelationKind.GENERIC_RELATION and reverse != "+":
                        hops[relation.target].append((reverse, model.label))
        return tuple(MovedModel(m.label, self.module_of(m.location.path), m.db_table, m.abstract,
                                tuple(sorted(set(hops[m.label])))) for m in models)

    def replaced_relations(self) -> list[ReplacedRelation]:
        replaced = []
        for model in self.moved_model_list():
            if model.abstract:
                continue
            for relation in model.relations:
                target = relation.target
                if (target is None or relation.parent_link
                        or relation.kind not in (RelationKind.FOREIGN_KEY,
                                                 RelationKind.ONE_TO_ONE,
                                                 RelationKind.MANY_TO_MANY)
                        or target.partition(".")[0] in self.moved_labels | SERVICE_APPS):
                    continue
                many = relation.kind == RelationKind.MANY_TO_MANY
                column = "" if many else self.pk_column(target)
                replaced.append(ReplacedRelation(model.label, relation.field, target, column,
                                                 many))
                handling = Handling.ERROR if many or not column else Handling.ID_COLUMN
                note = (f"{relation.field}_id {column} + RemoteRelation" if column and not many
                        else "no safe id-column rewrite (many-to-many or non-integer key)")
                self.dependencies.append(CrossDependency(
                    relation.location, f"{model.label}.{relation.field} -> {target}", handling,
                    note))
        return replaced

    def pk_column(self, label: str) -> str:
        model = self.graph.model(label)
        pk = next((f for f in model.fields if f.primary_key), None) if model else None
        return PK_COLUMN_TYPES.get(pk.type.rpartition(".")[2], "") if pk else ""

    def lost_accessors(self) -> frozenset[str]:
        """Reverse accessors that models staying in the monolith add to moved models."""
        lost = set()
        for model in self.graph.models:
            if model.app in self.moved_labels:
                continue
            for relation in model.relations:
                if relation.target and relation.target.partition(".")[0] in self.moved_labels:
                    lost.add(relation.related_name or f"{model.name.lower()}_set")
        return frozenset(lost - {"+"})

    # -- imports: kernel copies and remote mirrors --------------------------------------

    def scan_imports(self, path: str, module: str) -> None:
        tree = self.source.tree(path)
        if tree is None:
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                self.use(node.module, [a.name for a in node.names], Location(path, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    app = self.app_of(alias.name)
                    if app and not app.external and app.label not in self.moved_labels \
                            and not self.is_kernel(alias.name):
                        self.dependencies.append(CrossDependency(
                            Location(path, node.lineno), alias.name, Handling.ERROR,
                            "plain module import of an app that stays; use from-imports"))

    def use(self, module: str, names: list[str], where: Location) -> None:
        app = self.app_of(module)
        if app is None or app.external or app.label in self.moved_labels:
            return
        if self.is_kernel(module):
            self.dependencies.append(CrossDependency(where, module, Handling.KERNEL,
                                                     "copied under the same module path"))
            return
        for name in names:
            kind, target = self.classify(module, name)
            if kind == Handling.ERROR:
                self.dependencies.append(CrossDependency(where, f"{module}.{name}", kind,
                                                         target))
                continue
            self.mirrors.setdefault(module, {})[name] = MirrorName(name, kind, target)
            self.dependencies.append(CrossDependency(where, f"{module}.{name}", kind, target))

    def is_kernel(self, module: str) -> bool:
        """Abstract-only or model-free modules whose own imports are kernel too."""
        if module in self.kernel:
            return self.kernel[module]
        self.kernel[module] = True  # an import cycle among candidates does not disqualify
        path = self.path_of(module)
        tree = self.source.tree(path) if path else None
        ok = tree is not None and not any(
            m.location.path == path and not m.abstract for m in self.graph.models)
        if ok and tree is not None:
            for imported in _imported_modules(tree, module, path.endswith("__init__.py")):
                app = self.app_of(imported)
                if app is not None and not app.external and app.label not in self.moved_labels:
                    target = imported if self.path_of(imported) else imported.rpartition(".")[0]
                    if not self.is_kernel(target):
                        ok = False
                        break
        self.kernel[module] = ok
        return ok

    def kernel_files(self) -> list[FileCopy]:
        copies = set()
        for module, ok in self.kernel.items():
            path = self.path_of(module) if ok else None
            if path is None:
                continue
            copies.add(path)
            parts = module.split(".")
            for depth in range(1, len(parts)):
                init = self.path_of(".".join(parts[:depth]))
                if init and init.endswith("__init__.py"):
                    copies.add(init)
        return [FileCopy(p, p, "kernel") for p in sorted(copies)]

    def classify(self, module: str, name: str, depth: int = 0) -> tuple[Handling, str]:
        """How the mirror provides ``module.name``: a model, function or exception."""
        path = self.path_of(module)
        tree = self.source.tree(path) if path else None
        if tree is None or depth > 3:
            return Handling.ERROR, "its source could not be read"
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                return Handling.REMOTE_FUNCTION, f"{module}.{name}"
            if isinstance(node, ast.ClassDef) and node.name == name:
                model = next((m for m in self.graph.models
                              if m.location.path == path and m.name == name), None)
                if model is not None and not model.abstract:
                    return Handling.REMOTE_MODEL, model.label
                if _is_exception(tree, node):
                    return Handling.REMOTE_EXCEPTION, f"{module}.{name}"
                return Handling.ERROR, "a class that is neither a model nor an exception"
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and any(
                    (a.asname or a.name) == name for a in node.names):
                original = next(a.name for a in node.names if (a.asname or a.name) == name)
                return self.classify(node.module, original, depth + 1)
        return Handling.ERROR, "not a model, function or exception of that module"

    def mirror_model(self, label: str) -> None:
        model = self.graph.model(label)
        if model is None or model.app not in {a.label for a in self.own}:
            return
        module = self.module_of(model.location.path)
        self.mirrors.setdefault(module, {}).setdefault(
            model.name, MirrorName(model.name, Handling.REMOTE_MODEL, label))

    # -- the bridge allowlist -----------------------------------------------------------

    def allowed(self, python: Iterable[tuple[str, str]]
                ) -> tuple[tuple[str, ...], tuple[AllowedModel, ...]]:
        names = [n for mirror in self.mirrors.values() for n in mirror.values()]
        functions = tuple(sorted({n.target for n in names
                                  if n.handling == Handling.REMOTE_FUNCTION}))
        attributes, chains = _attribute_calls(self.source, python,
                                              {n.name for n in names
                                               if n.handling == Handling.REMOTE_MODEL})
        labels = {n.target: n.name for n in names if n.handling == Handling.REMOTE_MODEL}
        allowed = []
        for model in self.graph.models:
            if model.app in self.moved_labels or model.abstract or model.app not in {
                    a.label for a in self.own}:
                continue
            methods = sorted(_model_methods(self.source, model) & attributes)
            if model.label not in labels and not methods:
                continue
            managers = _manager_methods(self.source, model)
            used = chains.get(labels.get(model.label, ""), set())
            allowed.append(AllowedModel(model.label, _exposed_fields(model), tuple(methods),
                                        tuple(sorted(used & managers))))
        return functions, tuple(allowed)

    # -- URLs -----------------------------------------------------------------------------

    def urls(self) -> tuple[tuple[Mount, ...], tuple[str, ...], tuple[KeptRoute, ...]]:
        """Where the moved urlconfs mount, the prefixes routed to the service, and the ones
        that stay: server-rendered pages need the monolith's templates, sessions, CSRF and
        URL names (login, logout, other apps' pages), which a token-auth JSON service lacks."""
        mounts = set()
        for route in self.graph.urls:
            if route.app not in self.moved_labels or route.regex:
                continue
            pattern = _pattern_at(self.source.tree(route.location.path), route.location.line)
            if pattern is None:
                raise DecomposeError(f"cannot read the URL pattern for {route.prefix}",
                                     path=route.location.path, line=route.location.line)
            if pattern and not pattern.endswith("/"):
                pattern += "/"
            prefix = route.prefix[: len(route.prefix) - len(pattern)] if pattern else route.prefix
            if not route.prefix.endswith(pattern):
                prefix = route.prefix
            mounts.add(Mount(prefix.lstrip("/"), self.module_of(route.location.path)))
        served = {m for m in mounts if self.serves_json(m.urlconf)}
        kept = tuple(sorted(KeptRoute("/" + m.prefix, m.urlconf, HTML_ROUTE_REASON)
                            for m in mounts - served))
        routes = tuple(sorted({"/" + m.prefix for m in served}))
        return tuple(sorted(served)), routes, kept

    def serves_json(self, urlconf: str) -> bool:
        """Whether the urlconf routes DRF views: it, or a moved module it imports, imports
        rest_framework."""
        path = self.path_of(urlconf)
        tree = self.source.tree(path) if path else None
        if tree is None:
            return False
        modules = _imported_modules(tree, urlconf, path.endswith("__init__.py"))
        for module in list(modules):
            app = self.app_of(module)
            if app is not None and app.label in self.moved_labels and self.path_of(module):
                inner = self.path_of(module)
                modules |= _imported_modules(self.source.tree(inner) or ast.Module([], []),
                                             module, inner.endswith("__init__.py"))
        return any(m == "rest_framework" or m.startswith("rest_framework.") for m in modules)

    # -- couplings the other way, split transactions ------------------------------------

    def inbound(self) -> tuple[InboundCoupling, ...]:
        found = []
        for dep in self.graph.dependencies:
            if dep.target not in self.moved_labels or dep.source in self.moved_labels:
                continue
            if dep.source not in {a.label for a in self.own}:
                continue
            loud = dep.kind == DependencyKind.SIGNAL
            note = ("SIGNAL RECEIVER: will NOT fire for requests the service handles" if loud
                    else "works on the shared database; blocks a database split")
            found += [InboundCoupling(loc, dep.source, str(dep.kind), dep.target,
                                      Level.ERROR if loud else Level.WARNING, note)
                      for loc in dep.locations]
        return tuple(found)

    def transactions(self) -> tuple[SplitTransaction, ...]:
        found = []
        for scope in self.graph.write_scopes:
            apps = {label.partition(".")[0] for label in scope.models}
            if apps & self.moved_labels and apps - self.moved_labels:
                found.append(SplitTransaction(scope.location, scope.name, (
                    f"{scope.kind} writes {', '.join(scope.models)}: now split between the "
                    "service and the monolith")))
        return tuple(found)

    # -- settings read statically ------------------------------------------------------

    def settings_chain(self) -> list[str]:
        """Paths of the settings module and the modules it star-imports, most derived first."""
        chain: list[str] = []
        pending = [self.graph.settings_module]
        while pending:
            module = pending.pop()
            path = self.path_of(module)
            if path is None or path in chain:
                continue
            chain.append(path)
            tree = self.source.tree(path)
            for node in tree.body if tree else ():
                if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                    pending.append(_absolute(node, module, path.endswith("__init__.py")))
        return chain

    def settings_assignment(self, name: str) -> tuple[str, ast.expr] | None:
        for path in self.settings_chain():
            tree = self.source.tree(path)
            for node in reversed(tree.body if tree else []):
                if isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    return path, node.value
        return None

    def settings_literal(self, name: str) -> object:
        found = self.settings_assignment(name)
        try:
            return ast.literal_eval(found[1]) if found else None
        except ValueError:
            return None

    def drf_settings(self) -> tuple[tuple[str, str], ...]:
        found = self.settings_assignment("REST_FRAMEWORK")
        if found is None or not isinstance(found[1], ast.Dict):
            return ()
        path, value = found
        settings = []
        for key, item in zip(value.keys, value.values, strict=True):
            if not isinstance(key, ast.Constant) or key.value not in DRF_PARITY_KEYS:
                continue
            try:
                literal = ast.literal_eval(item)
            except ValueError:
                continue
            for dotted in [literal] if isinstance(literal, str) else (
                    literal if isinstance(literal, list) else []):
                if isinstance(dotted, str) and "." in dotted:
                    self.use(dotted.rpartition(".")[0], [dotted.rpartition(".")[2]],
                             Location(path, item.lineno))
            if isinstance(literal, list):
                literal = [REPLACED_BACKENDS.get(item, item) for item in literal]
            settings.append((key.value, repr(literal)))
        return tuple(settings)

    def third_party(self, python: Iterable[tuple[str, str]], drf: tuple[tuple[str, str], ...]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """External, non-Django apps the moved code or the copied DRF settings use."""
        used = set()
        text = " ".join(value for _, value in drf) + " ".join(
            original for original, new in REPLACED_BACKENDS.items() if new in str(drf))
        for app in self.graph.apps:
            if not app.external or app.name.startswith(("django.", "rest_framework")):
                continue
            if app.name in text or any(app.name in _top_imports(self.source, path)
                                       for path, _ in python):
                used.add(app.name)
        return tuple(sorted(used)), tuple(sorted(filter(None, map(_requirement, used))))

    def monolith_settings(self) -> tuple[str, str]:
        for name in ("LOCAL_APPS", "INSTALLED_APPS"):
            found = self.settings_assignment(name)
            if found and isinstance(found[1], ast.List):
                settings_path = found[0]
                break
        else:
            raise DecomposeError("no INSTALLED_APPS / LOCAL_APPS list literal to patch",
                                 path=self.path_of(self.graph.settings_module))
        urlconf = self.settings_literal("ROOT_URLCONF")
        if not isinstance(urlconf, str):
            raise DecomposeError("ROOT_URLCONF is not a string literal", path=settings_path)
        return self.module_of(settings_path), urlconf


def to_allowlist(record: ExtractionPlan) -> Allowlist:
    return Allowlist(record.allowed_functions, tuple(
        ModelAccess(m.label, m.fields, m.methods, m.chains) for m in record.allowed_models))


# --- ast helpers --------------------------------------------------------------------------

def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(_absolute(node, module, is_package))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _top_imports(source: Source, path: str) -> set[str]:
    tree = source.tree(path)
    return _imported_modules(tree, "", False) if tree else set()


def _is_exception(tree: ast.Module, node: ast.ClassDef, depth: int = 0) -> bool:
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if EXCEPTION_BASE.search(name):
            return True
        if name in classes and depth < 5 and _is_exception(tree, classes[name], depth + 1):
            return True
    return False


def _pattern_at(tree: ast.Module | None, line: int) -> str | None:
    """The first string argument of the path()/register() call on ``line``."""
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Call) and node.lineno == line and node.args and isinstance(
                node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
    return None


def _class_node(source: Source, model: Model) -> ast.ClassDef | None:
    tree = source.tree(model.location.path)
    return next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                 and n.name == model.name), None) if tree else None


def _model_methods(source: Source, model: Model) -> set[str]:
    node = _class_node(source, model)
    return {n.name for n in node.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_") and n.name not in MODEL_API} if node else set()


def _manager_methods(source: Source, model: Model) -> set[str]:
    """Public methods of the QuerySet/Manager classes defined in the model's module."""
    tree = source.tree(model.location.path)
    found = set()
    for node in tree.body if tree else ():
        if isinstance(node, ast.ClassDef) and any(
                "QuerySet" in ast.unparse(b) or "Manager" in ast.unparse(b) for b in node.bases):
            found |= {n.name for n in node.body if isinstance(n, ast.FunctionDef)
                      and not n.name.startswith("_")}
    return found


def _attribute_calls(source: Source, python: Iterable[tuple[str, str]], models: set[str]
                     ) -> tuple[set[str], dict[str, set[str]]]:
    """Every ``x.name(...)`` called in moved code, and per remote model name the methods
    called on its ``.objects`` chains."""
    attributes: set[str] = set()
    chains: dict[str, set[str]] = {}
    for path, _ in python:
        tree = source.tree(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attributes.add(node.func.attr)
                root = node.func.value
                while isinstance(root, ast.Call | ast.Attribute):
                    root = root.func if isinstance(root, ast.Call) else root.value
                if isinstance(root, ast.Name) and root.id in models:
                    chains.setdefault(root.id, set()).add(node.func.attr)
    return attributes, chains


def _exposed_fields(model: Model) -> tuple[str, ...]:
    relations = {r.field: r for r in model.relations}
    fields = []
    for field in model.fields:
        relation = relations.get(field.name)
        if field.name in NEVER_EXPOSED_FIELDS:
            continue
        if relation is None:
            if "ManyToMany" not in field.type and "Generic" not in field.type:
                fields.append(field.name)
        elif relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE):
            fields.append(f"{field.name}_id")
    return tuple(fields)


def _openapi_type(field_type: str) -> str:
    """``models.DecimalField`` -> "DECIMAL": the drf_spectacular OpenApiTypes name."""
    name = field_type.rpartition(".")[2]
    if name in OPENAPI_TYPES:
        return OPENAPI_TYPES[name]
    return "INT" if name.endswith(("AutoField", "IntegerField")) else "STR"


def _requirement(module: str) -> str | None:
    """``django_filters`` -> ``django-filter>=25.1,<26`` from the installed distribution."""
    top = module.split(".")[0]
    for dist in importlib.metadata.packages_distributions().get(top, []):
        version = importlib.metadata.version(dist)
        major = version.split(".")[0]
        return f"{dist}>={'.'.join(version.split('.')[:2])},<{int(major) + 1}"
    return None
