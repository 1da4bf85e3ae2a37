"""The service's lock file: ``uv lock`` writes ``uv.lock``, ``uv lock --check`` verifies it.

uv is a standard tool whose lock covers every platform and records each file's hash; the
service's CI and Dockerfile install with ``uv sync --locked``, which refuses a lock that no
longer matches pyproject.toml. decompose-runtime is on no public index, so it is locked as a
path source (``vendor/decompose-runtime``, see ``extractor.runtime``) rather than pretended to
come from one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from uv import find_uv_bin

from decompose.errors import DecomposeError

LOCK_FILE = "uv.lock"
TIMEOUT = 300
_DRAWING = " \u2570\u2500\u25b6\u00d7"  # how uv's error tree is drawn: not the message


class LockError(DecomposeError):
    """uv could not resolve the service's dependencies (a conflict, an unknown version)."""


def uv(*args: str, cwd: Path, env: dict[str, str] | None = None,
       timeout: int = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run the uv that ships with decompose (a dependency of it), never one found by chance."""
    return subprocess.run([find_uv_bin(), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False,
                          env={**os.environ, "UV_NO_PROGRESS": "1", **(env or {})})


def lock(service: Path, python: str, previous: Path | None = None) -> None:
    """Write ``service/uv.lock`` with ``python`` (the monolith's: a distribution built to read
    its metadata is built there, never with an interpreter uv would download); a resolution
    failure is one line naming what conflicts. ``previous``, the lock of the service this one
    replaces, is where uv starts from: it keeps the versions that still satisfy pyproject.toml,
    as ``uv lock`` does in a project, so extracting again upgrades nothing behind the team's
    back (``uv lock --upgrade`` does that) and gives the same lock whatever the index has
    published since. A previous lock uv cannot read is left aside."""
    if previous is not None and previous.is_file():
        shutil.copyfile(previous, service / LOCK_FILE)
        if _run_lock(service, python).returncode == 0:
            return
        (service / LOCK_FILE).unlink(missing_ok=True)
    done = _run_lock(service, python)
    if done.returncode:
        raise LockError("uv lock cannot resolve the service's dependencies (pyproject.toml, at "
                        f"the monolith's pins): {_reason(done.stderr)}", path=LOCK_FILE)


def _run_lock(service: Path, python: str) -> subprocess.CompletedProcess[str]:
    try:
        return uv("lock", "--quiet", "--python", python, cwd=service,
                  env={"UV_PYTHON_DOWNLOADS": "never"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LockError(f"cannot run uv lock: {exc}", path=LOCK_FILE) from None


def _reason(stderr: str) -> str:
    """uv explains a conflict over several lines, the conclusion last: joined into one."""
    lines = [line.strip(_DRAWING) for line in stderr.splitlines() if line.strip()]
    hints = [line for line in lines if not line.startswith(("hint:", "Using "))]
    return " ".join(" ".join(hints).split()) or "no output"
