"""URL ownership: which app serves which path, walked statically from ROOT_URLCONF.

Handles ``path``/``re_path``/``url``, nested ``include()`` (a module string, an imported module,
a ``(patterns, app_name)`` tuple or a named list), DRF routers' ``register`` prefixes,
``i18n_patterns`` (shown as a ``<language>/`` segment) and ``static()`` media/static routes.
``/admin/`` and static files stay with the monolith (apps ``admin`` and ``staticfiles``).
An include from one app's URLconf into another app's is a ``url`` dependency.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from analyzer.collectors import Collector, Contribution, Edge, collector
from analyzer.facts import ParsedModule, dotted, keyword, literal_str
from analyzer.resolution import Resolution
from decompose.model import DependencyKind, Diagnostic, DiagnosticLevel, Location, UrlRoute

_ROUTE_FUNCS = frozenset({"path", "re_path", "url"})
_ROUTERS = frozenset({"DefaultRouter", "SimpleRouter", "ExtendedDefaultRouter",
                      "ExtendedSimpleRouter", "NestedSimpleRouter", "NestedDefaultRouter"})
_REGEX_META = re.compile(r"[\\.^$*+?{}\[\]|()]")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class UrlConfFact:
    """The module-level statements of a URLconf-like module (kept as ``ast`` nodes)."""

    statements: tuple[ast.stmt, ...]


@collector
class Urls(Collector):
    name = "urls"

    def extract(self, parsed: ParsedModule) -> tuple[UrlConfFact, ...]:
        statements = [s for s in parsed.top_level()
                      if isinstance(s, ast.Assign | ast.AugAssign | ast.Expr | ast.AnnAssign)]
        relevant = any(isinstance(t, ast.Name) and t.id == "urlpatterns"
                       for s in statements for t in _targets(s)) or any(
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
            and (dotted(s.value.func) or "").endswith(".register") for s in statements)
        return (UrlConfFact(tuple(statements)),) if relevant else ()

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
        if any(isinstance(t, ast.Name) and t.id == "app_name" for t in _targets(stmt)):
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
        for item in env.get("urlpatterns", []):
            self.entry(item, module, prefix, regex, namespace, depth)

    def _evaluate(self, statements: tuple[ast.stmt, ...], module: str) -> dict[str, list]:
        """Named lists of pattern expressions, routers' registrations as ("router", ...)."""
        env: dict[str, list] = {}
        self._current = module
        for stmt in statements:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                func = call.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    owner = func.value.id
                    if func.attr == "register" and len(call.args) >= 2:
                        env.setdefault(f"{owner}.urls", []).append(("router", call))
                    elif func.attr == "append" and call.args:
                        env.setdefault(owner, []).append(call.args[0])
                    elif func.attr == "extend" and call.args:
                        env.setdefault(owner, []).extend(self._items(call.args[0], env))
                continue
            for target in _targets(stmt):
                if not isinstance(target, ast.Name):
                    continue
                value = stmt.value
                if value is None:
                    continue
                items = self._items(value, env)
                if isinstance(stmt, ast.AugAssign):
                    env.setdefault(target.id, []).extend(items)
                else:
                    env[target.id] = items
        return env

    def _items(self, node: ast.expr, env: dict[str, list]) -> list:
        if isinstance(node, ast.List | ast.Tuple):
            out = []
            for elt in node.elts:
                out.extend(self._items(elt.value, env) if isinstance(elt, ast.Starred) else [elt])
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._items(node.left, env) + self._items(node.right, env)
        name = dotted(node)
        if name is not None and name in env:
            return list(env[name])
        if isinstance(node, ast.Call):
            func = (dotted(node.func) or "").rpartition(".")[2]
            if func == "i18n_patterns":
                return [("i18n", self._items(ast.List(elts=list(node.args)), env))]
            if func == "static":
                self.static_calls[(self._current, node.lineno)] = (node, self._current)
                return []
            if func in ("list", "tuple") and node.args:
                return self._items(node.args[0], env)
        return [("unknown", node)]

    def entry(self, item: object, module: str, prefix: str, regex: bool,
              namespace: str | None, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(item, tuple):
            kind, payload = item
            if kind == "i18n":
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
        route = literal_str(item.args[0]) if item.args else literal_str(keyword(item, "route"))
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
        target = literal_str(arg)
        if target is None and arg is not None:
            name = dotted(arg)
            local = self._evaluate(self._statements(module), module)
            if name in local:
                for item in local[name]:
                    self.entry(item, module, prefix, regex, namespace, depth + 1)
                return
            resolved = self.resolution.resolve(module, name) if name else None
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

    def _statements(self, module: str) -> tuple[ast.stmt, ...]:
        facts = self.resolution.facts(module)
        confs = facts.of("urls") if facts else ()
        return confs[0].statements if confs else ()

    def _register(self, call: ast.Call, module: str, prefix: str, regex: bool,
                  namespace: str | None) -> None:
        route = literal_str(call.args[0])
        if route is None:
            return
        target = self._view(module, call.args[1])
        app = self.resolution.app_of(target) if target else None
        route = route.strip("^$")
        joined, regex = _join(prefix, regex, (route + "/") if route else "", False)
        basename = literal_str(keyword(call, "basename"))
        self._route(joined, regex, app, module, call, target,
                    f"{namespace}:{basename}" if namespace and basename else basename)

    def _view(self, module: str, view: ast.expr) -> str | None:
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
