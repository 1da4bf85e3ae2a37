"""Registration calls that make packages add fields at start-up (``registry.register(Model)``
in ``AppConfig.ready``). Extraction only: the models collector applies the rules of
``analyzer.startup`` to the models it builds."""

from __future__ import annotations

import ast

from analyzer.collectors import Collector, collector
from analyzer.facts import ParsedModule, dotted, literal_str
from analyzer.startup import ModelRef, RegisterFact


@collector
class Startup(Collector):
    name = "startup"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[RegisterFact, ...]:
        if not parsed.may_mention("register"):
            return ()
        facts = []
        imported = _imports_anywhere(parsed)
        for call in parsed.nodes(ast.Call):
            func = dotted(call.func) or ""
            if func.rpartition(".")[2] != "register" or len(call.args) != 1:
                continue
            head, dot, rest = func.partition(".")
            if head in imported:  # ready() imports the registry inside the method
                func = imported[head] + dot + rest
            model = _model_ref(call.args[0], imported)
            if model is not None:
                facts.append(RegisterFact(func, model, call.lineno))
        return tuple(facts)


def _imports_anywhere(parsed: ParsedModule) -> dict[str, str]:
    """Absolute ``from x import y`` bindings at any depth (function-level ones included)."""
    found = {}
    for node in parsed.nodes(ast.ImportFrom):
        if node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _model_ref(node: ast.expr, imported: dict[str, str]) -> ModelRef | None:
    if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("get_model"):
        args = [literal_str(a) for a in node.args]
        if len(args) == 2 and all(args):
            return ("label", f"{args[0]}.{args[1]}")
        if len(args) == 1 and args[0]:
            owner = dotted(node.func) or ""
            return ("config", args[0]) if owner.startswith("self.") and "." not in args[0] \
                else ("label", args[0])
        return None
    name = dotted(node)
    if name is None:
        return None
    head, dot, rest = name.partition(".")
    return ("name", imported[head] + dot + rest if head in imported else name)
