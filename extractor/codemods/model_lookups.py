"""Lookups of models that stay become the mirror's remote models.

``apps.get_model("history", "HistoryEntry")`` becomes ``HistoryEntry``, imported from the
``monolith`` mirror (as ``RemoteHistoryEntry`` when the file already uses that name): the
service installs no ``history`` app, so the lookup would raise LookupError when the app
loads. So do the lookups of the monolith's user model when its app stays (taiga's
``users.User``): ``get_user_model()`` and ``apps.get_model(settings.AUTH_USER_MODEL)`` would
answer the service's own ``AUTH_USER_MODEL``, and a call of a staying app's function that only
returns a model (a ``MODEL_GETTER``: taiga's ``get_user_model_safe()``, in a serializer's
``Meta``) would be a call to the monolith while the module loads. Each is written as the model,
so the codemods after this one read the model's name (``Meta.model = User``: a
RemoteModelSerializer). The plan mirrors every model such a lookup names (plan/lookups.py).
Any other read of ``settings.AUTH_USER_MODEL`` becomes the monolith's label: taiga's user
timeline looks its content type up by it, and the service's own (``auth.User``) has none.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from decompose.model import Handling
from decompose.paths import MIRROR_PACKAGE
from extractor.codemods.base import Boundary, ExtractionCodemod, dotted, register, string_value

AUTH_GETTER = "django.contrib.auth.get_user_model"  # the monolith's AUTH_USER_MODEL
USER_SETTING = "django.conf.settings.AUTH_USER_MODEL"
REGISTRY = "django.apps.apps"  # Django's app registry
REGISTRY_LOOKUPS = frozenset({f"{REGISTRY}.get_model", f"{REGISTRY}.get_registered_model"})
LOOKUP_KEYWORDS = frozenset({"require_ready"})  # what a registry lookup may pass besides


def literal_label(args: list[str]) -> str | None:
    """``("history", "HistoryEntry")`` or ``("history.HistoryEntry",)`` as a model label."""
    if len(args) == 2 and "." not in args[0]:
        return f"{args[0]}.{args[1]}"
    if len(args) == 1 and args[0].count(".") == 1:
        return args[0]
    return None


@register
class ModelLookups(ExtractionCodemod):
    NAME = "model_lookups"
    # After fk_to_id (a ForeignKey(get_user_model()) is an id column by then), before the
    # codemods that read model names.
    ORDER = 15
    DESCRIPTION = "Lookups of models that stay -> the mirror's remote models."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return ("get_model" in source or "get_user_model" in source
                or "AUTH_USER_MODEL" in source) or any(
            n.name in source for m in boundary.mirrors for n in m.names
            if n.handling == Handling.MODEL_GETTER)

    def visit_Module(self, node: cst.Module) -> None:
        self._bound = {found.value for found in m.findall(node, m.Name())
                       if isinstance(found, cst.Name)}
        self._imported: dict[str, str] = {}  # local name -> the dotted name it binds
        self._looked_up_args: set[cst.BaseExpression] = set()  # replaced with their call
        self._remote = {n.target.lower(): (mirror.module, n.name)
                        for mirror in self.boundary.mirrors
                        if self.boundary.mirror_of(mirror.module) is mirror
                        for n in mirror.names if n.handling == Handling.REMOTE_MODEL}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name
            self._imported[local] = f"{dotted(node.module)}.{name}"

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute
                        ) -> cst.BaseExpression:
        """``settings.AUTH_USER_MODEL`` -> the monolith's label, as a string (a registry
        lookup of it is the remote model instead: leave_Call replaces the whole call)."""
        label = self.boundary.user_model
        if not label or self._resolve(original) != USER_SETTING:
            return updated
        RemoveImportsVisitor.remove_unused_import(self.context, "django.conf", "settings")
        if original not in self._looked_up_args:
            self.report(original, f"settings.AUTH_USER_MODEL -> {label!r}, the monolith's user "
                        "model (the service's own is Django's)")
        return cst.SimpleString(f'"{label}"')

    def visit_Call(self, node: cst.Call) -> None:
        if self._resolve(node.func) in REGISTRY_LOOKUPS:
            self._looked_up_args.update(a.value for a in node.args)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        called = self._resolve(original.func)
        label = self._looked_up(called, original)
        remote = self._remote.get(label.lower()) if label else None
        if called is None or remote is None:  # (a label of a model the service has)
            return updated
        module, name = remote
        local = next((k for k, v in self._imported.items() if v == f"{module}.{name}"), None)
        if local is None:
            local = f"Remote{name}" if name in self._bound else name
            AddImportsVisitor.add_needed_import(self.context, module, name,
                                                None if local == name else local)
        for head in {dotted(n).partition(".")[0] for n in (original.func, *(
                a.value for a in original.args))} & self._imported.keys():
            imported, _, bound = self._imported[head].rpartition(".")
            RemoveImportsVisitor.remove_unused_import(self.context, imported, bound,
                                                      None if head == bound else head)
        self.report(original, f"{dotted(original.func)}() of {label} -> {local}, the mirror's "
                    f"remote model ({MIRROR_PACKAGE}.{module})")
        return cst.Name(local)

    def _looked_up(self, called: str | None, call: cst.Call) -> str | None:
        """The label of the model the call answers, when it is a lookup of one."""
        if called is None:
            return None
        module, _, name = called.rpartition(".")
        getter = self.boundary.mirror_name(module, name)
        if getter is not None and getter.handling == Handling.MODEL_GETTER:
            return getter.target
        if called == AUTH_GETTER and not call.args:
            return self.boundary.user_model or None
        args = [a for a in call.args if a.keyword is None or a.keyword.value not in
                LOOKUP_KEYWORDS]
        if called not in REGISTRY_LOOKUPS or any(a.keyword for a in args):
            return None
        if len(args) == 1 and self._resolve(args[0].value) == USER_SETTING:
            return self.boundary.user_model or None
        texts = [string_value(a.value) for a in args]
        return literal_label([t for t in texts if t is not None]) if None not in texts else None

    def _resolve(self, node: cst.BaseExpression) -> str | None:
        """``apps.get_model`` -> "django.apps.apps.get_model", through the file's imports."""
        written = dotted(node)
        head, _, rest = written.partition(".")
        if head not in self._imported:
            return None
        return f"{self._imported[head]}.{rest}" if rest else self._imported[head]

