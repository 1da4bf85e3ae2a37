"""Which URL prefixes of the moved apps the service serves, and which stay in the monolith."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from decompose.errors import DecomposeError
from decompose.model import KeptRoute, Location, Mount, UrlRoute
from decompose.modules import absolute_module
from extractor.plan.files import admin_apps
from extractor.plan.scope import Scope
from extractor.spec import RoutedView, Router

# Settings naming a URL the moved pages redirect to (a path or a URL name).
LOGIN_SETTINGS = ("LOGIN_URL", "LOGIN_REDIRECT_URL")


@dataclass(frozen=True)
class Routes:
    """``mounts``: moved urlconfs the service includes; ``views``: moved views routed from a
    urlconf that stays; ``prefixes``: what the proxy sends to the service; ``kept``: what stays."""

    mounts: tuple[Mount, ...]
    views: tuple[RoutedView, ...]
    prefixes: tuple[str, ...]
    kept: tuple[KeptRoute, ...]
    # (module, class, where it is built) of a monolith's own router class the service uses
    routers: tuple[tuple[str, str, Location], ...] = ()


def routes(scope: Scope, template_problems: tuple[str, ...] = ()) -> Routes:
    """Where the moved urlconfs mount, the prefixes routed to the service, and the ones
    that stay: server-rendered pages whose templates need something the service cannot
    provide (``template_problems``) keep being the monolith's. A moved view routed from a
    urlconf that stays (a router shared by every app's viewsets) is routed by the service
    itself, alone: the service serves exactly its own viewsets' prefixes."""
    mounts, views, routers = set(), set(), set()
    for route in scope.graph.urls:
        if route.app not in scope.moved_labels or route.regex:
            continue
        tree = scope.source.tree(route.location.path)
        call = _call_at(tree, route.location.line)
        pattern = _first_string(call, tree)
        if call is None or pattern is None:
            raise DecomposeError(f"cannot read the URL pattern for {route.prefix}",
                                 path=route.location.path, line=route.location.line)
        urlconf = scope.source.module_of(route.location.path)
        owner = scope.source.app_of(urlconf)
        register = isinstance(call.func, ast.Attribute) and call.func.attr == "register"
        prefix = _mount_prefix(route.prefix, pattern)
        if (owner is None or owner.label not in scope.moved_labels) and route.view:
            view_call = _view_call(call.args[1] if len(call.args) > 1 else None, route)
            router = _router(tree, call, urlconf) if register else Router()
            if router.module != Router.module:
                routers.add((router.module, router.name, route.location))
            name = next((k.value.value for k in call.keywords if k.arg == router.name_keyword
                         and isinstance(k.value, ast.Constant)
                         and isinstance(k.value.value, str)), None) if register else None
            views.add(RoutedView(prefix.lstrip("/"), pattern.rstrip("/") if register
                                 else pattern, route.view, name or route.name or "", register,
                                 view_call, router))
        else:  # where the urlconf is mounted, above a router it includes itself
            mounts.add(Mount(_mount_prefix(route.prefix, _included_at(tree, call) + pattern)
                             .lstrip("/") if register else prefix.lstrip("/"), urlconf))
    served = {m for m in mounts if not template_problems or _serves_json(scope, m.urlconf)}
    reason = ("server-rendered pages whose templates need what the service cannot provide: "
              + "; ".join(template_problems))
    kept = tuple(sorted(KeptRoute("/" + m.prefix, m.urlconf, reason) for m in mounts - served))
    prefixes = {static_prefix("/" + m.prefix) for m in served} | set(_admin_pages(scope))
    prefixes |= {view_prefix(v) for v in views}
    return Routes(tuple(sorted(served)), tuple(sorted(views)), tuple(sorted(prefixes)), kept,
                  tuple(sorted(routers)))


def _view_call(view: ast.expr | None, route: UrlRoute) -> str:
    """How the staying URLconf calls the view it routes, as the service repeats it after the
    view's name: ``.as_view(greeting="hi")`` for a class-based view, ``(404)`` for a view a
    factory builds (pretalx's ``error_view(404)``), "" for the view itself. Arguments other
    than literals name the URLconf's own values, which the service does not have."""
    if not isinstance(view, ast.Call):
        return ""
    arguments = [*view.args, *(k.value for k in view.keywords)]
    for argument in arguments:
        try:
            ast.literal_eval(argument)
        except ValueError:
            raise DecomposeError(
                f"the view routed at {route.prefix} is built with {ast.unparse(argument)!r}, "
                "not a literal: route it from a URLconf of the moved app",
                path=route.location.path, line=route.location.line) from None
    called = ast.unparse(ast.Call(ast.Name("_"), view.args, view.keywords))[1:]
    as_view = isinstance(view.func, ast.Attribute) and view.func.attr == "as_view"
    return f".as_view{called}" if as_view else called


def _router(tree: ast.Module | None, call: ast.Call, module: str) -> Router:
    """The router ``call`` (``router.register(...)``) registers on, as the service builds it:
    the class the module builds ``router`` with (``routers.DefaultRouter(trailing_slash=
    False)``) when it is not DRF's, and its literal keyword arguments either way."""
    keyword = next((k.arg for k in call.keywords if k.arg in ("basename", "base_name")),
                   Router.name_keyword)
    target = call.func.value if isinstance(call.func, ast.Attribute) else None
    built = _constants(tree).get(target.id) if isinstance(target, ast.Name) else None
    if not isinstance(built, ast.Call) or tree is None:
        return Router(name_keyword=keyword)
    arguments = ", ".join(f"{k.arg}={ast.unparse(k.value)}" for k in built.keywords
                          if k.arg and isinstance(k.value, ast.Constant))
    dotted = _imported_name(tree, built.func, module)
    if dotted is None or dotted.partition(".")[0] == "rest_framework":
        return Router(arguments=arguments, name_keyword=keyword)
    owner, _, name = dotted.rpartition(".")
    return Router(owner, name, arguments, keyword)


def _imported_name(tree: ast.Module, node: ast.expr, module: str) -> str | None:
    """The dotted name an expression of the module's top level refers to through its imports
    (``DefaultRouter``, ``routers.DefaultRouter``); None for anything else."""
    attribute = node.attr if isinstance(node, ast.Attribute) else None
    base = node.value if isinstance(node, ast.Attribute) else node
    if not isinstance(base, ast.Name):
        return None
    package = module.rpartition(".")[0]
    for statement in tree.body:
        for alias in getattr(statement, "names", ()) if isinstance(
                statement, ast.Import | ast.ImportFrom) else ():
            if (alias.asname or alias.name.partition(".")[0]) != base.id:
                continue
            if isinstance(statement, ast.ImportFrom):
                origin = absolute_module(package, statement.module, statement.level)
                found = f"{origin}.{alias.name}"
            else:
                found = alias.name if alias.asname else base.id
            return f"{found}.{attribute}" if attribute else found
    return None


def _included_at(tree: ast.Module | None, call: ast.Call) -> str:
    """The path under which the module includes the router ``call`` registers on
    (``path("events/<slug:event>/", include(event_router.urls))``, pretalx's ``api``): its
    routes are the module's, mounted where the module is; "" for a router the module
    includes at its root, or not itself."""
    target = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(target, ast.Name) or tree is None:
        return ""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) > 1
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and isinstance(node.args[1], ast.Call) and ast.unparse(node.args[1]) == (
                    f"include({target.id}.urls)")):
            return node.args[0].value
    return ""


