"""Module constants of apps that stay, copied into the service's mirror of their module.

A literal is copied as written. A value computed at import (pretalx's ``WRITE_PERMISSIONS =
(*READ_PERMISSIONS, *WRITE_ONLY_PERMISSIONS)``, ``PERMISSION_CHOICES = (("list", _p(...)),)``)
comes with the module's constants it reads and the imports they need, when each import is one
the service has: the standard library, Django, or a module the service copies (kernel). A
custom ``Signal()`` is copied the same way as a stand-in (``signal`` set: the plan forwards its
sends to the monolith's real one); one that another constant reads, the module's own functions
and classes, and names of apps that stay are refused by name.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from decompose.model import CopiedImport, CopiedStatement
from decompose.modules import absolute_module

SIGNAL = re.compile(r"^([\w.]+\.)?Signal\(")  # django.dispatch's Signal(), however imported
SHOWN_EXPRESSION = 40  # characters of an expression a refusal quotes
ALWAYS_THERE = frozenset({"django"})  # what every service installs, beside the stdlib


@dataclass(frozen=True)
class CopiedConstant:
    statements: tuple[CopiedStatement, ...]
    imports: tuple[CopiedImport, ...]
    signal: bool = False  # the name is a Signal(): the copy is a stand-in, its sends forwarded


def copy_constant(text: str, tree: ast.Module, package: str, name: str,
                  copied: Callable[[str], bool]) -> CopiedConstant | str:
    """The definition of the module-level ``name`` with what it reads, or why it cannot be
    copied; ``package`` resolves relative imports, ``copied`` says whether a module of the
    project comes into the service anyway."""
    assignments = {target: node for node in tree.body
                   if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
                   for target in _targets(node)}
    imports = _module_imports(tree, package)
    statements: dict[int, str] = {}
    needed: set[CopiedImport] = set()
    pending, seen = [name], set[str]()
    value = assignments[name].value
    signal = value is not None and bool(SIGNAL.search(ast.unparse(value)))
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        node = assignments[current]
        assert node.value is not None
        expression = ast.unparse(node.value)
        if SIGNAL.search(expression) and current != name:
            return (f"a value computed at import from the signal {current}, which the "
                    "service has only as a stand-in")
        statements[node.lineno] = f"{current} = {ast.get_source_segment(text, node.value)}"
        for free in sorted(_free_names(node.value)):
            if free in assignments:
                pending.append(free)
            elif free in imports:
                imported = imports[free]
                top = imported.module.partition(".")[0]
                if not (top in sys.stdlib_module_names or top in ALWAYS_THERE
                        or copied(imported.module)):
                    return (f"a value computed at import ({_short(expression)}) from "
                            f"{imported.module}, which the service does not have")
                needed.add(imported)
            elif not hasattr(builtins, free):
                return (f"a value computed at import ({_short(expression)}) from {free}, "
                        "code of that module the service does not copy")
    return CopiedConstant(tuple(CopiedStatement(line, source)
                                for line, source in sorted(statements.items())),
                          tuple(sorted(needed)), signal)


def _targets(node: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _module_imports(tree: ast.Module, package: str) -> dict[str, CopiedImport]:
    """Local name -> the import that binds it, for the module's top-level imports."""
    found: dict[str, CopiedImport] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            module = absolute_module(package, node.module, node.level)
            for alias in node.names:
                alias_name = alias.asname if alias.asname != alias.name else None
                found[alias.asname or alias.name] = CopiedImport(module, alias.name,
                                                                 alias_name or "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = CopiedImport(alias.name, "", alias.asname)
                else:  # import a.b binds a
                    top = alias.name.partition(".")[0]
                    found[top] = CopiedImport(top)
    return found


def _free_names(value: ast.expr) -> set[str]:
    """Names the expression reads that it does not bind itself (comprehensions, lambdas)."""
    loads: set[str] = set()
    stores: set[str] = set()
    for node in ast.walk(value):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
    return loads - stores


def _short(expression: str) -> str:
    return (expression if len(expression) <= SHOWN_EXPRESSION
            else expression[:SHOWN_EXPRESSION] + "...")
