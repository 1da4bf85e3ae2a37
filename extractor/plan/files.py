"""Which files of the moved apps are copied into the service."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from decompose.model import App, FileCopy, Level, Location, Rewrite
from extractor.plan.scope import Scope

ADMIN_MODULE = "admin.py"


def app_files(scope: Scope) -> tuple[list[FileCopy], tuple[Rewrite, ...]]:
    """The copies, and a note for each admin module: it moves with its app, and the public
    paths of its pages change hands only when the proxy routes them to the service."""
    files, notes = [], []
    for app in scope.moved:
        for path in scope.source.files(app.path or ""):
            files.append(FileCopy(path, path, "app"))
            if PurePosixPath(path).name == ADMIN_MODULE:
                notes.append(Rewrite(Location(path, 1), "plan", (
                    f"copied: the service's own Django admin serves /admin/{app.label}/ "
                    "(token users, actions in the JSON log); see EXTRACTION.md, \"Django "
                    "admin\"" if app in admin_apps(scope) else
                    f"copied: it registers no model of {app.label}, so no admin page of "
                    "the app is the service's"), Level.INFO))
    return files, tuple(notes)


def admin_apps(scope: Scope) -> tuple[App, ...]:
    """The moved apps whose admin module registers a model of theirs: the service's admin
    serves ``/admin/<label>/`` for them. An admin module registering only other apps' models
    (kiwi_auth's ``admin.site.register(User, KiwiUserAdmin)``) gives its app no admin page,
    in the monolith (404) as in the service."""
    found = []
    for app in scope.moved:
        path = f"{app.path}/{ADMIN_MODULE}"
        tree = scope.source.tree(path) if path in scope.source.files(app.path or "") else None
        models = {m.label.partition(".")[2] for m in scope.graph.models
                  if m.label.partition(".")[0] == app.label}
        if tree is not None and models & _registered(tree):
            found.append(app)
    return tuple(found)


def _registered(tree: ast.Module) -> set[str]:
    """The names ``register(...)`` calls and ``@register(...)`` decorators are given."""
    names = set()
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(
            func, ast.Name) else ""
        if called != "register" or not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        for item in first.elts if isinstance(first, ast.List | ast.Tuple) else node.args:
            if isinstance(item, ast.Name | ast.Attribute):
                names.add(item.id if isinstance(item, ast.Name) else item.attr)
    return names
