"""Which URL prefixes of the moved apps the service serves, and which stay in the monolith."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from decompose.errors import DecomposeError
from decompose.model import KeptRoute, Mount
from extractor.plan.files import ADMIN_MODULE
from extractor.plan.scope import Scope

# Settings naming a URL the moved pages redirect to (a path or a URL name).
LOGIN_SETTINGS = ("LOGIN_URL", "LOGIN_REDIRECT_URL")


def routes(scope: Scope, template_problems: tuple[str, ...] = ()
           ) -> tuple[tuple[Mount, ...], tuple[str, ...], tuple[KeptRoute, ...]]:
    """Where the moved urlconfs mount, the prefixes routed to the service, and the ones
    that stay: server-rendered pages whose templates need something the service cannot
    provide (``template_problems``) keep being the monolith's."""
    mounts = set()
    for route in scope.graph.urls:
        if route.app not in scope.moved_labels or route.regex:
            continue
        pattern = _pattern_at(scope.source.tree(route.location.path), route.location.line)
        if pattern is None:
            raise DecomposeError(f"cannot read the URL pattern for {route.prefix}",
                                 path=route.location.path, line=route.location.line)
        if pattern and not pattern.endswith("/"):
            pattern += "/"
        prefix = route.prefix[: len(route.prefix) - len(pattern)] if pattern else route.prefix
        if not route.prefix.endswith(pattern):
            prefix = route.prefix
        mounts.add(Mount(prefix.lstrip("/"), scope.source.module_of(route.location.path)))
    served = {m for m in mounts if not template_problems or _serves_json(scope, m.urlconf)}
    reason = ("server-rendered pages whose templates need what the service cannot provide: "
              + "; ".join(template_problems))
    kept = tuple(sorted(KeptRoute("/" + m.prefix, m.urlconf, reason) for m in mounts - served))
    prefixes = tuple(sorted({"/" + m.prefix for m in served} | set(_admin_pages(scope))))
    return tuple(sorted(served)), prefixes, kept


def monolith_pages(scope: Scope, names: Iterable[object]
                   ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The monolith's pages that moved templates and settings name (``logout``, ``login``),
    by URL namespace: (path, name) entries the service's URLconf lists for reversing only.
    Names of the service's own pages, and values that are paths, need none."""
    by_name = {r.name: r for r in scope.graph.urls if r.name and not r.regex}
    found: dict[str, set[tuple[str, str]]] = {}
    for name in names:
        route = by_name.get(name) if isinstance(name, str) else None
        if route is None or route.name is None or route.app in scope.moved_labels:
            continue
        namespace, _, short = route.name.rpartition(":")
        found.setdefault(namespace, set()).add((route.prefix.lstrip("/"), short))
    return tuple((ns, tuple(sorted(pages))) for ns, pages in sorted(found.items()))


def admin_prefix(scope: Scope) -> str | None:
    """Where the monolith mounts Django's admin ("admin/"), None when it does not."""
    found = sorted(r.prefix for r in scope.graph.urls if r.app == "admin" and not r.regex)
    return found[0].lstrip("/") if found else None


def _admin_pages(scope: Scope) -> list[str]:
    """``/admin/<label>/`` of each moved app with an admin module: the service's admin serves
    those pages (the admin's index, login and other apps stay on the monolith)."""
    mount = admin_prefix(scope)
    if mount is None:
        return []
    return [f"/{mount}{app.label}/" for app in scope.moved
            if f"{app.path}/{ADMIN_MODULE}" in scope.source.files(app.path or "")]


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


def _pattern_at(tree: ast.Module | None, line: int) -> str | None:
    """The first string argument of the path()/register() call on ``line``."""
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Call) and node.lineno == line and node.args and isinstance(
                node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
    return None
