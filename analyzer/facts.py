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

from decompose.modules import absolute_module


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
    """A parsed file with its nodes bucketed by type in one walk, shared by collectors.

    ``own`` says whether the file is the project's own code; other files are read only for
    their module-level names and classes, so nothing walks their whole tree.
    """

    def __init__(self, tree: ast.Module, module: str, is_package: bool, own: bool = True,
                 text: str | None = None):
        self.tree = tree
        self.module = module
        self.own = own
        self._ascii_text = text if text is not None and text.isascii() else None
        self.package = module if is_package else module.rpartition(".")[0]
        self._by_type: dict[type, list[ast.AST]] | None = None
        self.parents: dict[ast.AST, ast.AST] = {}
        self._top_level: list[ast.stmt] | None = None

    def nodes(self, kind: type) -> list[Any]:
        """Nodes of one type in ``ast.walk`` (breadth-first) order."""
        if self._by_type is None:  # only the own files' collectors climb to parents
            self._by_type = _bucket(self.tree, self.parents) if self.own else _by_kind(
                walk(self.tree))
        return self._by_type.get(kind, [])

    def may_mention(self, *names: str) -> bool:
        """False only when the source provably spells none of ``names`` (ASCII identifiers):
        a cheap text search that lets a collector skip a file's calls. Python folds
        non-ASCII identifiers to NFKC (a full-width letter names the same thing as the ASCII
        one), so non-ASCII text is never ruled out."""
        text = self._ascii_text
        return text is None or any(name in text for name in names)

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute module of a (possibly relative) import."""
        return absolute_module(self.package, module, level)

    def top_level(self) -> list[ast.stmt]:
        """Module-level statements, looking into if/try/with blocks (not functions/classes);
        listed once per file (most collectors ask), so callers must not change the list."""
        if self._top_level is None:
            self._top_level = self._statements()
        return self._top_level

    def _statements(self) -> list[ast.stmt]:
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


# Fields that never hold a child worth visiting (names, numbers, and ``ctx``: Load/Store).
_LEAF_FIELDS = frozenset({"ctx", "id", "attr", "name", "arg", "module", "level", "kind",
                          "type_comment", "conversion", "is_async"})
# Per node type, the fields that can hold a child (every node type ``ast.parse`` makes).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f for f in kind._fields if f not in _LEAF_FIELDS)
    for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.AST)}


def _bucket(tree: ast.AST, parents: dict[ast.AST, ast.AST]) -> dict[type, list[ast.AST]]:
    """One breadth-first pass filling ``parents`` and the by-type buckets; the children loop
    is ``ast.iter_child_nodes`` inlined, over only the fields that can hold a child (the walk
    is the bulk of extracting a file's facts)."""
    by_type: dict[type, list[ast.AST]] = defaultdict(list)
    queue = [tree]
    push, node_type, child_fields = queue.append, ast.AST, _CHILD_FIELDS
    for node in queue:  # the list grows while it is walked: breadth-first
        kind = type(node)
        by_type[kind].append(node)
        for field in child_fields[kind]:
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                parents[value] = node
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        parents[item] = node
                        push(item)
    return by_type


def _by_kind(nodes: list[ast.AST]) -> dict[type, list[ast.AST]]:
    by_type: dict[type, list[ast.AST]] = defaultdict(list)
    for node in nodes:
        by_type[type(node)].append(node)
    return by_type


def walk(node: ast.AST) -> list[ast.AST]:
    """The nodes ``ast.walk`` yields, in the same breadth-first order, minus the ``ctx``
    markers (Load/Store), as a list: a few times faster than the generator, whose
    ``iter_child_nodes`` visits every field of every node."""
    out = [node]
    node_type, child_fields = ast.AST, _CHILD_FIELDS
    for current in out:  # the list grows while it is walked: breadth-first
        for field in child_fields[type(current)]:
            value = getattr(current, field, None)
            if isinstance(value, node_type):
                out.append(value)
            elif isinstance(value, list):
                out.extend(item for item in value if isinstance(item, node_type))
    return out


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
