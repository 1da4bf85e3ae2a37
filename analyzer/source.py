"""Turning bytes on disk into an ``ast`` tree, or into a reason why not (never an exception).

``ast`` only knows the running Python's grammar. Code written for a newer Python (3.12 type
parameters, 3.14's unparenthesised ``except A, B:``) is parsed with libcst, whose parser knows
newer grammars, then rewritten into equivalent older syntax with the same line numbers and
parsed again: the analyzer still sees its imports, classes and calls.
"""

from __future__ import annotations

import ast
import contextvars
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

_PY2_STATEMENT = re.compile(r"^\s*(print|exec)\s+[^\s(=]", re.MULTILINE)
MAX_FILE_BYTES = 8 * 1024 * 1024  # beyond this a module is generated data, not code to read
MAX_FALLBACK_NESTING = 100  # CPython's own parser stops at 200 nested brackets


# Files read through read_tree, collected for the warm-run snapshot (see analyzer.snapshot).
files_read: contextvars.ContextVar[set[Path] | None] = contextvars.ContextVar(
    "files_read", default=None)


@dataclass(frozen=True)
class SourceError(Exception):
    """Why a file could not be read as Python; ``code`` is the Diagnostic code."""

    code: str
    message: str
    line: int | None = None


def decode(data: bytes) -> str:
    """Decode like the interpreter: PEP 263 coding cookie or BOM, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError("encoding-error", str(exc), 1) from None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise SourceError("encoding-error", f"not valid {encoding} text (declare the "
                          "encoding with a coding comment)", line) from None


def parse(data: bytes, filename: str = "<source>") -> tuple[ast.Module, bool, str]:
    """Parse bytes into a tree; returns (tree, parsed_through_fallback, decoded text)."""
    if len(data) > MAX_FILE_BYTES:
        raise SourceError("file-too-large", f"{len(data)} bytes; larger than "
                          f"{MAX_FILE_BYTES} bytes, skipped as generated data", 1)
    text = decode(data)
    try:
        return ast.parse(text, filename), False, text
    except SyntaxError as exc:
        first = exc
    except (RecursionError, MemoryError, ValueError) as exc:
        raise SourceError("unparsable", f"too deeply nested to parse ({type(exc).__name__})",
                          1) from None
    newer = _downgrade(text)
    if newer is None:
        hint = " (Python 2 code?)" if _looks_like_python2(text) else ""
        raise SourceError("syntax-error", f"{first.msg}{hint}", first.lineno)
    try:
        return ast.parse(newer, filename), True, text
    except (SyntaxError, RecursionError, ValueError):
        raise SourceError("syntax-error", first.msg, first.lineno) from None


def read_tree(path: Path) -> ast.Module:
    seen = files_read.get()
    if seen is not None:
        seen.add(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError("unreadable", exc.strerror or str(exc)) from None
    return parse(data, str(path))[0]


def _looks_like_python2(text: str) -> bool:
    return _PY2_STATEMENT.search(text) is not None


def _downgrade(text: str) -> str | None:
    """Rewrite newer syntax that libcst knows into older syntax, keeping line numbers."""
    if _nesting(text) > MAX_FALLBACK_NESTING:
        return None  # libcst's native parser overflows its stack on such input
    from analyzer.downgrade import downgrade  # libcst takes longer to import than most runs

    return downgrade(text)


def _nesting(text: str) -> int:
    """Deepest bracket nesting, roughly (brackets inside strings count too)."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest
