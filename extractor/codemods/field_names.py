"""Declarations that name fields of a model: found, decided one name at a time, rewritten.

A ModelAdmin's ``fields = ["user"]`` and a ModelForm's ``Meta.fields``/``widgets = {"user":
...}`` name the model's fields by string; when ``user`` became the ``user_id`` column each
entry is renamed or dropped. The codemods that own such declarations (admin_options,
model_forms) decide what happens to one name; this module finds the names (entries of lists
and tuples, keys of dicts) and which moved model a class declares them for, and rebuilds the
literal keeping its quotes, comments and layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst

from decompose.model import Level
from extractor.codemods.base import Boundary, dotted, string_value


@dataclass(frozen=True)
class Decision:
    """What happens to one name: renamed to ``new`` (kept when ``new`` is the name), or
    dropped when ``new`` is None; ``message`` is reported at its line."""

    new: str | None
    level: Level
    message: str


# (the name, the value it is declared with: itself in a list, the dict's value) -> decision
Decide = Callable[[str, cst.BaseExpression], Decision | None]
Report = Callable[[cst.CSTNode, Decision], None]
E = TypeVar("E", cst.BaseElement, cst.BaseDictElement)


def rewrite_entries(node: cst.BaseExpression, decide: Decide, report: Report,
                    nested: bool = False) -> cst.BaseExpression:
    """A list or tuple of names with each entry decided (``nested``: entries may be tuples of
    names, ``fields = [("user", "status")]``); ``node`` itself when nothing changed."""
    if not isinstance(node, cst.List | cst.Tuple):
        return node
    kept: list[cst.BaseElement] = []
    changed = False
    for element in node.elements:
        value = element.value
        if nested and isinstance(value, cst.List | cst.Tuple):
            inner = rewrite_entries(value, decide, report)
            changed |= inner is not value
            kept.append(element.with_changes(value=inner))
            continue
        change = _change(element, string_value(value), value, decide, report)
        changed |= change is not None
        if change is None:
            kept.append(element)
        elif change.new is not None:
            kept.append(element.with_changes(value=_renamed(value, change.new)))
    if not changed:
        return node
    kept = _closed(kept, node.elements)
    if isinstance(node, cst.Tuple) and len(kept) == 1 and node.lpar:
        kept[0] = kept[0].with_changes(comma=cst.Comma())  # ("a",) stays a tuple
    return node.with_changes(elements=kept)


def rewrite_keys(node: cst.BaseExpression, decide: Decide, report: Report,
                 ) -> cst.BaseExpression:
    """A dict keyed by names (``widgets``, ``labels``...) with each key decided; ``node``
    itself when nothing changed."""
    if not isinstance(node, cst.Dict):
        return node
    kept: list[cst.BaseDictElement] = []
    changed = False
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            kept.append(element)
            continue
        change = _change(element, string_value(element.key), element.value, decide, report)
        changed |= change is not None
        if change is None:
            kept.append(element)
        elif change.new is not None:
            kept.append(element.with_changes(key=_renamed(element.key, change.new)))
    return node.with_changes(elements=_closed(kept, node.elements)) if changed else node


def _change(element: cst.CSTNode, entry: str | None, value: cst.BaseExpression,
            decide: Decide, report: Report) -> Decision | None:
    """The decision on the name ``entry`` (reported at ``element``) when it renames or drops
    it; None when the element stays as written (no name, passed over, or kept)."""
    decision = decide(entry, value) if entry is not None else None
    if decision is None:
        return None
    report(element, decision)
    return None if decision.new == entry else decision


def _closed(kept: list[E], before: Sequence[E]) -> list[E]:
    """``kept`` ending with the comma the literal's last element had (or had not)."""
    if kept and kept[-1] is not before[-1]:
        kept[-1] = kept[-1].with_changes(comma=before[-1].comma)
    return kept


def _renamed(like: cst.BaseExpression, text: str) -> cst.SimpleString:
    """``text`` as a string literal with the prefix and quotes of the one it replaces."""
    if isinstance(like, cst.SimpleString):
        return cst.SimpleString(f"{like.prefix}{like.quote}{text}{like.quote}")
    return cst.SimpleString(f'"{text}"')


def model_names(tree: cst.Module, boundary: Boundary) -> dict[str, str]:
    """Names the file can use for the moved models -> their labels: what it imports from their
    modules (aliases too), and a model's class name where no other moved model has it."""
    by_name: dict[str, set[str]] = {}
    for model in boundary.models:
        by_name.setdefault(model.name, set()).add(model.label)
    names = {name: next(iter(labels)) for name, labels in by_name.items() if len(labels) == 1}
    by_module = {(m.module, m.name): m.label for m in boundary.models if not m.abstract}

    class Collect(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
                return
            module = dotted(node.module)
            for alias in node.names:
                label = by_module.get((module, dotted(alias.name)))
                if label:
                    names[dotted(alias.asname.name) if alias.asname else
                          dotted(alias.name)] = label

    tree.visit(Collect())
    return names


def model_labels(node: cst.BaseExpression, names: dict[str, str]) -> set[str]:
    """The moved models an expression names (``Order``, ``models.Order``, a list of them)."""
    if isinstance(node, cst.List | cst.Tuple):
        return {label for element in node.elements for label in model_labels(element.value,
                                                                              names)}
    label = names.get(dotted(node).rpartition(".")[2])
    return {label} if label else set()


def model_classes(tree: cst.Module, boundary: Boundary) -> dict[str, frozenset[str]]:
    """Class name -> labels of the moved models it declares things for:
    ``@admin.register(Order)``, ``admin.site.register(Order, OrderAdmin)``, ``model = OrderLine``
    in the class (inlines) or in its ``Meta`` (forms; recorded for the class, not "Meta")."""
    names = model_names(tree, boundary)
    found: dict[str, set[str]] = {}

    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.classes: list[str] = []

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.classes.append(node.name.value)
            for decorator in node.decorators:
                call = decorator.decorator
                if isinstance(call, cst.Call) and dotted(call.func) in {"admin.register",
                                                                        "register"}:
                    found.setdefault(node.name.value, set()).update(
                        label for arg in call.args if arg.keyword is None
                        for label in model_labels(arg.value, names))

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            self.classes.pop()

        def visit_Assign(self, node: cst.Assign) -> None:
            target = node.targets[0].target
            owner = declaring_class(self.classes)
            if owner and isinstance(target, cst.Name) and target.value == "model":
                found.setdefault(owner, set()).update(model_labels(node.value, names))

        def visit_Call(self, node: cst.Call) -> None:
            function = dotted(node.func)
            positional = [arg.value for arg in node.args if arg.keyword is None]
            if (function.endswith(".register") and function != "admin.register"
                    and len(positional) == 2 and isinstance(positional[1], cst.Name)):
                found.setdefault(positional[1].value, set()).update(
                    model_labels(positional[0], names))

    tree.visit(Collect())
    return {name: frozenset(models) for name, models in found.items() if models}


def declaring_class(classes: list[str]) -> str | None:
    """The class whose model the innermost open class declares for: the class itself, or the
    one a nested ``Meta`` belongs to."""
    if len(classes) >= 2 and classes[-1] == "Meta":
        return classes[-2]
    return classes[-1] if classes else None
