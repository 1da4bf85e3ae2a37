"""The project's own Python environment: where its installed packages are read from.

Third-party bases and fields (``taggit``, simple-history, treenode) decide models and
relations, so they are read from the environment the project runs in, found the way type
checkers and the tools themselves find it: ``--python``, ``$VIRTUAL_ENV``, ``.venv``/``venv``
at the root, then Poetry's, Pipenv's or uv's environment for the project; decompose's own
environment only as the last resort. The interpreter is only asked for its ``sys.path``
(isolated mode: nothing of the project is imported).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from decompose.errors import ProjectNotFound
from decompose.modules import default_site_paths
from decompose.serialize import write_text_atomic

_ASK_SYS_PATH = "import json, sys; print(json.dumps(sys.path))"
_TIMEOUT = 30
OWN = "decompose's own environment"
METADATA_SUFFIXES = (".dist-info", ".egg-info")  # installed distributions' metadata


@dataclass(frozen=True)
class Environment:
    """The search path third-party modules are read from, and how it was found."""

    site_paths: tuple[Path, ...]
    origin: str  # e.g. "--python /srv/app/bin/python", ".venv", "poetry", OWN


def find_environment(root: Path, python: Path | None = None,
                     cache: Path | None = None) -> Environment:
    """The project's environment; ``python`` (``--python``) wins and must work. ``cache``:
    a folder where the interpreter's answer is kept while nothing it depends on changed."""
    if python is not None:
        return Environment(interpreter_path(python, cache), f"--python {python}")
    for origin, candidate in _candidates(root):
        if candidate is not None and candidate.is_file():
            return Environment(interpreter_path(candidate, cache), origin)
    return Environment(default_site_paths(), OWN)


def _candidates(root: Path) -> Iterator[tuple[str, Path | None]]:
    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env:
        yield "$VIRTUAL_ENV", _python_in(Path(virtual_env))
    uv_env = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if uv_env and (root / "uv.lock").is_file():
        yield "uv", _python_in(root / uv_env)
    for name in (".venv", "venv"):
        yield name, _python_in(root / name)
    if (root / "poetry.lock").is_file() or _mentions(root / "pyproject.toml", "[tool.poetry"):
        yield "poetry", _tool_environment(["poetry", "env", "info", "--path"], root)
    if (root / "Pipfile").is_file():
        yield "pipenv", _tool_environment(["pipenv", "--venv"], root)


def markers(root: Path, python: Path | None) -> list[Path]:
    """The files whose presence or content decide what ``find_environment`` answers for
    ``root`` (besides Poetry's and Pipenv's own configuration, which they are asked for)."""
    found = [root / name for name in ("uv.lock", "poetry.lock", "pyproject.toml", "Pipfile")]
    found += [_python_in(root / name) for name in (".venv", "venv")]
    found += [_python_in(Path(v)) for v in (os.environ.get("VIRTUAL_ENV"),) if v]
    found += [_python_in(root / v) for v in (os.environ.get("UV_PROJECT_ENVIRONMENT"),) if v]
    return [*found, *([python] if python is not None else [])]


def _python_in(env: Path) -> Path:
    return env / "bin" / "python"


def _mentions(path: Path, text: str) -> bool:
    try:
        return text in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _tool_environment(command: list[str], root: Path) -> Path | None:
    """Ask Poetry or Pipenv where the project's environment is (they may keep it outside)."""
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return _python_in(Path(path)) if done.returncode == 0 and path else None


def interpreter_path(python: Path, cache: Path | None = None) -> tuple[Path, ...]:
    """``sys.path`` of another interpreter, asked in isolated mode (``-I``); remembered in
    ``cache`` while the interpreter and every folder of its answer keep their mtime (an
    install or a new ``.pth`` file changes its site-packages folder)."""
    memo = cache / f"python-{hashlib.sha1(str(python).encode()).hexdigest()[:12]}.json" \
        if cache is not None else None
    known = _remembered(memo, python)
    if known is not None:
        return known
    found = _ask_sys_path(python)
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(memo, json.dumps(_stamps(python, found)) + "\n")
    return found


def _stamps(python: Path, paths: tuple[Path, ...]) -> list[list[object]] | None:
    stamps: list[list[object]] = []
    for path in (python, *paths):
        try:
            stamps.append([str(path), path.stat().st_mtime_ns])
        except OSError:
            return None
    return stamps


def _remembered(memo: Path | None, python: Path) -> tuple[Path, ...] | None:
    try:
        stamps = json.loads(memo.read_text(encoding="utf-8")) if memo else None
    except (OSError, ValueError):
        return None
    if not stamps or stamps[0][0] != str(python):
        return None
    paths = tuple(Path(p) for p, _ in stamps[1:])
    return paths if _stamps(python, paths) == stamps else None


def _ask_sys_path(python: Path) -> tuple[Path, ...]:
    try:
        done = subprocess.run([str(python), "-I", "-c", _ASK_SYS_PATH], capture_output=True,
                              text=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProjectNotFound(f"cannot run the interpreter ({exc})", path=python) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProjectNotFound(f"the interpreter failed: {last}", path=python)
    try:
        paths = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise ProjectNotFound("the interpreter did not print its sys.path", path=python) from None
    return tuple(Path(p) for p in paths if p and Path(p).is_dir())


def fingerprint(site_paths: tuple[Path, ...]) -> str:
    """The installed distributions and their versions (``name-version.dist-info``), in search
    path order: installing, removing or upgrading a package changes it."""
    digest = hashlib.sha1()
    for root in site_paths:
        digest.update(f"{root}\0".encode())
        for name in metadata_folders(root):
            digest.update(f"{name}\0".encode())
    return digest.hexdigest()[:12]


def metadata_folders(root: Path) -> list[str]:
    """The installed distributions' metadata folders in one search path entry, sorted."""
    try:
        names = sorted(os.listdir(root))  # noqa: PTH208 (names only: cheap)
    except OSError:
        return []
    return [name for name in names if name.endswith(METADATA_SUFFIXES)]
