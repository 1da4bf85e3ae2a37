"""The versions the monolith pins, read from its dependency files (never from an interpreter).

The service must run the Django and library versions the monolith runs, or moved code meets an
API it was not written for. Whichever files the monolith uses are read: a lock (``uv.lock``,
``poetry.lock``, ``Pipfile.lock``) says the exact version installed and wins; otherwise the
declared specifier (pip requirements files with their ``-r``/``-c`` includes, pyproject's
``[project] dependencies`` or Poetry's table, a Pipfile's ``[packages]``). Each pin keeps
where it was read, for EXTRACTION.md.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from decompose.errors import CannotExtract, DecomposeError
from extractor.requirements_files import PIP_FILES, declarations_folder, distribution

_WRITTEN = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*\(?([^;)]*)")
_INCLUDE = re.compile(r"^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)")
# The skeleton's libraries whose releases follow Django's series, by the Django they serve
# (their release notes): DRF 3.15.0 and 3.15.1 are the last for Django < 4.2, 3.18 dropped
# 4.2 to 5.1, 3.17 is the first released after Django 6.0; Django supports psycopg 3 from 4.2,
# psycopg2 before it. Applied when the monolith pins Django but not the library.
_FOR_DJANGO: tuple[tuple[str, str], ...] = (
    ("<4.2", "djangorestframework>=3.15,<3.15.2"),
    ("<4.2", "psycopg2-binary>=2.9,<3"),
    (">=4.2,<5.2", "djangorestframework>=3.15.2,<3.18"),
    (">=6.0", "djangorestframework>=3.17,<4"),
)
# What a line of _FOR_DJANGO takes the place of, and the names a monolith may pin it under.
_TAKES_PLACE_OF = {"psycopg2-binary": "psycopg"}
_PINNED_AS = {"psycopg2-binary": ("psycopg2-binary", "psycopg2")}
# Django versions a specifier is tried against: every patch release number of each series.
_DJANGO_VERSIONS = tuple(Version(f"{major}.{minor}.{patch}") for major in range(1, 10)
                         for minor in range(3) for patch in range(100))


@dataclass(frozen=True)
class Pin:
    """A distribution's version specifier in the monolith and the ``path[:line]`` it is from."""

    distribution: str  # PEP 503 normalised name
    specifier: str  # "==4.2.11", ">=4.2,<5"
    origin: str


@dataclass(frozen=True)
class ServiceRequirement:
    """A line of the service's dependencies and why it reads so (a monolith pin, or ours)."""

    requirement: str
    origin: str  # "requirements.txt:1", "poetry.lock"; "" when the monolith pins nothing
    # the monolith's Django pin this range was chosen for ("" when it is the skeleton's own)
    for_django: str = ""


def monolith_pins(root: Path) -> dict[str, Pin]:
    """Every pin of the monolith by distribution; a locked version beats a declared range
    (read where the monolith declares its dependencies: its root, or its repository's)."""
    root = (root / declarations_folder(root)).resolve()
    pins: dict[str, Pin] = {}
    for pin in (*_declared(root), *_locked(root)):
        if pin.specifier:
            pins[pin.distribution] = pin
    return pins


def service_requirements(pins: dict[str, Pin], wanted: tuple[str, ...]
                         ) -> tuple[ServiceRequirement, ...]:
    """``wanted`` with the monolith's specifier where it pins the distribution (our extras
    and markers kept): ``psycopg[binary]>=3.2,<4`` -> ``psycopg[binary]==3.1.18``; a
    distribution wanted twice is kept once, first come. Where the monolith pins Django only,
    the libraries following Django's series take the releases that serve its Django."""
    found = []
    seen = set()
    chosen = for_django(pins.get("django"), wanted)
    for line in chosen:
        requirement = Requirement(line)
        if distribution(requirement.name) in seen:
            continue
        seen.add(distribution(requirement.name))
        pin = next((pins[name] for name in _PINNED_AS.get(distribution(requirement.name), (
            distribution(requirement.name),)) if name in pins), None)
        if pin is not None and pin.distribution != distribution(requirement.name):
            found.append(ServiceRequirement(f"{pin.distribution}{pin.specifier}", pin.origin))
            continue
        if pin is None:
            found.append(ServiceRequirement(line, "", "" if line in wanted else (
                f"{pins['django'].specifier} at {pins['django'].origin}")))
            continue
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        marker = f"; {requirement.marker}" if requirement.marker else ""
        found.append(ServiceRequirement(f"{requirement.name}{extras}{pin.specifier}{marker}",
                                        pin.origin))
    return tuple(found)


