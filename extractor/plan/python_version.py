"""The project's Python: the version the service runs, and the grammar its modules are read with.

decompose runs on Python 3.11; a monolith on 3.12 may hold code 3.11 cannot parse (a backslash
in an f-string expression). The service runs the Python of the monolith's environment that the
analyzer read (where the service is checked too); without one, the version the project declares
(``.python-version``, pyproject's ``requires-python``, its Dockerfile's ``FROM python:X.Y``).
Its moved modules are valid when the newest Python the project runs or declares parses them.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from decompose.errors import CannotExtract
from extractor.plan.environment import MonolithEnvironment

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
_VERSION = re.compile(r"(3\.\d+)")
_FROM_PYTHON = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?:\S+/)?python:(3\.\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class ProjectPython:
    """The service's Python (``version``, read at ``origin``) and the grammar of the newest
    Python the project runs or declares (``newest``)."""

    version: str = RUNNING  # "3.12"
    origin: str = "decompose's own Python"  # ".python-version:1", "Dockerfile:1", a venv
    newest: str = RUNNING


def project_python(root: Path, environment: MonolithEnvironment,
                   supported: str = ">=3.11") -> ProjectPython:
    """The project's Python; refused, naming where it was read, when decompose-runtime
    (``supported``) does not run on it."""
    found = [*_interpreter(environment), *_declared(root)]
    if not found:
        return ProjectPython()
    version, origin = found[0]
    if version not in SpecifierSet(supported):
        raise CannotExtract(
            f"the project runs Python {version}, and decompose-runtime needs Python "
            f"{supported}: analyze the project with a newer interpreter (--python)",
            path=origin.partition(":")[0], line=_line(origin))
    newest = max((v for v, _ in found), key=lambda v: tuple(map(int, v.split("."))))
    return ProjectPython(version, origin, newest)


def _interpreter(environment: MonolithEnvironment) -> Iterator[tuple[str, str]]:
    for site in environment.site_paths:  # <venv>/lib/python3.12/site-packages
        version = re.fullmatch(r"python(3\.\d+)", site.parent.name)
        if version:
            yield version.group(1), str(environment.python or site)
            return


def _declared(root: Path) -> Iterator[tuple[str, str]]:
    pinned = root / ".python-version"
    if pinned.is_file():
        for number, line in enumerate(pinned.read_text(encoding="utf-8").splitlines(), 1):
            version = _VERSION.search(line)
            if version and not line.lstrip().startswith("#"):
                yield version.group(1), f".python-version:{number}"
                break
    yield from _requires_python(root)
    dockerfile = root / "Dockerfile"
    if dockerfile.is_file():
        for number, line in enumerate(dockerfile.read_text(encoding="utf-8").splitlines(), 1):
            image = _FROM_PYTHON.match(line)
            if image:
                yield image.group(1), f"Dockerfile:{number}"
                break


def _requires_python(root: Path) -> Iterator[tuple[str, str]]:
    """The oldest Python 3 minor version pyproject's ``requires-python`` (or Poetry's
    ``python``) admits."""
    try:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    written = pyproject.get("project", {}).get("requires-python") or (
        pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python"))
    if not isinstance(written, str):
        return
    try:
        admitted = SpecifierSet(written)
    except InvalidSpecifier:  # Poetry's ^3.11: its first version is the oldest
        first = _VERSION.search(written)
        if first:
            yield first.group(1), "pyproject.toml"
        return
    oldest = next((f"3.{minor}" for minor in range(30) if f"3.{minor}.99" in admitted), None)
    if oldest:
        yield oldest, "pyproject.toml"


def _line(origin: str) -> int | None:
    line = origin.rpartition(":")[2]
    return int(line) if line.isdigit() else None
