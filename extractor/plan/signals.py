"""Which signals cross the cut as events, and which receivers they serve.

The analyzer's signal edges (graph.json) give the apps and the receivers' ``path:line``, not
which signal or sender a receiver is bound to; that is read here from the receiver's own line
(``@receiver(sig, sender=M)`` or ``sig.connect(func, sender=M)``), with the file's imports to
spell both in full. A receiver whose binding cannot be read stays unforwarded, and is reported.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass

from decompose.model import DependencyKind, ForwardedSignal, Location, SignalReceiver
from decompose.modules import absolute_module
from extractor.plan.scope import Scope

MONOLITH_SIDE = "monolith"
# Calls that write rows: a receiver making them used to commit or roll back with the sender.
_WRITES = frozenset({"create", "save", "update", "delete", "bulk_create", "bulk_update",
                     "get_or_create", "update_or_create", "add", "remove", "set", "clear"})


@dataclass(frozen=True)
class _Binding:
    signal: str
    sender: str
    receiver: SignalReceiver


def forwarded_signals(scope: Scope) -> tuple[ForwardedSignal, ...]:
    """One entry per (signal, sender, consuming side), with the receivers it serves."""
    served: dict[tuple[str, str, str], list[SignalReceiver]] = defaultdict(list)
    for dep in scope.graph.dependencies:
        if dep.kind != DependencyKind.SIGNAL:
            continue
        source_moved, target_moved = (dep.source in scope.moved_labels,
                                      dep.target in scope.moved_labels)
        if source_moved == target_moved or dep.source not in scope.own_labels:
            continue
        consumer = scope.service if source_moved else MONOLITH_SIDE
        for location in dep.locations:
            binding = _binding(scope, location)
            if binding is not None:
                served[(binding.signal, binding.sender, consumer)].append(binding.receiver)
    return tuple(sorted(ForwardedSignal(signal, sender, consumer, tuple(sorted(set(receivers))))
                        for (signal, sender, consumer), receivers in served.items()))


def _names(scope: Scope, path: str) -> dict[str, str]:
    """Local name -> dotted path, from every import in the file (functions' too)."""
    tree = scope.source.tree(path)
    module = scope.source.module_of(path)
    names: dict[str, str] = {}
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.ImportFrom):
            package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
            base = absolute_module(package, node.module, node.level)
            names.update({(a.asname or a.name): f"{base}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            names.update({(a.asname or a.name.partition(".")[0]):
                          (a.name if a.asname else a.name.partition(".")[0]) for a in node.names})
    return names


def _dotted(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _full(scope: Scope, path: str, node: ast.expr | None) -> str | None:
    """A name as the module that defines it spells it (``order_placed`` -> its module path)."""
    written = _dotted(node)
    if written is None:
        return None
    head, _, rest = written.partition(".")
    names = _names(scope, path)
    if head in names:
        return f"{names[head]}.{rest}" if rest else names[head]
    return f"{scope.source.module_of(path)}.{written}"


def _model_label(scope: Scope, path: str, node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
        return node.value  # a lazy "app.Model" reference
    full = _full(scope, path, node)
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


def _binding(scope: Scope, location: Location) -> _Binding | None:
    """The signal, sender and receiver bound at ``location``, if that line says."""
    tree = scope.source.tree(location.path)
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and decorator.lineno == location.line
                        and (_dotted(decorator.func) or "").endswith("receiver")):
                    signal = decorator.args[0] if decorator.args else _keyword(decorator, "signal")
                    name = f"{scope.source.module_of(location.path)}.{node.name}"
                    return _make(scope, location, decorator, signal, name, node)
        if (isinstance(node, ast.Call) and node.lineno == location.line
                and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"):
            receiver = _full(scope, location.path, node.args[0] if node.args else None)
            if receiver is None:
                return None
            return _make(scope, location, node, node.func.value, receiver,
                         _function(scope, receiver))
    return None


def _make(scope: Scope, location: Location, call: ast.Call, signal_node: ast.expr | None,
          receiver: str, body: ast.FunctionDef | ast.AsyncFunctionDef | None) -> _Binding | None:
    signal = _full(scope, location.path, signal_node)
    sender_node = _keyword(call, "sender")
    if sender_node is None and call.args[1:] and isinstance(call.func, ast.Attribute):
        sender_node = call.args[1]
    sender = _model_label(scope, location.path, sender_node) if sender_node else ""
    if signal is None or sender is None:
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
