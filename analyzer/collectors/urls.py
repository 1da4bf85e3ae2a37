"""URL ownership: which app serves which path, walked statically from ROOT_URLCONF.

Handles ``path``/``re_path``/``url``, nested ``include()`` (a module string, an imported module,
a ``(patterns, app_name)`` tuple, a named or an inline list), DRF routers' ``register``
prefixes (with the slash their router adds, none for ``trailing_slash=False``),
``i18n_patterns`` (shown as a ``<language>/`` segment) and ``static()`` media/static routes.
Routes and include targets may be f-strings, ``+`` or module-level (also imported) strings and
settings; ``for`` loops over literal lists (or list settings) that extend ``urlpatterns`` or
register on a router run once per item; both branches of an ``if`` are taken.
``/admin/`` and static files stay with the monolith (apps ``admin`` and ``staticfiles``).
An include from one app's URLconf into another app's is a ``url`` dependency. A URLconf that
yields no route, and an entry that cannot be read, are warnings with their location.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from analyzer.collectors import Collector, collector
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule, dotted, keyword, literal_str
from analyzer.resolution import Resolution
from decompose.model import DependencyKind, Diagnostic, DiagnosticLevel, Location, UrlRoute

_ROUTE_FUNCS = frozenset({"path", "re_path", "url"})
_ROUTERS = frozenset({"DefaultRouter", "SimpleRouter", "ExtendedDefaultRouter",
                      "ExtendedSimpleRouter", "NestedSimpleRouter", "NestedDefaultRouter"})
_REGEX_META = re.compile(r"[\\.^$*+?{}\[\]|()]")
_MAX_DEPTH = 12
_MAX_ITERATIONS = 1000
_STATEMENTS = (ast.Assign, ast.AugAssign, ast.Expr, ast.AnnAssign, ast.For, ast.If)

Scope = dict[str, ast.expr]  # loop variables: name -> the item's expression

@dataclass(frozen=True)
class UrlConfFact:
    """The module-level statements of a URLconf-like module (kept as ``ast`` nodes)."""

    statements: tuple[ast.stmt, ...]


@collector
class Urls(Collector):
    name = "urls"

    def extract(self, parsed: ParsedModule) -> tuple[UrlConfFact, ...]:
        if not parsed.may_mention("urlpatterns", "register"):
            return ()
        relevant = any(n.id == "urlpatterns" and isinstance(n.ctx, ast.Store)
                       for n in parsed.nodes(ast.Name)) or any(
            (dotted(n.func) or "").endswith(".register") for n in parsed.nodes(ast.Call))
        statements = tuple(s for s in parsed.top_level() if isinstance(s, _STATEMENTS))
        return (UrlConfFact(statements),) if relevant else ()

    def resolve(self, resolution: Resolution) -> Contribution:
        root = resolution.project.settings.string("ROOT_URLCONF", "")
        walker = _Walker(resolution)
        if root:
            walker.module(root, "", False, None, 0)
            for prefix, app, location in _static_routes(resolution, walker.static_calls):
                walker.routes.append(UrlRoute(prefix, app, location, "django.views.static.serve"))
        return Contribution(urls=tuple(walker.routes), edges=tuple(walker.edges),
                            diagnostics=tuple(walker.diagnostics))


def _app_name(statements: tuple[ast.stmt, ...]) -> str | None:
    for stmt in statements:
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign) and any(
                isinstance(t, ast.Name) and t.id == "app_name" for t in _targets(stmt)):
            return literal_str(stmt.value)
    return None


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    if isinstance(stmt, ast.AugAssign | ast.AnnAssign):
        return [stmt.target]
    return []


@dataclass
class _Walker:
    resolution: Resolution
    routes: list[UrlRoute] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    static_calls: dict = field(default_factory=dict)
    _current: str = ""
    _scope: Scope = field(default_factory=dict)  # loop variables of the entry being walked
    _values: dict[str, Scope] = field(default_factory=dict)  # module -> its name = expression
    _evaluated: dict[str, dict[str, list]] = field(default_factory=dict)

    def module(self, module: str, prefix: str, regex: bool, namespace: str | None,
               depth: int, namespace_from_module: bool = False) -> None:
        facts = self.resolution.facts(module)
        confs = facts.of("urls") if facts else ()
        if not confs:
            self.diagnostics.append(Diagnostic(DiagnosticLevel.WARNING, "urlconf-not-found",
                                               f"URLconf {module!r} not found or has no "
                                               "urlpatterns"))
            return
        env = self._evaluate(confs[0].statements, module)
        if namespace_from_module:
            app_name = _app_name(confs[0].statements)
            namespace = ":".join(p for p in (namespace, app_name) if p) or None
        before = len(self.routes)
        for item in env.get("urlpatterns", []):
            self.entry(item, module, prefix, regex, namespace, depth)
        if len(self.routes) == before:
            line = next((s.lineno for s in confs[0].statements
                         if any(isinstance(t, ast.Name) and t.id == "urlpatterns"
                                for t in _targets(s))), 1)
            self.diagnostics.append(Diagnostic(
                DiagnosticLevel.WARNING, "urlconf-no-routes",
                f"URLconf {module!r} yields no route that can be read statically",
                self.resolution.location(module, line)))

    def _evaluate(self, statements: tuple[ast.stmt, ...], module: str) -> dict[str, list]:
        """Named lists of pattern expressions, routers' registrations as ("router", ...);
        an item built inside a loop is ("bound", (expression, loop variables))."""
        found = self._evaluated.get(module)
        if found is not None:
            return found
        env: dict[str, list] = {}
        self._values[module] = {}
        self._current = module
        self._run(statements, env, module, {})
        self._evaluated[module] = env
        return env

    def _run(self, statements: list[ast.stmt] | tuple[ast.stmt, ...], env: dict[str, list],
             module: str, scope: Scope) -> None:
        for stmt in statements:
            if isinstance(stmt, ast.For):
                self._loop(stmt, env, module, scope)
            elif isinstance(stmt, ast.If):  # settings.DEBUG and the like: both branches
                self._run(stmt.body, env, module, scope)
                self._run(stmt.orelse, env, module, scope)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                self._call(stmt.value, env, scope)
            else:
                self._assign(stmt, env, module, scope)

    def _call(self, call: ast.Call, env: dict[str, list], scope: Scope) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if func.attr == "register" and len(call.args) >= 2:
                env.setdefault(f"{owner}.urls", []).append(_bound(("router", call), scope))
            elif func.attr == "append" and call.args:
                env.setdefault(owner, []).append(_bound(call.args[0], scope))
            elif func.attr == "extend" and call.args:
                env.setdefault(owner, []).extend(self._items(call.args[0], env, scope))

    def _assign(self, stmt: ast.stmt, env: dict[str, list], module: str,
                scope: Scope) -> None:
        value = getattr(stmt, "value", None)
        if value is None:
            return
        for target in _targets(stmt):
            if not isinstance(target, ast.Name):
                continue
            if not scope and not isinstance(stmt, ast.AugAssign):
                self._values[module][target.id] = value
            items = self._items(value, env, scope)
            if isinstance(stmt, ast.AugAssign):
                env.setdefault(target.id, []).extend(items)
            else:
                env[target.id] = items

    def _loop(self, stmt: ast.For, env: dict[str, list], module: str, scope: Scope) -> None:
        """A loop over a literal list, a module-level list or a list setting runs once per
        item, its variables bound to the item's expression."""
        elements = self._iterable(stmt.iter, module, scope)
        if elements is None:
            self.diagnostics.append(Diagnostic(
                DiagnosticLevel.WARNING, "url-loop-unknown",
                "loop over a value that cannot be read statically; the routes it adds are "
                "left out", self.resolution.location(module, stmt.lineno)))
            return
        for element in elements[:_MAX_ITERATIONS]:
            inner = dict(scope)
            _bind(stmt.target, element, inner)
            self._run(stmt.body, env, module, inner)

    def _iterable(self, node: ast.expr, module: str, scope: Scope,
                  depth: int = 0) -> list[ast.expr] | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return list(node.elts)
        if isinstance(node, ast.Name):
            bound = scope.get(node.id) or self._values.get(module, {}).get(node.id)
            return self._iterable(bound, module, scope, depth + 1) if bound else None
        name = dotted(node) or ""
        if name.startswith("settings.") and name.count(".") == 1:
            value = self.resolution.project.settings.values.get(name.partition(".")[2])
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return [ast.Constant(v) for v in value]
        return None

    def _string(self, node: ast.expr | None, module: str, depth: int = 0) -> str | None:
        """A route or module path: literals, f-strings, ``+``, loop variables, module-level
        (or imported) strings and string settings."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            bound = self._scope.get(node.id) or self._values.get(module, {}).get(node.id)
            if bound is not None:
                return self._string(bound, module, depth + 1)
            resolved = self.resolution.resolve(module, node.id) or ""
            return resolved[6:] if resolved.startswith("const:") else None
        if isinstance(node, ast.JoinedStr):
            parts = [self._string(v.value if isinstance(v, ast.FormattedValue) else v, module,
                                  depth + 1) for v in node.values]
            return "".join(p for p in parts if p is not None) if None not in parts else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self._string(node.left, module, depth + 1)
            right = self._string(node.right, module, depth + 1)
            return left + right if left is not None and right is not None else None
        name = dotted(node) or ""
        if name.startswith("settings.") and name.count(".") == 1:
            value = self.resolution.project.settings.values.get(name.partition(".")[2])
            return value if isinstance(value, str) else None
        return None

    def _items(self, node: ast.expr, env: dict[str, list[object]],
               scope: Scope) -> list[object]:
        if isinstance(node, ast.List | ast.Tuple):
            out: list[object] = []
            for elt in node.elts:
                out.extend(self._items(elt.value, env, scope) if isinstance(elt, ast.Starred)
                           else [_bound(elt, scope)])
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._items(node.left, env, scope) + self._items(node.right, env, scope)
        name = dotted(node)
        if name is not None and name in env:
            return list(env[name])
        if isinstance(node, ast.Call):
            func = (dotted(node.func) or "").rpartition(".")[2]
            if func == "i18n_patterns":
                return [("i18n", self._items(ast.List(elts=list(node.args)), env, scope))]
            if func == "static":
                self.static_calls[(self._current, node.lineno)] = (node, self._current)
                return []
            if func in ("list", "tuple") and node.args:
                return self._items(node.args[0], env, scope)
        return [("unknown", node)]

    def entry(self, item: object, module: str, prefix: str, regex: bool,
              namespace: str | None, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(item, tuple):
            kind, payload = item
            if kind == "bound":
                saved, (item, self._scope) = self._scope, payload
                try:
                    self.entry(item, module, prefix, regex, namespace, depth)
                finally:
                    self._scope = saved
            elif kind == "unknown":
                self.diagnostics.append(Diagnostic(
                    DiagnosticLevel.WARNING, "url-entry-unknown",
                    "urlpatterns entry cannot be read statically; its routes are left out",
                    self.resolution.location(module, getattr(payload, "lineno", 1))))
            elif kind == "i18n":
                for sub in payload:
                    self.entry(sub, module, (prefix or "/") + "<language>/", regex, namespace,
                               depth)
            elif kind == "router":
                self._register(payload, module, prefix, regex, namespace)
            return
        if not (isinstance(item, ast.Call)
                and (dotted(item.func) or "").rpartition(".")[2] in _ROUTE_FUNCS):
            return
        func = (dotted(item.func) or "").rpartition(".")[2]
        route = self._string(item.args[0] if item.args else keyword(item, "route"), module)
        view = item.args[1] if len(item.args) > 1 else keyword(item, "view")
        if route is None or view is None:
            return
        joined, is_regex = _join(prefix, regex, route, func != "path")
        if isinstance(view, ast.Call) and (dotted(view.func) or "").endswith("include"):
            self._include(view, module, joined, is_regex, namespace, depth)
            return
        name = literal_str(keyword(item, "name"))
        if (dotted(view) or "").endswith("site.urls"):
            self._route(joined, is_regex, "admin", module, item, "django.contrib.admin.site",
                        None)
            return
        target = self._view(module, view)
        app = self.resolution.app_of(target) if target else None
        full_name = f"{namespace}:{name}" if namespace and name else name
        self._route(joined, is_regex, app, module, item, target, full_name)

    def _include(self, call: ast.Call, module: str, prefix: str, regex: bool,
                 namespace: str | None, depth: int) -> None:
        arg = call.args[0] if call.args else None
        ns = literal_str(keyword(call, "namespace")) or (
            literal_str(call.args[1]) if len(call.args) > 1 else None)
        if isinstance(arg, ast.Tuple) and len(arg.elts) == 2:
            ns = ns or literal_str(arg.elts[1])
            arg = arg.elts[0]
        explicit = ns is not None
        namespace = ":".join(p for p in (namespace, ns) if p) or None
        target = self._string(arg, module)
        if isinstance(arg, ast.List):  # include([path(...), ...]): pretalx's event pages
            local = self._evaluate(self._statements(module), module)
            for item in self._items(arg, local, self._scope):
                self.entry(item, module, prefix, regex, namespace, depth + 1)
            return
        if target is None and arg is not None:
            name = dotted(arg)
            local = self._evaluate(self._statements(module), module)
            while isinstance(arg, ast.Name) and arg.id in self._scope:
                arg = self._scope[arg.id]
                name = dotted(arg)
            if name in local:
                for item in local[name]:
                    self.entry(item, module, prefix, regex, namespace, depth + 1)
                return
            resolved = self.resolution.resolve(module, name) if name else None
            if resolved and self._imported_router(resolved, prefix, regex, namespace, depth):
                return
            if resolved and (self.resolution.facts(resolved) is not None
                             or resolved.endswith(".urls")):
                target = resolved
        if target is None:
            return
        source_app = self.resolution.app_of(module)
        target_app = self.resolution.app_of(target)
        if source_app and target_app and source_app != target_app:
            self.edges.append(Edge(source_app, target_app, DependencyKind.URL,
                                   self.resolution.location(module, call.lineno)))
        self.module(target, prefix, regex, namespace, depth + 1, not explicit)

    def _imported_router(self, resolved: str, prefix: str, regex: bool,
                         namespace: str | None, depth: int) -> bool:
        """``include(router.urls)`` of a router another module registers viewsets on
        (``from .routers import router``, as taiga does): its registrations, where made."""
        owner, _, attribute = resolved.rpartition(".")
        home, _, name = owner.rpartition(".")
        if attribute != "urls" or not home or not self._statements(home):
            return False
        items = self._evaluate(self._statements(home), home).get(f"{name}.urls")
        for item in items or ():
            self.entry(item, home, prefix, regex, namespace, depth + 1)
        return bool(items)

    def _statements(self, module: str) -> tuple[ast.stmt, ...]:
        facts = self.resolution.facts(module)
        confs = facts.of("urls") if facts else ()
        return confs[0].statements if confs else ()

    def _register(self, call: ast.Call, module: str, prefix: str, regex: bool,
                  namespace: str | None) -> None:
        route = self._string(call.args[0], module)
        if route is None:
            return
        target = self._view(module, call.args[1])
        app = self.resolution.app_of(target) if target else None
        route = route.strip("^$")
        slash = "/" if route and self._slashed(call, module) else ""
        joined, regex = _join(prefix, regex, route + slash, False)
        basename = self._string(keyword(call, "basename"), module)
        self._route(joined, regex, app, module, call, target,
                    f"{namespace}:{basename}" if namespace and basename else basename)

    def _slashed(self, call: ast.Call, module: str) -> bool:
        """Whether the router ``call`` registers on ends its routes with a slash: DRF's
        default, unless the module builds it with a false ``trailing_slash`` (taiga's
        ``DefaultRouter(trailing_slash=False)`` serves ``/api/v1/wiki`` and ``/api/v1/wiki/1``)."""
        owner = call.func.value if isinstance(call.func, ast.Attribute) else None
        built = (self._values.get(module, {}).get(owner.id)
                 if isinstance(owner, ast.Name) else None)
        flag = keyword(built, "trailing_slash") if isinstance(built, ast.Call) else None
        return not (isinstance(flag, ast.Constant) and not flag.value)

    def _view(self, module: str, view: ast.expr) -> str | None:
        while isinstance(view, ast.Name) and view.id in self._scope:
            view = self._scope[view.id]
        while isinstance(view, ast.Call):
            view = view.func
        name = dotted(view)
        if name is None:
            return None
        if name.endswith(".as_view"):
            name = name[: -len(".as_view")]
        resolved = self.resolution.resolve(module, name)
        return resolved if resolved and ":" not in resolved else None

    def _route(self, prefix: str, regex: bool, app: str | None, module: str, node: ast.AST,
               view: str | None, name: str | None) -> None:
        source_app = self.resolution.app_of(module)
        location = self.resolution.location(module, getattr(node, "lineno", 1))
        if source_app and app and source_app != app and app != "admin":
            self.edges.append(Edge(source_app, app, DependencyKind.URL, location))
        self.routes.append(UrlRoute(prefix, app, location, view, name, regex))


def _bound(node: object, scope: Scope) -> object:
    return ("bound", (node, dict(scope))) if scope else node


def _bind(target: ast.expr, element: ast.expr, scope: Scope) -> None:
    if isinstance(target, ast.Name):
        scope[target.id] = element
    elif (isinstance(target, ast.Tuple | ast.List) and isinstance(element, ast.Tuple | ast.List)
          and len(target.elts) == len(element.elts)):
        for name, item in zip(target.elts, element.elts, strict=True):
            _bind(name, item, scope)


def _join(prefix: str, prefix_regex: bool, route: str,
          route_regex: bool) -> tuple[str, bool]:
    """Join a parent prefix and a route; a simple regex becomes a plain path."""
    if route_regex:
        route = route.lstrip("^")
        body = route.removesuffix("$")
        if not _REGEX_META.search(body):
            route, route_regex = body, False
    return (prefix or "/") + route, prefix_regex or route_regex


def _static_routes(resolution: Resolution,
                   calls: dict) -> list[tuple[str, str | None, Location]]:
    settings = resolution.project.settings
    out = []
    for call, module in calls.values():
        setting = (dotted(call.args[0]) or "").rpartition(".")[2] if call.args else ""
        url = settings.string(setting, "") if setting else ""
        if url:
            path = "/" + url.strip("/") + "/"
            out.append((path, "staticfiles" if setting == "STATIC_URL" else None,
                        resolution.location(module, call.lineno)))
    return out
