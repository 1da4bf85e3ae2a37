"""Entry points of the installed distributions, read from their ``entry_points.txt`` files.

Settings that install plugins loop over ``importlib.metadata.entry_points(group=...)``. The
analyzer must not import anything of the environment, so it reads the metadata files that
``importlib.metadata`` itself reads, in the same order: search path order, the first
distribution of a name wins.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from pathlib import Path

from analyzer.environment import metadata_folders
from analyzer.source import files_read


@dataclass(frozen=True)
class EntryPoint:
    """One ``name = module:attr`` line of a group, as ``importlib.metadata.EntryPoint``."""

    name: str
    value: str
    group: str

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attr(self) -> str:
        return self.value.partition(":")[2].partition("[")[0].strip()

    def attribute(self, name: str) -> str | None:
        """The attributes ``importlib.metadata`` and ``pkg_resources`` entry points have."""
        if name in ("name", "value", "group", "module", "attr"):
            return str(getattr(self, name))
        if name == "module_name":
            return self.module
        return None


def entry_points(roots: tuple[Path, ...], group: str) -> tuple[EntryPoint, ...]:
    """The group's entry points over every distribution found under ``roots``."""
    found: list[EntryPoint] = []
    for path in _distribution_files(roots):
        seen = files_read.get()
        if seen is not None:
            seen.add(path)
        found.extend(ep for ep in _parse(path) if ep.group == group)
    return tuple(found)


def _distribution_files(roots: tuple[Path, ...]) -> list[Path]:
    names: set[str] = set()
    files: list[Path] = []
    for root in roots:
        for entry in metadata_folders(root):
            name = _normalise(entry.rpartition(".")[0].split("-")[0])
            if name in names:
                continue
            names.add(name)
            path = root / entry / "entry_points.txt"
            if path.is_file():
                files.append(path)
    return files


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _parse(path: Path) -> tuple[EntryPoint, ...]:
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return ()
    return tuple(EntryPoint(name, value, group) for group in parser.sections()
                 for name, value in parser.items(group))
