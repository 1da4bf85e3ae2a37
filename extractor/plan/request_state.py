"""Which of the monolith's own middleware sets request state the moved code reads.

A project's middleware that stays with the monolith (extractor.plan.middleware) may set
attributes on the request that the moved views read: pretalx's ``EventMiddleware`` sets
``request.event`` and ``request.organiser`` from the URL, with queries (annotations,
subqueries) no bridge operation could run, and wraps the view in its django-scopes scope. Such
an entry is recorded: the service asks the bridge to run it for each request and sets what it
set (decompose_remote.request_state). An entry qualifies when its module (the file defining
its class, followed through one re-export such as a package's ``__init__``) assigns
``request.<name>`` or ``self.request.<name>`` for a name the moved code reads the same way
(or with ``getattr(request, "<name>", ...)``) that is no standard attribute of Django's or
DRF's request. Middleware of the moved apps is theirs, not the monolith's, and is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from decompose.model import Location, RequestState, SettingsFacts
from decompose.modules import absolute_module
from extractor.plan.middleware import middleware_entries
from extractor.plan.scope import Scope

# What Django's HttpRequest, DRF's Request and Django's own middleware give every request:
# the service has them already, whoever else assigns them (pretalx sets LANGUAGE_CODE).
STANDARD = frozenset({
    "COOKIES", "FILES", "GET", "LANGUAGE_CODE", "META", "POST", "accepted_media_type",
    "accepted_renderer", "auser", "auth", "authenticators", "body", "content_params",
    "content_type", "csrf_processing_done", "data", "encoding", "headers", "method",
    "negotiator", "parser_context", "parsers", "path", "path_info", "query_params",
    "resolver_match", "scheme", "session", "site", "stream", "successful_authenticator",
    "upload_handlers", "urlconf", "user", "version", "versioning_scheme",
})


def request_state(scope: Scope, facts: SettingsFacts, moved: Iterable[str]
                  ) -> tuple[RequestState, ...]:
    """The monolith's own MIDDLEWARE entries, in its order, that set request attributes the
    moved files ``moved`` (monolith-relative paths) read."""
    read: dict[str, Location] = {}
    for path in moved:
        tree = scope.source.tree(path)
        for name, line in _request_attributes(tree, ast.Load) if tree else ():
            if name not in STANDARD:  # the first read, as a reader finds it
                read[name] = min(read.get(name, Location(path, line)), Location(path, line))
    found = []
    for entry in middleware_entries(facts):
        module, _, name = entry.rpartition(".")
        app = scope.source.app_of(module)
        if app is not None and app.label in scope.moved_labels:
            continue
        defined = _definition(scope, module, name, follow=True)  # None: not the project's
        tree = scope.source.tree(defined.path) if defined else None
        if defined is None or tree is None:
            continue
        names = sorted({n for n, _ in _request_attributes(tree, ast.Store)} & read.keys())
        if names:
            found.append(RequestState(entry, tuple(names), defined,
                                      min(read[n] for n in names)))
    return tuple(found)


def _definition(scope: Scope, module: str, name: str, follow: bool) -> Location | None:
    """Where the own ``module`` defines ``name``, or (``follow``) the module it imports it
    from does."""
    path = scope.source.path_of(module)
    tree = scope.source.tree(path) if path else None
    if path is None or tree is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
            return Location(path, node.lineno)
        imported = next((alias.name for alias in node.names if (alias.asname or alias.name)
                         == name), None) if isinstance(node, ast.ImportFrom) else None
        if follow and imported and isinstance(node, ast.ImportFrom):
            package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
            return _definition(scope, absolute_module(package, node.module, node.level),
                               imported, follow=False)
    return None


def _request_attributes(tree: ast.Module, context: type[ast.expr_context]
                        ) -> Iterator[tuple[str, int]]:
    """(name, line) of each ``request.<name>`` and ``self.request.<name>`` read (``ast.Load``,
    also ``getattr(request, "<name>"...)``) or assigned (``ast.Store``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, context) and _is_request(
                node.value):
            yield node.attr, node.lineno
        elif context is ast.Load and isinstance(node, ast.Call) and isinstance(
                node.func, ast.Name) and node.func.id in ("getattr", "hasattr") and len(
                node.args) >= 2 and _is_request(node.args[0]) and isinstance(
                node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            yield node.args[1].value, node.lineno


def _is_request(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "request"
    return isinstance(node, ast.Attribute) and node.attr == "request" and isinstance(
        node.value, ast.Name) and node.value.id == "self"
