"""Signals across apps: receivers bound to another app's sender or signal, custom signals sent.

``@receiver(post_save, sender=Order)`` in ``notifications`` makes notifications depend on
orders: once they are separate services that signal becomes a message on a queue. A receiver
depends on its sender model's app, on the app that defines a custom signal and on every app
that sends it. Every binding form counts: the decorator (under any name), ``sig.connect(f,
sender=...)`` at module level or inside a function (``AppConfig.ready()``, whose imports are
local), lazy ``"app.Model"`` senders. A model signal whose sender no name spells (computed at
run time) or that has no sender at all is reported: forwarding it cannot be derived.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass

from analyzer.classes import Target
from analyzer.collectors import Collector, collector
from analyzer.collectors.models import is_test_module
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule, dotted, keyword, literal_str
from analyzer.resolution import Resolution
from decompose.model import DependencyKind, Diagnostic, DiagnosticLevel, Location

# Django's model signals: their receivers are bound to a sender model (or to every model).
MODEL_SIGNALS = frozenset(f"django.db.models.signals.{name}" for name in (
    "pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete",
    "m2m_changed"))
DYNAMIC_SENDER = "signal-sender-dynamic"
ANY_SENDER = "signal-any-sender"


@dataclass(frozen=True)
class SignalFact:
    """A receiver of ``signal`` (``sender`` None: none given), or with ``sent`` a send of it.

    Names are ``Target``s: ("name", as written), ("abs", full path) when imported inside the
    enclosing function, ("str", "app.Model") for a lazy sender; ``dynamic`` marks a sender
    given as an expression no name spells (computed at run time)."""

    signal: Target | None
    sender: Target | None
    line: int
    sent: bool = False
    dynamic: bool = False


def _signals(call: ast.Call) -> list[ast.expr]:
    first = call.args[0] if call.args else keyword(call, "signal")
    if isinstance(first, ast.List | ast.Tuple):
        return list(first.elts)
    return [first] if first is not None else []


def _local_imports(parsed: ParsedModule, node: ast.AST) -> dict[str, str]:
    """Names bound by imports inside the functions enclosing ``node`` -> their full path."""
    local: dict[str, str] = {}
    function = parsed.enclosing_function(node)
    while function is not None:
        for statement in ast.walk(function):
            if isinstance(statement, ast.ImportFrom):
                base = parsed.absolute(statement.module, statement.level)
                for alias in statement.names:
                    local.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    bound = alias.asname or alias.name.partition(".")[0]
                    local.setdefault(bound, alias.name if alias.asname else bound)
        function = parsed.enclosing_function(function)
    return local


def _target(node: ast.expr | None, local: dict[str, str]) -> Target | None:
    text = literal_str(node)
    if text is not None:
        return ("str", text)
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in local:
        return ("abs", f"{local[head]}.{rest}" if rest else local[head])
    return ("name", name)


def _receiver_aliases(parsed: ParsedModule) -> frozenset[str]:
    """Local names of ``django.dispatch.receiver`` (``from django.dispatch import receiver as
    on``), besides its own name."""
    return frozenset({"receiver"} | {
        alias.asname for node in parsed.nodes(ast.ImportFrom) for alias in node.names
        if alias.name == "receiver" and alias.asname})


@collector
class Signals(Collector):
    name = "signals"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[SignalFact, ...]:
        if not parsed.may_mention("receiver", "connect", "send"):
            return ()
        receivers = _receiver_aliases(parsed)
        facts: list[SignalFact] = []
        for call in parsed.nodes(ast.Call):
            func = dotted(call.func) or ""
            last = func.rpartition(".")[2]
            method = isinstance(call.func, ast.Attribute)
            if last not in receivers and not (method and last in ("connect", "send",
                                                                  "send_robust")):
                continue
            local = _local_imports(parsed, call)
            sender_node = keyword(call, "sender")
            if last == "connect" and sender_node is None and len(call.args) > 1:
                sender_node = call.args[1]
            sender = _target(sender_node, local)
            dynamic = sender_node is not None and sender is None
            if last in ("send", "send_robust"):
                signal = _target(call.func.value, local)
                facts.append(SignalFact(signal, None, call.lineno, sent=True))
            elif last == "connect":
                signal = _target(call.func.value, local)
                facts.append(SignalFact(signal, sender, call.lineno, dynamic=dynamic))
            else:
                facts.extend(SignalFact(_target(s, local), sender, call.lineno, dynamic=dynamic)
                             for s in _signals(call))
        return tuple(facts)

    def resolve(self, resolution: Resolution) -> Contribution:
        facts = list(resolution.app_facts(self.name, SignalFact))
        senders: dict[str, set[str]] = defaultdict(set)  # custom signal -> apps that send it
        for module, source, fact in facts:
            signal = _qualified(resolution, module, fact.signal)
            if fact.sent and signal:
                senders[signal].add(source)
        edges, diagnostics = [], []
        app_names = {a.label: a.name for a in resolution.project.apps}
        for module, source, fact in facts:
            signal = _qualified(resolution, module, fact.signal)
            if signal is None:
                continue
            location = resolution.location(module, fact.line)
            targets = {resolution.app_of(signal)}
            if not fact.sent:
                label = _sender_label(resolution, module, source, fact.sender)
                targets.add(label.partition(".")[0] if label else None)
                if signal not in MODEL_SIGNALS:
                    targets.update(senders.get(signal, ()))
                elif label is None and not is_test_module(module, app_names.get(source)):
                    diagnostics.append(_unforwardable(signal, fact, location))
            for target in sorted(t for t in targets if t and t != source):
                edges.append(Edge(source, target, DependencyKind.SIGNAL, location))
        return Contribution(edges=tuple(edges), diagnostics=tuple(diagnostics))


def _unforwardable(signal: str, fact: SignalFact, location: Location) -> Diagnostic:
    """A model-signal receiver bound to no model a name spells: a warning (tests excepted:
    they bind receivers to whatever they test, and no service runs them)."""
    name = signal.rpartition(".")[2]
    if fact.dynamic or fact.sender is not None:
        return Diagnostic(DiagnosticLevel.WARNING, DYNAMIC_SENDER,
                          f"{name} receiver bound to a sender no model name spells (computed "
                          "at run time): no service boundary can forward it", location)
    return Diagnostic(DiagnosticLevel.WARNING, ANY_SENDER,
                      f"{name} receiver bound to every sender (the models of every app): no "
                      "service boundary can forward it", location)


def _qualified(resolution: Resolution, module: str, name: Target | None) -> str | None:
    """The full path of a signal (None for a string or an unknown name)."""
    if name is None or name[0] == "str":
        return None
    kind, value = name
    found = resolution.canonical(value) if kind == "abs" else resolution.resolve(module, value)
    return found if found and ":" not in found else None


def _sender_label(resolution: Resolution, module: str, app: str,
                  sender: Target | None) -> str | None:
    """The label of the model a receiver is bound to, when the sender names one."""
    if sender is None:
        return None
    label = resolution.models.target_label(sender, module, app, "")
    return label if label in resolution.models.by_label else None
