"""Use of another app's models in code: queries, instantiation, ``model = X`` in serializers.

Extraction keeps every reference rooted at a module-level name (an import, alias or class) with
its attribute chain; resolution finds which chains start with a model of another app. Class
bases and field declarations are left to the models collector (inheritance and relations).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from analyzer.collectors import Collector, collector
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule
from analyzer.resolution import Resolution
from decompose.model import DependencyKind


@dataclass(frozen=True)
class UsageFact:
    chain: str  # "Order.objects.filter", "models.Order"
    line: int


def module_names(parsed: ParsedModule) -> set[str]:
    """Names bound at module level by imports, assignments and class/def statements."""
    names: set[str] = set()
    for stmt in parsed.top_level():
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).partition(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.ClassDef):
            names.add(stmt.name)
    return names


def chains(parsed: ParsedModule, names: set[str]) -> list[tuple[str, int, ast.AST]]:
    """Maximal dotted chains (``a.b.c``) whose root is one of ``names``, with their node."""
    out = []
    for node in parsed.nodes(ast.Name):
        if node.id not in names or not isinstance(node.ctx, ast.Load):
            continue
        parts, top = [node.id], node
        parent = parsed.parents.get(top)
        while isinstance(parent, ast.Attribute) and parent.value is top:
            parts.append(parent.attr)
            top, parent = parent, parsed.parents.get(parent)
        out.append((".".join(parts), node.lineno, top))
    return out


def _declaration(parsed: ParsedModule, node: ast.AST) -> bool:
    """A class base, or part of a class-body assignment (a field declaration)."""
    current = node
    parent = parsed.parents.get(current)
    while parent is not None:
        if isinstance(parent, ast.ClassDef):
            return current in parent.bases or isinstance(current, ast.Assign)
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        current, parent = parent, parsed.parents.get(parent)
    return False


def model_of_chain(resolution: Resolution, module: str, chain: str) -> str | None:
    """The model label the longest prefix of ``chain`` names, if any."""
    index = resolution.models
    parts = chain.split(".")
    for cut in range(min(len(parts), 4), 0, -1):
        qualified = resolution.resolve(module, ".".join(parts[:cut]))
        if not qualified:
            continue
        if qualified.startswith("model:"):
            return index.normalise(qualified[6:])
        label = index.label_of(qualified)
        if label:
            return label
    return None


@collector
class Usage(Collector):
    name = "usage"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[UsageFact, ...]:
        names = module_names(parsed)
        seen = {(chain, line) for chain, line, node in chains(parsed, names)
                if not _declaration(parsed, node)}
        return tuple(UsageFact(chain, line) for chain, line in sorted(seen))

    def resolve(self, resolution: Resolution) -> Contribution:
        edges = []
        for module, source, fact in resolution.app_facts(self.name, UsageFact):
            label = model_of_chain(resolution, module, fact.chain)
            target = label.partition(".")[0] if label else None
            if target and target != source:
                edges.append(Edge(source, target, DependencyKind.ORM,
                                  resolution.location(module, fact.line)))
        return Contribution(edges=tuple(edges))
