"""Which signals cross the cut as events, which receivers they serve, and which cannot cross.

The analyzer's signal edges (graph.json) say, at each receiver's ``path:line``, which apps it
listens to (its sender model's, its custom signal's, the apps that send that signal); a
receiver crosses when one of them is on the other side. Which signal and sender it is bound to
is read here from that line (``@receiver(sig, sender=M)``, under any name, or
``sig.connect(func, sender=M)``, at module level or in ``AppConfig.ready()``), with the file's
imports to spell both in full. A receiver whose binding cannot be read, and those the analyzer
warned about (a sender computed at run time, every sender), stay unforwarded, and are reported.
A signal of an app that stays which the service has as a stand-in (its mirror's copy, sent by
code the service copies) is forwarded to the receivers of the apps that stay, whatever the
analyzer's edges say: the sends the analyzer saw were the staying app's own.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from decompose.errors import CannotExtract
from decompose.model import (
    DependencyKind,
    ForwardedSignal,
    Location,
    SignalReceiver,
    UnforwardedReceiver,
)
from decompose.paths import MIRROR_PACKAGE
from extractor.plan.names import dotted, full_name
from extractor.plan.scope import Scope

MONOLITH_SIDE = "monolith"
# The analyzer's warnings about model-signal receivers no binding can forward.
_UNFORWARDABLE = frozenset({"signal-sender-dynamic", "signal-any-sender"})
_RECEIVER = "django.dispatch.receiver"
_MODEL_SIGNALS = "django.db.models.signals."
# Calls that write rows: a receiver making them used to commit or roll back with the sender.
_WRITES = frozenset({"create", "save", "update", "delete", "bulk_create", "bulk_update",
                     "get_or_create", "update_or_create", "add", "remove", "set", "clear"})


@dataclass(frozen=True)
class _Binding:
    signal: str
    sender: str
    receiver: SignalReceiver


@dataclass(frozen=True)
class SignalPlan:
    """The signals forwarded (one per signal, sender and consuming side) and the receivers
    that listen across the cut but cannot be forwarded."""

    forwarded: tuple[ForwardedSignal, ...]
    unforwarded: tuple[UnforwardedReceiver, ...]


def plan_signals(scope: Scope, stand_ins: tuple[str, ...] = ()) -> SignalPlan:
    """``stand_ins``: the signals of apps that stay the service has as stand-ins (its mirror's
    copies), whose every send there is forwarded to the monolith's receivers."""
    listened: dict[Location, set[str]] = defaultdict(set)  # receiver line -> apps it hears
    app_at: dict[Location, str] = {}
    for dep in scope.graph.dependencies:
        if dep.kind == DependencyKind.SIGNAL and dep.source in scope.own_labels:
            for location in dep.locations:
                listened[location].add(dep.target)
                app_at[location] = dep.source
    served: dict[tuple[str, str, str], list[SignalReceiver]] = defaultdict(list)
    unforwarded = []
    for location in sorted(listened):
        moved = app_at[location] in scope.moved_labels
        if all((target in scope.moved_labels) == moved for target in listened[location]):
            continue
        bindings = _bindings(scope, location)
        if not bindings and not _sends(scope, location):
            unforwarded.append(UnforwardedReceiver(location, "its binding cannot be read from "
                                                   "its line"))
        consumer = scope.service if moved else MONOLITH_SIDE
        for binding in bindings:
            served[(binding.signal, binding.sender, consumer)].append(binding.receiver)
    for signal in stand_ins:
        heard = _staying_bindings(scope, signal)
        for binding in heard:
            served[(signal, binding.sender, MONOLITH_SIDE)].append(binding.receiver)
        if not heard:  # none the analysis can see: sent anyway, as the monolith sends it
            served.setdefault((signal, "", MONOLITH_SIDE), [])
    unforwarded += [UnforwardedReceiver(w.location, w.message) for w in scope.graph.warnings
                    if w.code in _UNFORWARDABLE and w.location is not None]
    forwarded = (ForwardedSignal(signal, sender, consumer, tuple(sorted(set(receivers))),
                                 f"{MIRROR_PACKAGE}.{signal}" if signal in stand_ins else "")
                 for (signal, sender, consumer), receivers in served.items())
    return SignalPlan(tuple(sorted(forwarded)), tuple(sorted(set(unforwarded))))


def _staying_bindings(scope: Scope, signal: str) -> list[_Binding]:
    """The receivers of apps that stay bound to ``signal``: those the analyzer saw listen
    across apps, and those of the signal's own app (no edge: an app does not depend on
    itself), found by their ``connect``/``@receiver`` lines."""
    locations = {location for dep in scope.graph.dependencies
                 if dep.kind == DependencyKind.SIGNAL and dep.source in scope.own_labels
                 and dep.source not in scope.moved_labels for location in dep.locations}
    app = scope.source.app_of(signal.rpartition(".")[0])
    for path in scope.source.files(app.path) if app and app.path else ():
        tree = (scope.source.tree(path) if path.endswith(".py") else None) or ast.Module([], [])
        locations.update(Location(path, node.lineno) for node in ast.walk(tree)
                         if isinstance(node, ast.Call) and _binds(node))
    return [binding for location in sorted(locations) for binding in _bindings(scope, location)
            if binding.signal == signal]


