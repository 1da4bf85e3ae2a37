"""Django's own defaults for its settings (``django/conf/global_settings.py``), read from the
monolith's environment, never imported: the value a setting of Django's that the service
requires from the environment holds in its test settings, where any other placeholder could
break Django itself (``LANGUAGE_CODE``: "No translation files found")."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from extractor.plan.environment import parse_installed

_GLOBAL_SETTINGS = Path("django", "conf", "global_settings.py")
_MARKERS = frozenset({"gettext_noop", "_"})  # global_settings' translation markers


def django_defaults(site_paths: Iterable[Path]) -> dict[str, object]:
    """Upper-case name -> literal default of each of Django's settings that has one."""
    for site in site_paths:
        tree = parse_installed(site / _GLOBAL_SETTINGS)
        if tree is None:
            continue
        found: dict[str, object] = {}
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()):
                try:
                    found[node.targets[0].id] = ast.literal_eval(_untranslated(node.value))
                except ValueError:
                    continue
        return found
    return {}


def _untranslated(node: ast.expr) -> ast.expr:
    """``gettext_noop("Afrikaans")`` read as the string it marks (LANGUAGES' names)."""

    class Unwrap(ast.NodeTransformer):
        def visit_Call(self, call: ast.Call) -> ast.AST:
            if (isinstance(call.func, ast.Name) and call.func.id in _MARKERS
                    and len(call.args) == 1 and isinstance(call.args[0], ast.Constant)):
                return call.args[0]
            return self.generic_visit(call)

    return Unwrap().visit(node)
