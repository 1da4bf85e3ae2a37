"""Collectors: one module per kind of coupling, each registered where it is defined.

A collector has two halves. ``extract`` reads one parsed file and returns picklable facts
(cached per file content); ``resolve`` runs once over the facts of every file and contributes
models, app-level edges, URL routes, write scopes and diagnostics. Collectors of a lower
``phase`` resolve first (models before the couplings that need to know what a model is).
A collector whose ``resolve`` reads only the project's own modules sets ``own_only``: modules
outside the project (installed packages read for their models and names) skip its extraction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from analyzer.contribution import Contribution
from decompose.registry import Registry

if TYPE_CHECKING:
    from analyzer.facts import ParsedModule
    from analyzer.resolution import Resolution


class Collector:
    """Base class; subclasses set ``name`` (and ``phase``) and are registered by decorator."""

    name: ClassVar[str]
    phase: ClassVar[int] = 1
    own_only: ClassVar[bool] = False

    def extract(self, parsed: ParsedModule) -> tuple[Any, ...]:
        return ()

    def resolve(self, resolution: Resolution) -> Contribution:
        return Contribution()


_REGISTRY: Registry[Collector] = Registry(__name__)


def collector(cls: type[Collector]) -> type[Collector]:
    """Class decorator: register one instance of the collector under its name."""
    _REGISTRY.add(cls.name, cls())
    return cls


def collectors() -> tuple[Collector, ...]:
    """Every collector in this package, in resolution order."""
    return tuple(sorted(_REGISTRY.units().values(), key=lambda c: (c.phase, c.name)))
