"""One registry pattern for the plug-in units of every stage: analyzer collectors, extractor
codemods, strangler backends.

A unit registers itself where it is defined (a decorator in its own module), and the registry
finds the units by importing every module of its package the first time it is asked, so adding
a unit is adding a file. Having loaded the package is tracked apart from having entries: a unit
module imported early (``import strangler.backends.haproxy``) must not hide the others.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """The units of one package, by unique name."""

    def __init__(self, package: str) -> None:
        self.package = package
        self._units: dict[str, T] = {}
        self._loaded = False

    def add(self, name: str, unit: T) -> T:
        """Register ``unit`` under ``name``; a second unit of the same name is a bug."""
        if not name or name in self._units:
            raise ValueError(f"{self.package}: a unit needs a unique name, not {name!r}")
        self._units[name] = unit
        return unit

    def units(self) -> dict[str, T]:
        """Every unit of the package by name, sorted by name (modules imported once)."""
        if not self._loaded:
            package = importlib.import_module(self.package)
            for info in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{self.package}.{info.name}")
            self._loaded = True
        return dict(sorted(self._units.items()))
