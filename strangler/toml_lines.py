"""Where a key is written in a TOML file: the line an error about its value should name.

``tomllib`` returns values without positions; the routing state is written one key per line
(``toml_text``) and edited by hand the same way, so following table headers and ``key =`` lines
finds the line of any key a person can get wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*(?P<key>(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
                  r'(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\'))*)\s*=')
_PART = re.compile(r'\s*([A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')\s*(?:\.|$)')

Key = Sequence[str | int]  # table names, keys and array-of-tables indexes


def key_line(text: str, key: Key) -> int | None:
    """The 1-based line where ``key`` (``("routing", "services", "orders", "weight")``, or with
    an index after an array of tables) is written; the table's header line when the key itself
    is not, None when neither is."""
    wanted = tuple(key)
    table: tuple[str | int, ...] = ()
    counts: dict[tuple[str | int, ...], int] = {}
    best: tuple[int, int] | None = None  # (matched length, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = _parts(header.group("name"))
            if header.group(1) == "[[":
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = (*name, index)
            else:
                table = name
            best = _better(best, table, wanted, number)
            continue
        found = _KEY.match(line)
        if found:
            best = _better(best, (*table, *_parts(found.group("key"))), wanted, number)
    return best[1] if best else None


def _better(best: tuple[int, int] | None, path: tuple[str | int, ...],
            wanted: tuple[str | int, ...], line: int) -> tuple[int, int] | None:
    """Keep the line whose path is the longest prefix of ``wanted`` seen so far."""
    if len(path) > len(wanted) or wanted[:len(path)] != path:
        return best
    if best is None or len(path) > best[0]:
        return (len(path), line)
    return best


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(_unquote(p) for p in _PART.findall(dotted))


def _unquote(part: str) -> str:
    if part.startswith('"'):
        return str(json.loads(part))
    if part.startswith("'"):
        return part[1:-1]
    return part
