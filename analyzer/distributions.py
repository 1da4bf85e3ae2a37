"""Installed packages that cannot define a model, a field or a signal: never parsed.

Following names from a project's code leads into every library it imports (a PDF toolkit, a
payment SDK, an image library): on pretix 5 MB of installed source, more than half of it in
distributions that do not use Django at all. Code that knows nothing of Django defines no
model, field, manager, signal or URLconf, so those packages are told apart without importing
or parsing anything: first from their distributions' metadata (``Requires-Dist``,
``requires.txt``, classifiers, the files ``importlib.metadata`` reads), then, since many Django
packages leave Django out of their requirements, from their source bytes.

A distribution can hold Django code when it is Django, requires it (an optional extra counts),
always requires such a distribution, or names Django in its name or classifiers. A top-level
package holds no Django code when a distribution of none of these kinds ships it, no installed
app lives in it, and none of its files imports ``django`` (a line starting with
``from``/``import`` that names it); a namespace package is judged per portion. A package no
metadata claims and the project's own packages are read as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analyzer.environment import metadata_folders
from decompose.modules import ModuleIndex

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DJANGO = "django"
_SCAN_LIMIT = 16 * 1024 * 1024  # bytes of a package's source searched for a Django import


@dataclass(frozen=True)
class Distribution:
    """What the metadata of one installed distribution says."""

    name: str  # normalised
    requires: frozenset[str]  # normalised names of what it always requires
    names_django: bool  # requires Django (also through an extra) or says it is for Django
    folder: Path  # its .dist-info or .egg-info folder


class DjangoFree:
    """The installed packages that hold no Django code: ``name in free`` for a dotted name
    says whether it lies in one. Each package's source is checked on first use only, for the
    few packages resolution reaches, and the metadata is read only when a package's source
    imports no Django; a namespace package (``google``) is judged per portion
    (``google.protobuf``)."""

    def __init__(self, index: ModuleIndex, site_paths: Iterable[Path], apps: Iterable[str]):
        self._index = index
        self._site_paths = tuple(site_paths)
        self._apps = frozenset(app.partition(".")[0] for app in apps)
        self._candidates: frozenset[str] | None = None
        self._known: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        top, _, rest = name.partition(".")
        if top in self._apps:
            return False
        package = top if rest == "" or self._index.find(top) is not None else (
            f"{top}.{rest.partition('.')[0]}")
        found = self._known.get(package)
        if found is None:  # Django's packages import it in their first files: a quick no
            module = self._index.find(package)
            found = self._known[package] = (
                module is not None and not self._index.is_own(module)
                and not _imports_django(module.path.parent if module.is_package
                                        else module.path)
                and top in self._undeclared())
        return found

    def _undeclared(self) -> frozenset[str]:
        if self._candidates is None:
            self._candidates = _undeclared(self._site_paths)
        return self._candidates


def _undeclared(site_paths: Iterable[Path]) -> frozenset[str]:
    """Top-level import names shipped by distributions whose metadata is unrelated to
    Django. A namespace package that a Django distribution shares is never found as one
    package, and the source check catches a package shared otherwise."""
    found = list(_distributions(site_paths))
    aware = {d.name for d in found if _DJANGO in d.name or d.names_django}
    grown = True
    while grown:  # always requiring a Django-aware distribution makes one aware too
        before = len(aware)
        aware.update(d.name for d in found if d.requires & aware)
        grown = len(aware) != before
    return frozenset(p for d in found if d.name not in aware for p in _packages(d.folder))


def _imports_django(location: Path) -> bool:
    """Whether a file under ``location`` has an import line naming ``django`` (read as
    bytes: a search per file, no parse; comments and strings that mention it do not count).
    A package larger than ``_SCAN_LIMIT`` counts as Django code unread: checking it could
    cost more than parsing the few of its modules name resolution reaches."""
    files = [location] if location.is_file() else (
        Path(folder, name) for folder, _, names in os.walk(location)
        for name in names if name.endswith(".py"))
    scanned = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        scanned += len(data)
        if scanned > _SCAN_LIMIT:
            return True
        at = data.find(b"django")
        while at >= 0:
            line = data[data.rfind(b"\n", 0, at) + 1:at].lstrip()
            if line.startswith((b"from ", b"import ")):
                return True
            at = data.find(b"django", at + 6)
    return False


def _distributions(site_paths: Iterable[Path]) -> Iterator[Distribution]:
    for root in site_paths:
        for entry in metadata_folders(root):
            found = _read(root / entry)
            if found is not None:
                yield found


def _read(folder: Path) -> Distribution | None:
    egg = folder.name.endswith(".egg-info")
    headers = _headers(folder / ("PKG-INFO" if egg else "METADATA"))
    name = None
    requires: set[str] = set()
    names_django = False
    for line in headers.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Name":
            name = value
        elif key == "Requires-Dist":
            required = _requirement(value)
            names_django = names_django or required == _DJANGO
            if required and "extra" not in value.partition(";")[2]:
                requires.add(required)
        elif key == "Classifier" and value.startswith("Framework :: Django"):
            names_django = True
    if egg:  # requires.txt: unconditional lines first, then one [section] per extra
        always = True
        for line in _text(folder / "requires.txt").splitlines():
            always = always and not line.startswith("[")
            required = _requirement(line)
            names_django = names_django or required == _DJANGO
            if required and always:
                requires.add(required)
    if name is None:
        return None
    return Distribution(_normalise(name), frozenset(requires), names_django, folder)


def _requirement(text: str) -> str | None:
    match = _NAME.match(text.strip())
    return _normalise(match.group()) if match else None


def _packages(folder: Path) -> Iterator[str]:
    """Top-level import names: ``top_level.txt``, else the first part of each installed file
    in ``RECORD`` (wheels built by newer backends ship no ``top_level.txt``)."""
    listed = _text(folder / "top_level.txt")
    if listed:
        yield from (line.strip().replace("/", ".").partition(".")[0]
                    for line in listed.splitlines() if line.strip())
        return
    for line in _text(folder / "RECORD").splitlines():
        first = line.partition(",")[0].partition("/")
        top = first[0].removesuffix(".py") if first[1] or first[0].endswith(".py") else ""
        if top.isidentifier():
            yield top


def _headers(path: Path) -> str:
    """The header block of a metadata file (the long description after it can be large)."""
    text = ""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            while "\n\n" not in text:
                chunk = handle.read(8192)
                if not chunk:
                    break
                text += chunk
    except OSError:
        return ""
    return text.partition("\n\n")[0]


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
