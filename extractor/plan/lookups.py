"""Models of apps that stay, looked up through Django's app registry or as the user model.

``apps.get_model("history", "HistoryEntry")`` (taiga's ``TimelineAppConfig.ready()``) fails in
the service, which installs no ``history`` app; ``get_user_model()`` and ``apps.get_model(
settings.AUTH_USER_MODEL)`` answer the service's own ``AUTH_USER_MODEL`` (Django's
``auth.User``), not the monolith's when that is a model of an app that stays (taiga's
``users.User``). Each such lookup becomes the mirror's remote model (codemods/model_lookups.py
rewrites the call), so the plan mirrors those models like the ones the moved code imports.

A function of an app that stays which only returns such a lookup (taiga's
``get_user_model_safe()``: ``settings.AUTH_USER_MODEL.split(".")``, then ``apps.get_model``
in a ``try`` whose handler retries with ``apps.get_registered_model``) is a model getter: the
service answers it with the remote model instead of calling the monolith, so moved code may
call it while it is imported (in a serializer's ``Meta``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from decompose.model import Location
from extractor.codemods.model_lookups import (
    AUTH_GETTER,
    LOOKUP_KEYWORDS,
    REGISTRY_LOOKUPS,
    USER_SETTING,
    literal_label,
)
from extractor.plan.names import resolver
from extractor.plan.scope import Scope

MODEL_CLASS = "model_class"  # ContentType.model_class(): the model of a content type


def staying_models(scope: Scope) -> dict[str, str]:
    """The concrete models of the project's apps that stay, by lowercased label (Django
    matches a model's name in any case) -> the label as the graph spells it."""
    return {m.label.lower(): m.label for m in scope.graph.models
            if m.app in scope.own_labels and m.app not in scope.moved_labels
            and not m.abstract}


def remote_user(scope: Scope) -> str:
    """The monolith's ``AUTH_USER_MODEL`` when its app stays in the monolith, else ""."""
    settings = scope.graph.settings
    value = settings.known("AUTH_USER_MODEL") if settings else None
    return staying_models(scope).get(str(value).lower(), "") if isinstance(value, str) else ""


@dataclass
class _Bound:
    """Names a getter binds from the user setting: ``label = settings.AUTH_USER_MODEL``,
    ``app, name = settings.AUTH_USER_MODEL.split(".")``."""

    labels: set[str] = field(default_factory=set)
    parts: tuple[str, str] | None = None


class LookupReader:
    """Reads, in one file, the expressions that look a model up (``user`` is
    ``remote_user``: lookups of the user model count only when it stays)."""

    def __init__(self, scope: Scope, path: str, user: str):
        self.resolve = resolver(scope, path)
        self.user = user

    def label(self, node: ast.expr | None, bound: _Bound | None = None) -> str | None:
        """The label of the model ``node`` evaluates to, when it is a lookup of one."""
        if not isinstance(node, ast.Call):
            return None
        called = self.resolve(node.func)
        if called == AUTH_GETTER and not node.args and not node.keywords:
            return self.user or None
        if called not in REGISTRY_LOOKUPS or any(k.arg not in LOOKUP_KEYWORDS
                                                 for k in node.keywords):
            return None
        bound = bound or _Bound()
        args = node.args
        if (len(args) == 1 and self._is_setting(args[0], bound)) or (
                bound.parts and [getattr(a, "id", None) for a in args] == list(bound.parts)):
            return self.user or None
        texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return literal_label(texts) if len(texts) == len(args) else None

    def getter(self, function: ast.stmt) -> str | None:
        """The label of the model a function returns, when that is all it does: no required
        argument, every ``return`` a lookup of that model, the rest only imports, reading the
        user setting or, in a ``try`` around the lookup, handling its failure."""
        if not isinstance(function, ast.FunctionDef) or _required(function.args):
            return None
        labels = self._returned(function.body, _Bound())
        return next(iter(labels)) if labels and len(labels) == 1 and None not in labels else None

    def _returned(self, body: list[ast.stmt], bound: _Bound) -> set[str | None] | None:
        """The labels the statements return (None for a return of anything else); None
        when a statement does more than that."""
        labels: set[str | None] = set()
        for statement in body:
            if isinstance(statement, ast.Return):
                labels.add(self.label(statement.value, bound))
            elif isinstance(statement, ast.Try):
                inner = self._returned(statement.body, bound)
                if inner is None or statement.orelse or statement.finalbody:
                    return None
                labels |= inner | {self.label(r.value, bound) for handler in statement.handlers
                                   for r in _returns(handler.body)}
            elif not (_docstring(statement) or isinstance(statement, ast.Import | ast.ImportFrom)
                      or self._binds_setting(statement, bound)):
                return None
        return labels

    def _binds_setting(self, statement: ast.stmt, bound: _Bound) -> bool:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return False
        target, value = statement.targets[0], statement.value
        if isinstance(target, ast.Name) and self._is_setting(value, bound):
            bound.labels.add(target.id)
            return True
        names = [e.id for e in target.elts if isinstance(e, ast.Name)] if isinstance(
            target, ast.Tuple) else []
        if (len(names) == 2 and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute) and value.func.attr == "split"
                and self._is_setting(value.func.value, bound) and len(value.args) == 1
                and isinstance(value.args[0], ast.Constant) and value.args[0].value == "."):
            bound.parts = (names[0], names[1])
            return True
        return False

    def _is_setting(self, node: ast.expr, bound: _Bound) -> bool:
        return self.resolve(node) == USER_SETTING or (
            isinstance(node, ast.Name) and node.id in bound.labels)


