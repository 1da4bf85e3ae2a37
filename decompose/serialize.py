"""Versioned, deterministic JSON for the contract dataclasses, and atomic writes.

Artifacts are the only way stages talk, so they must be byte-identical for the same input:
sorted keys, stable list order (decided by the producer), a trailing newline, and a temp file
renamed into place so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from decompose.errors import DecomposeError, SchemaError

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """Turn contract dataclasses into plain JSON data (enums by value, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        encode = getattr(value, "__json__", None)
        if encode is not None:
            return encode()
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [to_data(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, float) and value == 0:
        return 0.0  # -0.0 (a sum's sign can depend on hash order) must not change the bytes
    return value


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a contract dataclass (recursively) from plain JSON data, checking shapes."""
    return typing.cast(T, _decode(cls, data, cls.__name__))


def _decode(hint: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _decode(arg, data, where)
            except SchemaError as exc:
                errors.append(str(exc))
        raise SchemaError(f"{where}: no variant of {hint} fits: {'; '.join(errors)}")
    if origin is tuple:
        args = typing.get_args(hint)
        _expect(data, list, where)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
        return tuple(_decode(a, item, f"{where}[{i}]") for i, (a, item) in
                     enumerate(zip(args, data, strict=True)))
    if origin in (dict, Mapping, typing.Mapping) or hint in (dict, Mapping):
        _expect(data, dict, where)
        args = typing.get_args(hint) or (str, Any)
        return {_decode(args[0], k, where): _decode(args[1], v, f"{where}.{k}")
                for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        decode = getattr(hint, "__from_json__", None)
        if decode is not None and not isinstance(data, dict):
            return decode(data)
        _expect(data, dict, where)
        hints = typing.get_type_hints(hint)
        kwargs = {}
        for f in dataclasses.fields(hint):
            if not f.init:
                continue
            if f.name in data:
                kwargs[f.name] = _decode(hints[f.name], data[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SchemaError(f"{where}: missing key {f.name!r}")
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(data)
        except ValueError:
            raise SchemaError(f"{where}: {data!r} is not a {hint.__name__}") from None
    if hint is float:
        _expect(data, int | float, where)
        return float(data)
    if isinstance(hint, type):
        _expect(data, hint, where)
    return data


def _expect(data: Any, kind: Any, where: str) -> None:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise SchemaError(f"{where}: expected {getattr(kind, '__name__', kind)}, got {data!r}")


def dumps(value: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(to_data(value), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a sibling temp file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(tmp).chmod(0o644)  # mkstemp's 0600 would hide reports from the rest of the team
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, value: Any) -> None:
    write_text_atomic(path, dumps(value))


def read_json(path: Path, cls: type[T], *, schema_version: int,
              upgrade: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> T:
    """Load a versioned artifact, refusing versions this release does not know; ``upgrade``
    brings an older version it still reads into the current shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DecomposeError("file not found", path=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SchemaError(f"not valid JSON ({exc})", path=path, line=line) from None
    if upgrade is not None and isinstance(data, dict):
        data = upgrade(data)
    found = data.get("schema_version") if isinstance(data, dict) else None
    if found != schema_version:
        raise SchemaError(f"schema_version {found!r} is not supported (expected "
                          f"{schema_version})", path=path)
    try:
        return from_data(cls, data)
    except SchemaError as exc:
        raise SchemaError(exc.message, path=path) from None


@contextlib.contextmanager
def atomic_directory(final: Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield a temp folder beside ``final``; on success it replaces ``final`` in one rename.

    On any error the temp folder is removed and ``final`` is left as it was, and so are the
    folders above it: those made for it are removed again (a refused extraction leaves no
    empty ``services/``).
    """
    final = final.resolve()
    made = [parent for parent in final.parents if not parent.exists()]
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise
    old = None
    if final.exists():
        if not replace:
            shutil.rmtree(staging, ignore_errors=True)
            raise DecomposeError("output exists", path=final)
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
