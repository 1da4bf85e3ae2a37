"""The warm-run fast path: the previous graph, reused while no file it was built from changed.

A snapshot records every file the run read (settings, ``apps.py``, sources, lazily loaded
modules) with its size and modification time, and the list of source files the walk found. If a
new walk finds the same files and none has a new size or mtime, the stored graph is the answer;
otherwise the run falls back to the per-file, content-hashed fact cache.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from decompose.model import ProjectGraph

Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Snapshot:
    source_root: Path
    app_dirs: tuple[tuple[Path, str], ...]  # external app directories and dotted names
    walked: tuple[str, ...]
    signature: Signature
    graph: ProjectGraph


def signature(paths: Iterable[Path]) -> Signature | None:
    out = []
    for path in sorted(set(paths)):
        try:
            stat = path.stat()
        except OSError:
            return None
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def load(path: Path | None) -> Snapshot | None:
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return found if isinstance(found, Snapshot) else None


def save(path: Path | None, snapshot: Snapshot) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as handle:
            pickle.dump(snapshot, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