def for_django(pin: Pin | None, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """``wanted`` with each library of ``_FOR_DJANGO`` at the releases serving the newest Django
    the pin admits (what a resolver installs); unchanged when the monolith pins no Django."""
    admitted = _specifier(pin)
    if admitted is None:
        return wanted
    newest = max((v for v in _DJANGO_VERSIONS if v in admitted), default=None)
    chosen = {} if newest is None else {
        _TAKES_PLACE_OF.get(distribution(Requirement(line).name),
                            distribution(Requirement(line).name)): line
        for django, line in _FOR_DJANGO if newest in SpecifierSet(django)}
    return tuple(chosen.get(distribution(Requirement(line).name), line) for line in wanted)


def check_django(pins: dict[str, Pin], supported: str) -> None:
    """Refuse, before anything is written, a monolith whose Django pin admits no version of
    ``supported`` (decompose-runtime's range): the service and the bridge could not run."""
    pin = pins.get("django")
    admitted, runtime = _specifier(pin), SpecifierSet(supported)
    if pin is not None and admitted is not None and not any(
            v in admitted and v in runtime for v in _DJANGO_VERSIONS):
        path, _, line = pin.origin.partition(":")
        raise CannotExtract(
            f"the monolith pins Django {pin.specifier}, outside what decompose-runtime supports "
            f"(Django {_lower_first(runtime)}): the service and the bridge run the monolith's "
            "Django; upgrade Django into that range first",
            path=path, line=int(line) if line else None)


def _lower_first(specifier: SpecifierSet) -> str:
    """``>=3.2,<6.1`` as people write it (packaging sorts ``<6.1,>=3.2``)."""
    return ",".join(sorted(map(str, specifier), key=lambda s: not s.startswith(">")))


def _specifier(pin: Pin | None) -> SpecifierSet | None:
    try:
        return SpecifierSet(pin.specifier) if pin else None
    except InvalidSpecifier:
        return None  # a specifier pip would not take either: left for uv to report


def _declared(root: Path) -> Iterator[Pin]:
    pip = next((name for name in PIP_FILES if (root / name).is_file()), None)
    if pip:
        yield from _pip_file(root, root / pip, set())
    pyproject = _toml(root, "pyproject.toml")
    for line in pyproject.get("project", {}).get("dependencies", []):
        yield from _pin(line, "pyproject.toml")
    poetry = pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, value in poetry.items():
        if name.lower() != "python":
            yield Pin(distribution(name), _poetry_specifier(value), "pyproject.toml")
    for name, value in _toml(root, "Pipfile").get("packages", {}).items():
        version = value.get("version", "*") if isinstance(value, dict) else value
        yield Pin(distribution(name), "" if version == "*" else str(version), "Pipfile")


def _pip_file(root: Path, path: Path, seen: set[Path]) -> Iterator[Pin]:
    """A requirements file and the files it includes (``-r``, ``-c``), each read once."""
    if path in seen or not path.is_file():
        return
    seen.add(path)
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    for number, line in _logical_lines(path.read_text(encoding="utf-8")):
        include = _INCLUDE.match(line)
        if include:
            yield from _pip_file(root, (path.parent / include.group(1)).resolve(), seen)
        elif line and not line.startswith(("#", "-")):
            yield from _pin(line.split(" --")[0], f"{name}:{number}")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined, comments dropped."""
    start, parts = 0, []
    for number, raw in enumerate(text.splitlines(), start=1):
        start = start or number
        parts.append(raw.rstrip("\\"))
        if not raw.endswith("\\"):
            yield start, " ".join(parts).split(" #")[0].strip()
            start, parts = 0, []


def _pin(line: str, origin: str) -> Iterator[Pin]:
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return  # a URL or VCS line: nothing a version can be read from
    written = _WRITTEN.match(line)
    if requirement.url is None and written:  # the specifier as written, not reordered
        yield Pin(distribution(requirement.name), "".join(written.group(1).split()), origin)


def _poetry_specifier(value: object) -> str:
    """Poetry's ``^4.2`` -> ``>=4.2,<5``, ``~4.2`` -> ``>=4.2,<4.3``, ``4.2.1`` -> ``==4.2.1``."""
    text = str(value.get("version", "*") if isinstance(value, dict) else value).strip()
    if text in ("", "*"):
        return ""
    if text[0] in "^~" and re.fullmatch(r"[\d.]+", text[1:]):
        parts = [int(p) for p in text[1:].split(".")]
        if text[0] == "^":
            first = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
        else:
            first = min(1, len(parts) - 1)
        upper = [*parts[:first], parts[first] + 1]
        return f">={text[1:]},<{'.'.join(map(str, upper))}"
    return f"=={text}" if re.fullmatch(r"[\d.]+", text) else text.replace(" ", "")


def _locked(root: Path) -> Iterator[Pin]:
    for name in ("uv.lock", "poetry.lock"):
        for package in _toml(root, name).get("package", []):
            source = package.get("source", {})
            if "version" in package and not {"editable", "virtual"} & set(source):
                yield Pin(distribution(package["name"]), f"=={package['version']}", name)
    path = root / "Pipfile.lock"
    if path.is_file():
        try:
            locked = json.loads(path.read_text(encoding="utf-8")).get("default", {})
        except ValueError as error:
            raise DecomposeError(f"cannot read: {error}", path="Pipfile.lock") from None
        for package, entry in locked.items():
            if isinstance(entry, dict) and entry.get("version"):
                yield Pin(distribution(package), entry["version"], "Pipfile.lock")


def _toml(root: Path, name: str) -> dict:
    path = root / name
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DecomposeError(f"cannot read: {error}", path=name) from None
