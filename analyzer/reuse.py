"""A warm ``analyze`` reuses the previous proposal and reports when nothing they depend on
changed: the graph snapshot (rewritten by every run that recomputed the graph), the decompose
config, the command's options and the output files themselves (same size and mtime).

The record lives in the cache folder beside the snapshot, never in ``--out``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from decompose.serialize import write_text_atomic


def record_file(snapshot: Path | None, out: Path) -> Path | None:
    if snapshot is None:
        return None
    where = hashlib.sha1(str(out.resolve()).encode()).hexdigest()[:8]
    return snapshot.with_name(f"{snapshot.stem}-{where}.reports.json")


def inputs_digest(snapshot: Path | None, inputs: object) -> str | None:
    """The snapshot's identity plus everything else the outputs are computed from."""
    try:
        stat = snapshot.stat() if snapshot is not None else None
    except OSError:
        return None
    if stat is None:
        return None
    text = json.dumps([str(snapshot), stat.st_mtime_ns, stat.st_size, inputs], sort_keys=True,
                      default=str)
    return hashlib.sha1(text.encode()).hexdigest()


def reusable(record: Path | None, digest: str | None, out: Path) -> dict | None:
    """What the previous run remembered (``remember``'s ``facts``) when its outputs can
    stand, else None."""
    if record is None or digest is None:
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("digest") != digest or data.get("files") != _files(out):
        return None
    facts = data.get("facts")
    return facts if isinstance(facts, dict) else None


def remember(record: Path | None, digest: str | None, out: Path, facts: dict) -> None:
    """Store ``facts`` (plain JSON: what the summary shows) with the inputs' digest and the
    output files as they are now."""
    if record is None or digest is None:
        return
    write_text_atomic(record, json.dumps({"digest": digest, "files": _files(out),
                                          "facts": facts}, sort_keys=True) + "\n")


def _files(out: Path) -> list[list[object]]:
    try:
        entries = sorted(os.scandir(out), key=lambda e: e.name)
    except OSError:
        return []
    return [[e.name, e.stat().st_mtime_ns, e.stat().st_size] for e in entries if e.is_file()]
