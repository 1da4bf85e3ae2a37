"""The warm-run fast path: the previous graph, reused while no file it was built from changed.

A snapshot records every file the run read (settings, ``apps.py``, sources, lazily loaded
modules) and every folder the source walk listed, each with its size and modification time. A
folder's mtime changes when an entry is added, removed or renamed in it, so when no folder and
no file has a new size or mtime, a new walk would find the same files and the stored graph is
the answer, without listing anything; otherwise the run falls back to the per-file,
content-hashed fact cache.
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
    folders: Signature  # every folder the source walk listed
    signature: Signature  # every file the run read
    graph: ProjectGraph


def signature(paths: Iterable[Path | str]) -> Signature | None:
    """(path, mtime, size) of each file, sorted; None if one is gone. One ``os.stat`` per
    file on plain strings: this is most of a warm run."""
    out = []
    for path in sorted({str(p) for p in paths}):
        try:
            stat = os.stat(path)  # noqa: PTH116
        except OSError:
            return None
        out.append((path, stat.st_mtime_ns, stat.st_size))
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
