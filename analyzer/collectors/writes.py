"""Write scopes: functions and ``transaction.atomic`` blocks that write models of several apps.

Once those apps live in different services, each such scope is a distributed transaction; the
boundaries stage counts them. Writes are ``save``/``delete`` on an instance made or fetched in
the same function, and ``create``/``update``/``delete``/``bulk_*``/``get_or_create``/
``update_or_create`` on a model's manager or queryset.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.collectors import Collector, collector
from analyzer.collectors.usage import model_of_chain
from analyzer.contribution import Contribution
from analyzer.facts import ParsedModule, dotted, walk
from analyzer.resolution import Resolution
from decompose.model import WriteScope

_MANAGER_WRITES = frozenset({"create", "update", "delete", "bulk_create", "bulk_update",
                             "get_or_create", "update_or_create"})
_INSTANCE_WRITES = frozenset({"save", "delete"})
_WRITE_NAMES = _MANAGER_WRITES | _INSTANCE_WRITES


@dataclass(frozen=True)
class WriteFact:
    kind: str  # "function" or "atomic"
    name: str  # qualified within the module: "OrderService.place"
    line: int
    writes: tuple[str, ...]  # chains rooted at a model name: "Order", "models.Payment"


def _root_chain(node: ast.expr) -> str | None:
    """``Order`` for ``Order.objects.filter(x=1)``: the receiver's leading dotted name."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute) and dotted(node) is None:
            node = node.value
        else:
            break
    name = dotted(node)
    if name is None:
        return None
    parts = name.split(".")
    while parts and parts[-1] in ("objects", "_default_manager", "_base_manager",
                                  *_MANAGER_WRITES, "filter", "exclude", "all", "get"):
        parts.pop()
    return ".".join(parts) or None


def _writes(body: list[ast.stmt]) -> list[str]:
    made: dict[str, str] = {}
    writes: list[str] = []
    for node in (n for stmt in body for n in walk(stmt)):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)):
            root = _root_chain(node.value)
            if root:
                made[node.targets[0].id] = root
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, receiver = node.func.attr, node.func.value
            if attr in _INSTANCE_WRITES and isinstance(receiver, ast.Name) and (
                    receiver.id in made):
                writes.append(made[receiver.id])
            elif attr in _MANAGER_WRITES:
                root = _root_chain(receiver)
                if root and root != "self":
                    writes.append(root)
    return sorted(set(writes))


def _is_atomic(node: ast.expr) -> bool:
    name = dotted(node.func if isinstance(node, ast.Call) else node) or ""
    return name.rpartition(".")[2] == "atomic"


@collector
class Writes(Collector):
    name = "writes"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[WriteFact, ...]:
        if not parsed.may_mention("create", "update", "delete", "save"):
            return ()  # every write method's name contains one of these
        facts = []
        # Only functions around a call named like a write can write: the rest are not walked.
        writing = _enclosing(parsed, (c for c in parsed.nodes(ast.Call)
                                      if isinstance(c.func, ast.Attribute)
                                      and c.func.attr in _WRITE_NAMES))
        if not writing:
            return ()
        atomic_blocks = _enclosing(parsed, (w for w in parsed.nodes(ast.With)
                                            if any(_is_atomic(i.context_expr) for i in w.items)))
        for function in [*parsed.nodes(ast.FunctionDef), *parsed.nodes(ast.AsyncFunctionDef)]:
            if function not in writing:
                continue
            name = _qualified(parsed, function)
            atomic = any(_is_atomic(d) for d in function.decorator_list)
            writes = _writes(function.body)
            if writes:
                facts.append(WriteFact("atomic" if atomic else "function", name,
                                       function.lineno, tuple(writes)))
            if function not in atomic_blocks:
                continue
            for node in walk(function):
                if isinstance(node, ast.With) and any(_is_atomic(i.context_expr)
                                                      for i in node.items):
                    inner = _writes(node.body)
                    if inner:
                        facts.append(WriteFact("atomic", name, node.lineno, tuple(inner)))
        return tuple(facts)

    def resolve(self, resolution: Resolution) -> Contribution:
        scopes = []
        for module, app, fact in resolution.app_facts(self.name, WriteFact):
            labels = {label for chain in fact.writes
                      if (label := model_of_chain(resolution, module, chain)) is not None}
            if len({label.partition(".")[0] for label in labels}) > 1:
                scopes.append(WriteScope(fact.kind, f"{module}.{fact.name}", app,
                                         tuple(labels), resolution.location(module,
                                                                            fact.line)))
        return Contribution(write_scopes=tuple(scopes))


def _enclosing(parsed: ParsedModule, nodes: Iterable[ast.AST]) -> set[ast.AST]:
    """The functions that contain any of ``nodes``, at any depth."""
    found: set[ast.AST] = set()
    for node in nodes:
        current = parsed.parents.get(node)
        while current is not None and current not in found:  # found: so are its outer ones
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                found.add(current)
            current = parsed.parents.get(current)
    return found


def _qualified(parsed: ParsedModule, node: ast.AST) -> str:
    names = []
    current: ast.AST | None = node
    while current is not None:
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(current.name)
        current = parsed.parents.get(current)
    return ".".join(reversed(names))