def _binds(call: ast.Call) -> bool:
    """Whether the call may bind a receiver (``x.connect(...)``, ``@receiver(...)``)."""
    name = dotted(call.func) or ""
    return name.rpartition(".")[2] in ("connect", "receiver")


def refuse_answered_sends(scope: Scope, paths: Iterable[str],
                          stand_ins: dict[str, str]) -> None:
    """A send of a stand-in whose receivers' answers the code reads cannot be an event (an
    event answers nothing): refused at its line. ``stand_ins`` maps each dotted name the
    service's code may import a stand-in under to the signal it stands in for."""
    for path in paths:
        tree = scope.source.tree(path)
        answered = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
                    } if tree else set()
        for node in ast.walk(tree) if tree else ():
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("send", "send_robust") and id(node) not in answered
                    and (signal := stand_ins.get(full_name(scope, path, node.func.value) or ""))):
                raise CannotExtract(
                    f"{signal}: the code reads what its receivers return, but they stay in "
                    "the monolith and a forwarded signal answers nothing; send it as a "
                    "statement (or extract its app too)", path=path, line=node.lineno)


def _model_label(scope: Scope, path: str, node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        app, _, name = node.value.partition(".")  # a lazy "app_label.Model" (any case)
        return next((m.label for m in scope.graph.models
                     if m.label.lower() == f"{app}.{name}".lower()), None)
    full = full_name(scope, path, node)
    if full is None:
        return None
    module, _, name = full.rpartition(".")
    for model in scope.graph.models:
        if (model.label.rpartition(".")[2] == name
                and scope.source.module_of(model.location.path) == module):
            return model.label
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _calls_at(scope: Scope, location: Location) -> list[ast.Call]:
    tree = scope.source.tree(location.path)
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and node.lineno == location.line] if tree else []


def _sends(scope: Scope, location: Location) -> bool:
    """Whether the line sends a signal (a send site, not a receiver)."""
    return any(isinstance(call.func, ast.Attribute) and call.func.attr in ("send", "send_robust")
               for call in _calls_at(scope, location))


def _bindings(scope: Scope, location: Location) -> tuple[_Binding, ...]:
    """The signals, sender and receiver bound at ``location``, if that line says."""
    tree = scope.source.tree(location.path)
    path = location.path
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and decorator.lineno == location.line
                        and full_name(scope, path, decorator.func) == _RECEIVER):
                    signal = decorator.args[0] if decorator.args else _keyword(decorator, "signal")
                    signals = signal.elts if isinstance(signal, ast.List | ast.Tuple) else [signal]
                    name = f"{scope.source.module_of(path)}.{node.name}"
                    return _all(_make(scope, location, decorator, s, name, node) for s in signals)
    for call in _calls_at(scope, location):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "connect":
            receiver = full_name(scope, path, call.args[0] if call.args else _keyword(call,
                                                                                  "receiver"))
            if receiver is None:
                return ()
            return _all([_make(scope, location, call, call.func.value, receiver,
                               _function(scope, receiver))])
    return ()


def _all(bindings: Iterable[_Binding | None]) -> tuple[_Binding, ...]:
    """Every binding of one line, or none when any of them cannot be read."""
    found = list(bindings)
    return tuple(b for b in found if b is not None) if None not in found else ()


def _make(scope: Scope, location: Location, call: ast.Call, signal_node: ast.expr | None,
          receiver: str, body: ast.FunctionDef | ast.AsyncFunctionDef | None) -> _Binding | None:
    signal = full_name(scope, location.path, signal_node)
    sender_node = _keyword(call, "sender")
    if sender_node is None and call.args[1:] and isinstance(call.func, ast.Attribute):
        sender_node = call.args[1]
    if signal is None:
        return None
    sender = _model_label(scope, location.path, sender_node) if sender_node else ""
    if sender is None and not signal.startswith(_MODEL_SIGNALS):
        sender = ""  # a custom signal's sender need not be a model: its receiver filters
    if sender is None:
        return None
    reason, where = _reliance(scope, body, receiver)
    return _Binding(signal, sender, SignalReceiver(location, receiver, reason, where))


def _function(scope: Scope, dotted: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    module, _, name = dotted.rpartition(".")
    path = scope.source.path_of(module)
    tree = scope.source.tree(path) if path else None
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and n.name == name), None) if tree else None


def _reliance(scope: Scope, body: ast.FunctionDef | ast.AsyncFunctionDef | None,
              receiver: str) -> tuple[str, Location | None]:
    """How the receiver depended on the sender's transaction, and where (first such line)."""
    if body is None:
        return "", None
    path = scope.source.path_of(receiver.rpartition(".")[0])
    for node in ast.walk(body):
        if isinstance(node, ast.Raise):
            return ("raises, which used to abort the sender's transaction; now the sender "
                    "commits regardless"), Location(path, node.lineno) if path else None
    for node in ast.walk(body):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _WRITES):
            return ("writes rows that used to commit or roll back with the sender's; now they "
                    "commit later, on their own"), Location(path, node.lineno) if path else None
    return "", None
