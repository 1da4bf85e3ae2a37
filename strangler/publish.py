"""Render a target, validate it, and only then let it replace the files in place.

Staged files are written beside the output (same file system, so the final step is a rename)
and checked by the target's own validator first: a rejected config never reaches the proxy,
and the previous file stays untouched.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from decompose.serialize import write_text_atomic
from strangler.backends import Backend
from strangler.plan import CONFIG_HASH, ProxyPlan
from strangler.state import unified_diff


@dataclass(frozen=True)
class Published:
    """What a publish changed: files written, their diffs, and the validator's notes."""

    written: tuple[Path, ...]
    diffs: tuple[str, ...]
    warnings: tuple[str, ...]
    config_hash: str  # what the proxy's status location answers once it runs these files


def with_config_hash(backend: Backend, files: dict[str, str]) -> tuple[dict[str, str], str]:
    """The files with the hash of the main config in place of ``CONFIG_HASH``.

    Only the main file is hashed: HAProxy's weights map changes at run time without a reload,
    and its status answer reads the weights from the map itself.
    """
    hashed = files.get(backend.main_file) or "".join(files.values())
    digest = hashlib.sha256(hashed.encode()).hexdigest()[:12]
    return {name: text.replace(CONFIG_HASH, digest) for name, text in files.items()}, digest


def publish(backend: Backend, plan: ProxyPlan, out: Path) -> Published:
    files, digest = with_config_hash(backend, backend.render(plan))
    out.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{backend.name}-", suffix=".staged", dir=out))
    try:
        for name, text in files.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_text(text, encoding="utf-8", newline="\n")
        warnings = backend.validate(plan, staged)
        written, diffs = [], []
        for name, text in files.items():
            target = out / name
            old = target.read_text(encoding="utf-8") if target.is_file() else ""
            if old != text:
                write_text_atomic(target, text)
                written.append(target)
                diffs.append(unified_diff(old, text, name))
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return Published(tuple(written), tuple(diffs), tuple(warnings), digest)