def _mount_prefix(path: str, pattern: str) -> str:
    """Where the urlconf holding ``pattern`` is mounted, ``path`` being the route's whole
    path: ``pattern`` as written (``service-worker.js``, ``<path:resource>``), or with the
    slash a router adds to a registered prefix, is its end; a ``re_path`` read as a plain
    path (kiwi's ``r"^login/$"``, the route's path ending in ``login/``) without its anchors."""
    plain = pattern.removeprefix("^").removesuffix("$")
    for suffix in dict.fromkeys((pattern, pattern + "/", plain)) if pattern else ():
        if suffix and path.endswith(suffix):
            return path[: len(path) - len(suffix)]
    return path


def view_prefix(view: RoutedView) -> str:
    """The prefix the proxy sends to the service for a view it routes itself: a viewset's
    registered prefix with its slash (``/api/v1/issues/custom-attributes-values/``)."""
    return static_prefix(f"/{view.prefix}{view.pattern}".rstrip("/") + "/")


def registered_prefixes(views: Iterable[RoutedView]) -> tuple[str, ...]:
    """The prefixes of router registrations among ``views``: the ones whose bare path the
    service may not route (a viewset without a list route), asked of it once it is written."""
    return tuple(sorted({view_prefix(v) for v in views if v.viewset}))


