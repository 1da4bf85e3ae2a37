"""Registry lookups of models that stay become the mirror's remote models.

``apps.get_model("history", "HistoryEntry")`` becomes ``HistoryEntry``, imported from the
``monolith`` mirror (as ``RemoteHistoryEntry`` when the file already uses that name): the
service installs no ``history`` app, so the lookup would raise LookupError when the app
loads. The plan mirrors every model such a lookup names (plan/lookups.py).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor

from decompose.model import Handling
from decompose.paths import MIRROR_PACKAGE
from extractor.codemods.base import Boundary, ExtractionCodemod, register, string_value

APPS_REGISTRY = ("django.apps", "apps")  # where Django's app registry is imported from


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
    ORDER = 60
    DESCRIPTION = "Registry lookups of models that stay -> the mirror's remote models."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "get_model" in source

    def visit_Module(self, node: cst.Module) -> None:
        self._bound = {found.value for found in m.findall(node, m.Name())
                       if isinstance(found, cst.Name)}
        self._registries: set[str] = set()
        self._remote = {n.target.lower(): (mirror.module, n.name)
                        for mirror in self.boundary.mirrors
                        for n in mirror.names if n.handling == Handling.REMOTE_MODEL}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = node.module
        if (not node.relative and isinstance(module, cst.Attribute)
                and f"{getattr(module.value, 'value', '')}.{module.attr.value}"
                == APPS_REGISTRY[0] and not isinstance(node.names, cst.ImportStar)):
            self._registries.update(
                a.asname.name.value if a.asname and isinstance(a.asname.name, cst.Name)
                else APPS_REGISTRY[1] for a in node.names
                if isinstance(a.name, cst.Name) and a.name.value == APPS_REGISTRY[1])

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "get_model"
                and isinstance(func.value, cst.Name) and func.value.value in self._registries):
            return updated
        args = [string_value(a.value) for a in original.args if not a.keyword]
        label = (literal_label([a for a in args if a is not None])
                 if None not in args and len(args) == len(original.args) else None)
        remote = self._remote.get(label.lower()) if label else None
        if remote is None:
            return updated
        module, name = remote
        alias = f"Remote{name}" if name in self._bound else None
        AddImportsVisitor.add_needed_import(self.context, f"{MIRROR_PACKAGE}.{module}", name,
                                            alias)
        self.report(original, f"get_model of {label} -> {alias or name}, the mirror's remote "
                    f"model ({MIRROR_PACKAGE}.{module})")
        return cst.Name(alias or name)
