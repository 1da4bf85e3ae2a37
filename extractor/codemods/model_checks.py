"""``isinstance(x, Model)`` in moved code holds for the monolith's rows too.

A row of a model that stays reaches the service as a ``RemoteObject`` (decompose_remote), which
is no ``django.db.models.Model``: a check the moved code makes before using a model row failed
on it where the monolith's passed (taiga's timeline asserts ``isinstance(obj, Model)`` on the
user it reads through ``ContentType.model_class()``). ``isinstance(x, Model)`` becomes
``isinstance(x, (Model, RemoteObject))``, and ``issubclass(cls, Model)`` likewise (a row's
class is a ``RemoteObject`` subclass). Only a service that reaches the monolith's models
(through mirrors) can meet such rows.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Handling
from decompose_runtime.names import REMOTE_OBJECT
from extractor.codemods.base import Boundary, ExtractionCodemod, dotted, register

MODEL = "django.db.models.Model"
# Where Django defines its Model and re-exports it: the names the moved code may import.
MODEL_MODULES = ("django.db.models", "django.db.models.base")
CHECKS = frozenset({"isinstance", "issubclass"})


@register
class ModelChecks(ExtractionCodemod):
    NAME = "model_checks"
    ORDER = 50
    DESCRIPTION = "isinstance(x, Model) -> also true of the monolith's rows (RemoteObject)."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return ("isinstance" in source or "issubclass" in source) and "Model" in source and any(
            n.handling == Handling.REMOTE_MODEL for m in boundary.mirrors for n in m.names)

    def visit_Module(self, node: cst.Module) -> None:
        self._models: set[str] = set()  # how this file writes django.db.models.Model

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if dotted(alias.name) in MODEL_MODULES:
                written = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
                self._models.add(f"{written}.Model")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted(node.module)
        for alias in node.names:
            local = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
            if f"{module}.{dotted(alias.name)}" in MODEL_MODULES:
                self._models.add(f"{local}.Model")
            elif module in MODEL_MODULES and dotted(alias.name) == "Model":
                self._models.add(local)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not (isinstance(original.func, cst.Name) and original.func.value in CHECKS
                and len(original.args) == 2 and not any(a.keyword for a in original.args)):
            return updated
        classes = updated.args[1].value
        if isinstance(classes, cst.Tuple):
            written = [element.value for element in classes.elements]
        else:
            written = [classes]
        if not any(dotted(c) in self._models for c in written) or any(
                dotted(c) == REMOTE_OBJECT.name for c in written):
            return updated
        self.import_runtime(REMOTE_OBJECT)
        self.report(original, f"{original.func.value}(..., {MODEL.rpartition('.')[2]}) also "
                    "holds for the monolith's rows (RemoteObject)")
        both = cst.Tuple([cst.Element(c) for c in (*written, cst.Name(REMOTE_OBJECT.name))])
        return updated.with_changes(args=[updated.args[0], updated.args[1].with_changes(
            value=both)])