def static_prefix(path: str) -> str:
    """The part of a Django path pattern before its first converter, to its last slash:
    ``/boards/<str:slug>/notes/`` -> ``/boards/`` (a proxy routes by prefix)."""
    head = path.partition("<")[0]
    return head[: head.rfind("/") + 1]


def monolith_pages(scope: Scope, names: Iterable[object]
                   ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The monolith's pages that moved templates and settings name (``logout``, ``login``),
    by URL namespace: (path, name) entries the service's URLconf lists for reversing only, a
    page routed by a regular expression as that expression, anchored (``^accounts/(?P<pk>
    \\d+)/profile/$``, kiwi's navigation bar). Names of the service's own pages, and values
    that are paths, need none."""
    by_name = {r.name: r for r in sorted(scope.graph.urls, key=lambda r: not r.regex)
               if r.name}
    found: dict[str, set[tuple[str, str]]] = {}
    for name in names:
        route = by_name.get(name) if isinstance(name, str) else None
        if route is None or route.name is None or route.app in scope.moved_labels:
            continue
        namespace, _, short = route.name.rpartition(":")
        page = route.prefix.lstrip("/")
        found.setdefault(namespace, set()).add((f"^{page}" if route.regex else page, short))
    return tuple((ns, tuple(sorted(pages))) for ns, pages in sorted(found.items()))


def admin_prefix(scope: Scope) -> str | None:
    """Where the monolith mounts Django's admin ("admin/"), None when it does not."""
    found = sorted(r.prefix for r in scope.graph.urls if r.app == "admin" and not r.regex)
    return found[0].lstrip("/") if found else None


def _admin_pages(scope: Scope) -> list[str]:
    """``/admin/<label>/`` of each moved app whose admin module registers its models: the
    service's admin serves those pages (the admin's index, login and other apps stay on the
    monolith)."""
    mount = admin_prefix(scope)
    if mount is None:
        return []
    return [f"/{mount}{app.label}/" for app in admin_apps(scope)]


def _serves_json(scope: Scope, urlconf: str) -> bool:
    """Whether the urlconf routes DRF views: it, or a moved module it imports, imports
    rest_framework."""
    source = scope.source
    path = source.path_of(urlconf)
    if path is None or source.tree(path) is None:
        return False
    modules = source.imports(path, urlconf)
    for module in list(modules):
        app = source.app_of(module)
        moved = app is not None and app.label in scope.moved_labels
        inner = source.path_of(module) if moved else None
        if inner:
            modules |= source.imports(inner, module)
    return any(m == "rest_framework" or m.startswith("rest_framework.") for m in modules)


def _call_at(tree: ast.Module | None, line: int) -> ast.Call | None:
    """The path()/register() call on ``line`` whose first argument is a string."""
    for node in ast.walk(tree) if tree else ():
        if (isinstance(node, ast.Call) and node.lineno == line
                and _first_string(node, tree) is not None):
            return node
    return None


def _first_string(call: ast.Call | None, tree: ast.Module | None) -> str | None:
    """The call's first argument as a string: a literal, or an f-string, a concatenation or
    a name built from the module's own string constants (``f"{PREFIX}admin/"``)."""
    first = call.args[0] if call is not None and call.args else None
    return _static_string(first, _constants(tree)) if first is not None else None


def _constants(tree: ast.Module | None) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expression>`` assignments, the last one winning."""
    found: dict[str, ast.expr] = {}
    for node in tree.body if tree else ():
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _static_string(node: ast.expr, names: dict[str, ast.expr], depth: int = 0) -> str | None:
    if depth > 10:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name) and node.id in names:
        return _static_string(names[node.id], names, depth + 1)
    if isinstance(node, ast.JoinedStr):
        parts = [_static_string(v.value if isinstance(v, ast.FormattedValue) else v, names,
                                depth + 1) for v in node.values]
        return None if None in parts else "".join(p or "" for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _static_string(node.left, names, depth + 1)
        right = _static_string(node.right, names, depth + 1)
        return left + right if left is not None and right is not None else None
    return None
