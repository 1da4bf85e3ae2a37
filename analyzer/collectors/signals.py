"""Signals across apps: receivers bound to another app's sender or signal, custom signals sent.

``@receiver(post_save, sender=Order)`` in ``notifications`` makes notifications depend on
orders: once they are separate services that signal becomes a message on a queue.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from analyzer.collectors import Collector, collector
from analyzer.collectors.usage import model_of_chain
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule, dotted, keyword
from analyzer.resolution import Resolution
from decompose.model import DependencyKind


@dataclass(frozen=True)
class SignalFact:
    """A receiver (``sender`` may be None) or, with ``sent`` true, a send of ``signal``."""

    signal: str | None
    sender: str | None
    line: int
    sent: bool = False


def _signals(call: ast.Call) -> list[ast.expr]:
    first = call.args[0] if call.args else keyword(call, "signal")
    if isinstance(first, ast.List | ast.Tuple):
        return list(first.elts)
    return [first] if first is not None else []


@collector
class Signals(Collector):
    name = "signals"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[SignalFact, ...]:
        if not parsed.may_mention("receiver", "connect", "send"):
            return ()
        facts: list[SignalFact] = []
        for call in parsed.nodes(ast.Call):
            func = dotted(call.func) or ""
            last = func.rpartition(".")[2]
            sender = dotted(keyword(call, "sender"))
            if last == "receiver":
                facts.extend(SignalFact(dotted(s), sender, call.lineno) for s in _signals(call))
            elif last == "connect" and isinstance(call.func, ast.Attribute):
                if sender is None and len(call.args) > 1:
                    sender = dotted(call.args[1])
                facts.append(SignalFact(dotted(call.func.value), sender, call.lineno))
            elif last in ("send", "send_robust") and isinstance(call.func, ast.Attribute):
                facts.append(SignalFact(dotted(call.func.value), None, call.lineno, sent=True))
        return tuple(facts)

    def resolve(self, resolution: Resolution) -> Contribution:
        edges = []
        for module, source, fact in resolution.app_facts(self.name, SignalFact):
            targets = set()
            if fact.signal:
                defined = resolution.resolve(module, fact.signal)
                if defined and ":" not in defined:
                    targets.add(resolution.app_of(defined))
            if fact.sender:
                label = model_of_chain(resolution, module, fact.sender)
                targets.add(label.partition(".")[0] if label else None)
            for target in sorted(t for t in targets if t and t != source):
                edges.append(Edge(source, target, DependencyKind.SIGNAL,
                                  resolution.location(module, fact.line)))
        return Contribution(edges=tuple(edges))
