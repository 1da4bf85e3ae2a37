"""The monolith's error pages, so that the service answers an error as the monolith does.

A path no view of the service routes (kiwi's ``/bugs/``, a mount with no view of its own), an
``Http404`` out of a plain Django view, an unhandled exception: Django answers these with the
root URLconf's ``handler404``/``handler500``/... (``handler500 =
"tcms.core.views.server_error"``), else with its defaults, which render the project's
``404.html``/``500.html`` templates where it has them and a bare HTML page where not. DRF views
answer their own errors in JSON on both sides, whatever these are. The service declares the
monolith's handlers it can import (of a moved app, of Django or an installed app, or a copied
kernel module: taiga's ``taiga.base.api.views.api_server_error``, copied with its DRF fork) and
gets the project's error templates; a handler it cannot import is named in a warning, and
Django's default answers there instead, with the project's template.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from decompose.modules import absolute_module
from extractor.plan.source import Source

# The root URLconf's handlers, by status; Django's default of each renders its template.
HANDLERS = ("handler400", "handler403", "handler404", "handler500")
# The templates Django's default error views render (403_csrf.html: its CSRF failure view).
ERROR_TEMPLATES = ("400.html", "403.html", "403_csrf.html", "404.html", "500.html")


@dataclass(frozen=True)
class ErrorHandler:
    """``handler404 = ...`` of the root URLconf at ``line``, as the view's dotted path."""

    name: str  # handler404
    view: str  # "tcms.core.views.server_error"
    line: int


def error_handlers(source: Source, urlconf: str) -> tuple[ErrorHandler, ...]:
    """The handlers the root URLconf (the file ``urlconf``) assigns at its top level: a dotted
    string as Django takes it, or a name it imported (``from core import views`` then
    ``views.not_found``, ``from core.views import not_found``)."""
    tree = source.tree(urlconf)
    if tree is None:
        return ()
    module = source.module_of(urlconf)
    imported = _imported_names(tree, module, urlconf.endswith("__init__.py"))
    found: dict[str, ErrorHandler] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in HANDLERS:
                view = _dotted(node.value, imported, module)
                if view:
                    found[target.id] = ErrorHandler(target.id, view, node.lineno)
    return tuple(found[name] for name in HANDLERS if name in found)


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Name bound at the top level -> the dotted path it was imported as."""
    package = module if is_package else module.rpartition(".")[0]
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            origin = absolute_module(package, node.module, node.level)
            names.update((a.asname or a.name, f"{origin}.{a.name}") for a in node.names)
        elif isinstance(node, ast.Import):  # import a.b binds a; import a.b as c binds c
            for alias in node.names:
                top = alias.name.partition(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
    return names


def _dotted(value: ast.expr, imported: dict[str, str], module: str) -> str:
    """The dotted path of the view a handler assignment names, "" when it is not one."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    parts: list[str] = []
    while isinstance(value, ast.Attribute):
        parts.insert(0, value.attr)
        value = value.value
    if not isinstance(value, ast.Name):
        return ""
    head = imported.get(value.id, f"{module}.{value.id}")  # else a function defined there
    return ".".join([head, *parts])
