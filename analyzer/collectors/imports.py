"""Imports (module level and inside functions) and the module-level names they bind.

The bindings (``analyzer.symbols``' facts) double as the symbol table's input:
``from shop.orders.models import Order as O`` and ``Product = get_model("catalogue", "Product")``
both tell later phases what a name means.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from analyzer.collectors import Collector, collector
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule, dotted, literal_str
from analyzer.startup import INSTANCE_KEYWORDS
from analyzer.symbols import AssignFact, ImportFact
from decompose.model import DependencyKind

if TYPE_CHECKING:
    from analyzer.resolution import Resolution

_GET_MODEL = frozenset({"get_model", "load_model"})
_GET_CLASS = frozenset({"get_class"})


@collector
class Imports(Collector):
    name = "imports"
    phase = 0

    def extract(self, parsed: ParsedModule) -> tuple[ImportFact | AssignFact, ...]:
        """Every import of an own module; only the module-level ones (the names it binds,
        all that resolution reads) of any other module."""
        facts: list[ImportFact | AssignFact] = []
        statements = parsed.top_level()
        top = set(map(id, statements))
        imports: list[ast.Import] = (parsed.nodes(ast.Import) if parsed.own else
                                     [s for s in statements if isinstance(s, ast.Import)])
        for node in imports:
            for alias in node.names:
                bound = None
                if id(node) in top:
                    bound = alias.asname or alias.name.partition(".")[0]
                facts.append(ImportFact(alias.name, None, bound, node.lineno))
        imports_from: list[ast.ImportFrom] = (
            parsed.nodes(ast.ImportFrom) if parsed.own else
            [s for s in statements if isinstance(s, ast.ImportFrom)])
        for node_from in imports_from:
            module = parsed.absolute(node_from.module, node_from.level)
            for alias in node_from.names:
                bound = (alias.asname or alias.name) if id(node_from) in top else None
                facts.append(ImportFact(module, alias.name, bound, node_from.lineno))
        for stmt in statements:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], ast.Name):
                meaning = value_meaning(stmt.value)
                if meaning is not None:
                    facts.append(AssignFact(stmt.targets[0].id, *meaning, stmt.lineno))
        return tuple(facts)

    def resolve(self, resolution: Resolution) -> Contribution:
        edges = []
        for module, source, fact in resolution.app_facts(self.name, ImportFact):
            target = resolution.app_of(fact.module)
            if fact.name and fact.name != "*":
                target = resolution.app_of(f"{fact.module}.{fact.name}") or target
            if target is not None and target != source:
                edges.append(Edge(source, target, DependencyKind.IMPORT,
                                  resolution.location(module, fact.line)))
        return Contribution(edges=tuple(edges))


def value_meaning(node: ast.expr) -> tuple[str, str] | None:
    """What a module-level value means to the analyzer, as (kind, value), if anything."""
    text = literal_str(node)
    if text is not None:
        return "const", text
    name = dotted(node)
    if name is not None:
        if name.endswith("settings.AUTH_USER_MODEL"):
            return "setting", "AUTH_USER_MODEL"
        return "alias", name
    if isinstance(node, ast.Call):
        func = dotted(node.func) or ""
        last = func.rpartition(".")[2]
        args = [literal_str(a) for a in node.args]
        if last == "get_user_model":
            return "setting", "AUTH_USER_MODEL"
        if last == "getattr" and len(args) >= 2 and args[1] and dotted(node.args[0]) in (
                "settings", "django.conf.settings"):
            return "setting", args[1]
        if last in _GET_MODEL and args and all(args):
            return "model", ".".join(a for a in args if a)
        if last in _GET_CLASS and len(args) >= 2 and all(args[:2]):
            return "class", f"{args[0]}:{args[1]}"
        if last in INSTANCE_KEYWORDS:  # Hierarkey(attribute_name="settings")
            value = literal_str(next((k.value for k in node.keywords
                                      if k.arg == INSTANCE_KEYWORDS[last]), None))
            return ("instance", f"{last}:{value}") if value else None
    return None
