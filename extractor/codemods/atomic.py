"""``transaction.atomic`` around calls into the monolith is a distributed transaction now.

The service's writes and each remote call commit separately, so a rollback here no longer undoes
what the monolith did. When the atomic scope writes rows locally before calling the monolith,
the monolith could not even see those rows (they are uncommitted in another connection): the
atomic becomes ``compensate_on_error``, so each row commits at once and, on an exception, the
rows the function created are deleted again (the monolith's side is NOT undone). Either way a
``# decompose:`` comment marks the spot and the plan lists it as an error for a human.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from decompose.model import Handling, Level
from decompose_runtime.names import COMPENSATE_ON_ERROR
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    comment_line,
    dotted,
    register,
    remote_imports,
)

ATOMIC = frozenset({"transaction.atomic", "atomic"})
LOCAL_WRITES = frozenset({"create", "save", "bulk_create", "update", "delete", "get_or_create",
                          "update_or_create", "bulk_update"})


@register
class AtomicAcrossServices(ExtractionCodemod):
    NAME = "atomic"
    ORDER = 60
    DESCRIPTION = "Flag (and where needed undo) atomic blocks that call the monolith."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "atomic" in source

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = {name for name, (_, kind) in remote_imports(node, self.boundary).items()
                        if kind == Handling.REMOTE_FUNCTION}

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef:
        atomic = [d for d in original.decorators if _is_atomic(d.decorator)]
        if not atomic:
            return updated
        calls, writes_first = self._scan(original.body)
        if not calls:
            return updated
        name = original.name.value
        if writes_first:
            note = (f"was @transaction.atomic: {name} writes rows, then calls the monolith "
                    f"({', '.join(calls)}), which must see them committed; now "
                    "@compensate_on_error: each write commits at once and on an error the rows "
                    "it created are deleted, but the monolith's calls are NOT undone (see "
                    "EXTRACTION.md, 'Transactions'); add compensation for them")
            comment = "atomic -> compensate_on_error; monolith calls are NOT undone (EXTRACTION.md)"
            compensate = cst.Name(COMPENSATE_ON_ERROR.name)
            kept = [d.with_changes(decorator=compensate) if _is_atomic(d.decorator)
                    else d for d in updated.decorators]
            self.import_runtime(COMPENSATE_ON_ERROR)
            RemoveImportsVisitor.remove_unused_import(self.context, "django.db", "transaction")
        else:
            note = (f"distributed transaction: {name} calls the monolith "
                    f"({', '.join(calls)}); those calls commit on their own and a rollback "
                    "here does not undo them")
            comment = "distributed transaction: monolith calls here are not rolled back"
            kept = list(updated.decorators)
        self.report(original, f"{name}: {note}", Level.ERROR)
        lead = [*updated.leading_lines, comment_line(comment)]
        if kept:
            kept[0] = kept[0].with_changes(leading_lines=[*kept[0].leading_lines,
                                                         comment_line(comment)])
            return updated.with_changes(decorators=kept)
        first = updated.decorators[0]
        return updated.with_changes(decorators=kept,
                                    leading_lines=[*lead[:-1], *first.leading_lines, lead[-1]])

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        if not any(_is_atomic(item.item) for item in original.items):
            return updated
        calls, _ = self._scan(original.body)
        if not calls:
            return updated
        note = (f"distributed transaction: this atomic block calls the monolith "
                f"({', '.join(calls)}); those calls commit on their own")
        self.report(original, note, Level.ERROR)
        comment = "distributed transaction: monolith calls here are not rolled back"
        return updated.with_changes(leading_lines=[*updated.leading_lines,
                                                   comment_line(comment)])

    def _scan(self, body: cst.CSTNode) -> tuple[list[str], bool]:
        """Remote functions called in ``body`` (in order) and whether one of them is called
        after a local write (it would then need rows that are not committed yet)."""
        remote = self._remote
        calls: list[str] = []
        state = {"wrote": False, "after_write": False}

        class Scan(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                func = node.func
                if isinstance(func, cst.Name) and func.value in remote:
                    state["after_write"] |= state["wrote"]
                    if func.value not in calls:
                        calls.append(func.value)
                elif isinstance(func, cst.Attribute) and func.attr.value in LOCAL_WRITES:
                    state["wrote"] = True

        body.visit(Scan())
        return calls, state["after_write"]


def _is_atomic(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        node = node.func
    return dotted(node) in ATOMIC
