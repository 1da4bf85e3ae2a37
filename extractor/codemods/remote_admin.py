"""Admin registrations and inlines of models that stay in the monolith leave the service's
admin.

A moved ``admin.py`` may (un)register a model of an app that stays: tandoor's
``admin.site.unregister(User); admin.site.register(User, CustomUserAdmin)``. In the service that
name is a remote stand-in (``monolith.django.contrib.auth.models.User``), which Django's admin
cannot register (``TypeError: 'RemoteModel' object is not iterable`` at import). The monolith
keeps serving that model's admin, so the call (or the ``@admin.register`` decorator) is removed
and a comment says why; the class it named stays, other code may use it. An inline of such a
model (plan/admin_inlines.py) leaves the ``inlines`` it is listed in. Each removal is a
warning listed in EXTRACTION.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from decompose.model import Handling, Level
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    admin_module,
    comment_line,
    dotted,
    register,
    remote_imports,
)

CALLS = frozenset({"register", "unregister"})


@register
class RemoteAdmin(ExtractionCodemod):
    NAME = "remote_admin"
    ORDER = 30
    DESCRIPTION = "Remove admin (un)registrations of models that stay in the monolith."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return bool(boundary.mirrors) and admin_module(module) and (
            "register" in source or "inlines" in source)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._remote: dict[str, str] = {}  # local name -> label of the monolith's model
        self._imported: dict[str, str] = {}  # local name -> the monolith's dotted name

    def visit_Module(self, node: cst.Module) -> None:
        for local, (name, kind) in remote_imports(node, self.boundary, self.package).items():
            self._imported[local] = name
            if kind == Handling.REMOTE_MODEL:
                mirrored = self.boundary.mirror_name(*name.rsplit(".", 1))
                assert mirrored is not None  # remote_imports found the name in it
                self._remote[local] = mirrored.target

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body, footer = self._without_registrations(original.body, updated.body)
        return updated.with_changes(body=body, footer=[*footer, *updated.footer])

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock,
                            ) -> cst.IndentedBlock:
        body, footer = self._without_registrations(original.body, updated.body)
        if not body:  # every statement of the block went: it needs one
            body, footer = [cst.SimpleStatementLine([cst.Pass()], leading_lines=footer)], []
        return updated.with_changes(body=body, footer=[*footer, *updated.footer])

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        kept = []
        comments = []
        for decorator, written in zip(original.decorators, updated.decorators, strict=True):
            call = decorator.decorator
            models = self._remote_models(call.args) if isinstance(call, cst.Call) and dotted(
                call.func).rpartition(".")[2] == "register" else ()
            if models:
                comments.append(self._removed(decorator, f"@{cst.Module([]).code_for_node(call)}",
                                              models))
            else:
                kept.append(written)
        if not comments:
            return updated
        return updated.with_changes(decorators=kept, leading_lines=[
            *updated.leading_lines, *comments])

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``inlines = [...]``: an inline of a model that stays is left out (taiga's wiki
        admin listed notifications' ``WatchedInline``)."""
        target = original.targets[0].target if len(original.targets) == 1 else None
        if not (isinstance(target, cst.Name) and target.value == "inlines"
                and isinstance(updated.value, cst.List | cst.Tuple)):
            return updated
        kept = []
        for element in updated.value.elements:
            name = dotted(element.value)
            if self._imported.get(name, f"{self.module_name}.{name}") in (
                    self.boundary.remote_inlines):
                self.report(original, f"inline {name} removed: its model stays in the monolith "
                            "(a remote model here), whose admin keeps it", Level.WARNING)
            else:
                kept.append(element)
        if len(kept) == len(updated.value.elements):
            return updated
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(value=updated.value.with_changes(elements=kept))

    def _without_registrations(self, original: Sequence[cst.BaseStatement],
                               updated: Sequence[cst.BaseStatement],
                               ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """The statements with each remote (un)registration removed; its comment (and the
        lines above it) lead the next statement, or are returned as the footer."""
        kept: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for written, statement in zip(original, updated, strict=True):
            assert isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            comment = self._registration(written)
            if comment is not None:
                carried += [*statement.leading_lines, comment]
                continue
            if carried:
                statement = statement.with_changes(
                    leading_lines=[*carried, *statement.leading_lines])
                carried = []
            kept.append(statement)
        return kept, carried

    def _registration(self, statement: cst.BaseStatement) -> cst.EmptyLine | None:
        """The comment replacing ``statement`` when it is ``<site>.register(Model, ...)`` or
        ``<site>.unregister(Model)`` of models that stay in the monolith, else None."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr)
                and isinstance(call := statement.body[0].value, cst.Call)
                and isinstance(call.func, cst.Attribute) and call.func.attr.value in CALLS):
            return None
        models = self._remote_models(call.args)
        if not models:
            return None
        return self._removed(statement, cst.Module([]).code_for_node(call), models)

    def _remote_models(self, args: Sequence[cst.Arg]) -> tuple[str, ...]:
        """Labels of the monolith's models the first positional argument names: one model or
        a list/tuple of them, all remote (a mix is left for Django to report)."""
        positional = [arg.value for arg in args if arg.keyword is None]
        if not positional:
            return ()
        first = positional[0]
        names = ([element.value for element in first.elements]
                 if isinstance(first, cst.List | cst.Tuple) else [first])
        labels = [self._remote.get(dotted(name)) for name in names]
        return tuple(label for label in labels if label) if all(labels) else ()

    def _removed(self, node: cst.CSTNode, code: str, models: tuple[str, ...]) -> cst.EmptyLine:
        staying = ", ".join(models)
        self.report(node, f"{code} removed: {staying} stays in the monolith (a remote model "
                    "here), whose admin keeps serving it", Level.WARNING)
        return comment_line(f"{staying} stays, its admin too: {code}")
