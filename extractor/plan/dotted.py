"""Modules a file names in dotted strings, as far as a static reader can prove it.

Code imports by string too: a DRF settings module lists its parsers as
``"app.api.parsers.JSONParser"`` and imports them with ``import_string`` when first asked.
A string literal counts as naming a module when it is a dotted path that resolves to a module,
or to a name that module binds at its top level; anything else (a log message, a URL, a
label) is no import.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# The parsed source of a module by its dotted name; None when there is no such module.
TreeOf = Callable[[str], ast.Module | None]


def dotted_strings(tree: ast.Module) -> dict[str, int]:
    """Each string literal of ``tree`` shaped like a dotted path, with its first line."""
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _DOTTED.fullmatch(node.value)):
            found.setdefault(node.value, node.lineno)
    return found


def named_module(dotted: str, tree_of: TreeOf) -> str | None:
    """The module ``dotted`` names: itself when it is a module, else the module before its
    last part when that part is a name the module binds at top level."""
    if tree_of(dotted) is not None:
        return dotted
    module, _, name = dotted.rpartition(".")
    tree = tree_of(module)
    return module if tree is not None and name in set(_bound(tree.body)) else None


def _bound(body: list[ast.stmt]) -> Iterator[str]:
    """Names bound at module level, also inside ``if``/``try`` blocks (optional imports)."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id
        elif isinstance(node, ast.Import | ast.ImportFrom):
            yield from ((a.asname or a.name).partition(".")[0] for a in node.names)
        elif isinstance(node, ast.If | ast.Try):
            for block in (node.body, node.orelse, getattr(node, "finalbody", []),
                          *(h.body for h in getattr(node, "handlers", []))):
                yield from _bound(block)
