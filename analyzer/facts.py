"""What one file says, as plain picklable values: the unit the parse cache stores.

A tree is walked once per file; every collector reads the same :class:`ParsedModule` and
returns frozen facts. Nothing here knows about other files: cross-module meaning is decided
later, in the resolution phase, from the facts of all files.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FileFacts:
    """Facts of one module, keyed by collector name; ``problems`` are (code, message, line)."""

    module: str
    facts: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    problems: tuple[tuple[str, str, int], ...] = ()

    def of(self, collector: str) -> tuple[Any, ...]:
        for name, facts in self.facts:
            if name == collector:
                return facts
        return ()


class ParsedModule:
    """A parsed file with its nodes bucketed by type in one walk, shared by collectors."""

    def __init__(self, tree: ast.Module, module: str, is_package: bool):
        self.tree = tree
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self._by_type: dict[type, list[ast.AST]] | None = None
        self.parents: dict[ast.AST, ast.AST] = {}

    def nodes(self, kind: type) -> list[Any]:
        if self._by_type is None:
            by_type: dict[type, list[ast.AST]] = defaultdict(list)
            parents = self.parents
            for node in ast.walk(self.tree):
                by_type[type(node)].append(node)
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
            self._by_type = by_type
        return self._by_type.get(kind, [])

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute module of a (possibly relative) import."""
        if not level:
            return module or ""
        parts = self.package.split(".") if self.package else []
        base = ".".join(parts[: len(parts) - level + 1]) if level <= len(parts) else ""
        return f"{base}.{module}" if module and base else (module or base)

    def top_level(self) -> list[ast.stmt]:
        """Module-level statements, looking into if/try/with blocks (not functions/classes)."""
        out: list[ast.stmt] = []
        stack = list(reversed(self.tree.body))
        while stack:
            stmt = stack.pop()
            out.append(stmt)
            if isinstance(stmt, ast.If | ast.Try | ast.With):
                nested = [*getattr(stmt, "body", []), *getattr(stmt, "orelse", []),
                          *getattr(stmt, "finalbody", [])]
                for handler in getattr(stmt, "handlers", []):
                    nested.extend(handler.body)
                stack.extend(reversed(nested))
        return out

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        self.nodes(ast.Module)
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                return current
            current = self.parents.get(current)
        return None


def dotted(node: ast.AST | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def literal_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)
