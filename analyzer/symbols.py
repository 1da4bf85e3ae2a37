"""The facts name binding reads: what an import or a module-level assignment binds.

Collected by ``analyzer.collectors.imports``; defined here, below ``analyzer.names``, so that
the core that follows names never depends on a collector.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportFact:
    """``import module`` (``name`` None) or ``from module import name``; ``bound`` is the
    local name (None when nested inside a function, where it binds nothing module-wide)."""

    module: str
    name: str | None
    bound: str | None
    line: int


@dataclass(frozen=True)
class AssignFact:
    """A module-level ``NAME = ...`` whose meaning later phases can use.

    kind: "alias" (a dotted name), "const" (a string), "setting" (a settings attribute),
    "model" (a model label from get_model), "class" (get_class(module, name)), "instance"
    (``Class:keyword`` of a constructor ``analyzer.startup`` knows, e.g. ``Hierarkey``).
    """

    name: str
    kind: str
    value: str
    line: int