def staying_lookups(scope: Scope, paths: Iterable[str], by_label_only: bool = False
                    ) -> list[tuple[Location, str]]:
    """Each lookup of a model that stays in the files at ``paths``, with its label as the
    graph spells it; ``by_label_only``: only registry lookups naming it by string (a kernel
    copy, run as written: its lookups of the user model answer the service's own, which the
    service's registry answers before any mirrored one)."""
    staying = staying_models(scope)
    user = "" if by_label_only else remote_user(scope)
    found = []
    for path in paths:
        tree = scope.source.tree(path)
        lookups = LookupReader(scope, path, user)
        for node in ast.walk(tree or ast.Module([], [])):
            if isinstance(node, ast.Call) and (label := lookups.label(node)) and (
                    label.lower() in staying):
                found.append((Location(path, node.lineno), staying[label.lower()]))
    return found


def content_type_lookups(scope: Scope, paths: Iterable[str]) -> list[tuple[Location, str]]:
    """The models that stay whose content type a file calling ``.model_class()`` names: a
    label as a string (taiga's timeline views: ``content_type = "projects.project"``, split
    and passed to ``get_by_natural_key``), a natural key as two (``get_by_natural_key(
    "projects", "project")``), or the user setting when the user model stays (``content_type
    = settings.AUTH_USER_MODEL.lower()``). ``model_class()`` is a registry lookup the service
    answers with the mirror's remote model (decompose_remote.content_types), and which content
    type reaches it is not known statically: each model the file names so is mirrored, so the
    bridge serves it."""
    staying = staying_models(scope)
    user = remote_user(scope)
    found = []
    for path in paths:
        tree = scope.source.tree(path) or ast.Module([], [])
        if not any(isinstance(n, ast.Attribute) and n.attr == MODEL_CLASS
                   for n in ast.walk(tree)):
            continue
        resolve = resolver(scope, path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and user and resolve(node) == USER_SETTING:
                found.append((Location(path, node.lineno), user))
                continue
            if isinstance(node, ast.Constant):
                texts = [node.value]
            elif isinstance(node, ast.Call) and len(node.args) == 2:
                texts = [getattr(a, "value", None) for a in node.args]
            else:
                continue
            strings = [t for t in texts if isinstance(t, str)]
            label = literal_label(strings) if len(strings) == len(texts) else None
            if label and label.lower() in staying:
                found.append((Location(path, node.lineno), staying[label.lower()]))
    return found


def _required(arguments: ast.arguments) -> bool:
    """Whether a function must be passed an argument."""
    return (len(arguments.posonlyargs) + len(arguments.args) > len(arguments.defaults)
            or None in arguments.kw_defaults)


def _docstring(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))


def _returns(body: list[ast.stmt]) -> Iterator[ast.Return]:
    """The ``return`` statements in ``body`` (a function defined there has its own, which
    count too: a getter defines none)."""
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Return):
                yield node
