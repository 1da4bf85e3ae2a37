"""A small TOML writer for decompose.toml: one key per line, tables in the order given.

The standard library reads TOML but cannot write it; the routing state needs a writer whose
output is stable and diffs line by line, which a generic dumper's inline tables do not give.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(table: Mapping[str, Any], header: str = "") -> str:
    """TOML text for ``table``; ``header`` lines are written first as comments."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _emit_table(table, (), lines)
    return "\n".join(lines).strip("\n") + "\n"


def _emit_table(table: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_array(v)}
    if path and (scalars or not any(_is_table(v) for v in table.values())):
        lines += ["", f"[{_dotted(path)}]"]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in scalars.items()]
    for key, value in table.items():
        if _is_table(value):
            _emit_table(value, (*path, key), lines)
        elif _is_table_array(value):
            for item in value:
                lines += ["", f"[[{_dotted((*path, key))}]]"]
                lines += [f"{_key(k)} = {_value(v)}" for k, v in item.items()]


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(
        isinstance(v, Mapping) for v in value)


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(_key(p) for p in path)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        text = moment.replace(microsecond=0).isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):  # an inline table only where the caller nests one in a list
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")
