"""Newer syntax rewritten into older syntax with the same line numbers, through libcst.

Only files the running Python cannot parse come here, so libcst (slow to import) is loaded
on the first such file, not on every run.
"""

from __future__ import annotations

import libcst as cst


def downgrade(text: str) -> str | None:
    """The code with newer-only syntax replaced, or None when libcst cannot parse it either."""
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    try:
        return module.visit(_Downgrade()).code
    except RecursionError:
        return None


class _Downgrade(cst.CSTTransformer):
    """Drops type parameters, parenthesises ``except A, B``, turns ``type X = ...`` into an
    assignment and f-strings into plain strings of as many lines (3.12+ nesting)."""

    def leave_ExceptHandler(self, original: cst.ExceptHandler,
                            updated: cst.ExceptHandler) -> cst.ExceptHandler:
        kind = updated.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()],
                                                               rpar=[cst.RightParen()]))
        return updated

    def leave_ExceptStarHandler(self, original: cst.ExceptStarHandler,
                                updated: cst.ExceptStarHandler) -> cst.ExceptStarHandler:
        kind = updated.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()],
                                                               rpar=[cst.RightParen()]))
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef:
        return updated.with_changes(type_parameters=None)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        return updated.with_changes(type_parameters=None)

    def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(updated.name)], value=updated.value)

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.BaseExpression:
        newlines = cst.Module([]).code_for_node(original).count("\n")
        return cst.SimpleString('"""' + "\n" * newlines + '"""' if newlines else '""')
