"""Run every registered extraction codemod over one moved file; the outcome is a value.

A file that libcst cannot parse is not fatal: it is copied unchanged and reported as failed, so
one bad file never aborts the run (like LibCST's own codemod runner).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

import libcst as cst
from libcst.codemod import CodemodContext

from decompose.model import Level, Location, Rewrite
from extractor.codemods.base import Boundary, registered


@dataclass(frozen=True)
class FileOutcome:
    """A transformed file: new text, what changed, and an error when it could not be parsed."""

    path: str
    text: str
    rewrites: tuple[Rewrite, ...]
    failed: str | None = None


def transform(source: str, path: str, module: str, boundary: Boundary) -> FileOutcome:
    """Apply the codemods in order to one tree; report lines in the ORIGINAL source."""
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        failure = f"not valid Python, copied unchanged ({exc.message})"
        return FileOutcome(path, source, (Rewrite(Location(path, exc.raw_line), "parse",
                                                  failure, Level.ERROR),), failure)
    original = source.splitlines()
    current = source
    rewrites: list[Rewrite] = []
    for codemod_class in registered():
        if not codemod_class.applies(current, module, boundary):
            continue
        context = CodemodContext(filename=path, full_module_name=module)
        codemod = codemod_class(context, boundary, path, module)
        new_tree = codemod.transform_module(tree)
        if codemod.reports:
            lines = _line_map(current.splitlines(), original) if current != source else {}
            rewrites += [replace(r, location=Location(path, lines.get(r.location.line,
                                                                      r.location.line)))
                         for r in codemod.reports]
        if new_tree is not tree:
            tree, current = new_tree, new_tree.code
    return FileOutcome(path, current, tuple(sorted(set(rewrites))))


def _line_map(current: list[str], original: list[str]) -> dict[int, int]:
    """1-based line of ``current`` -> the line of ``original`` it came from (or nearest)."""
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=current, b=original, autojunk=False)
    for _, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset, line in enumerate(range(a0, a1)):
            mapping[line + 1] = min(b0 + offset, max(b1 - 1, b0)) + 1
    return mapping
