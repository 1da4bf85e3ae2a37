"""The values the settings evaluator computes besides literals: classes, instances, functions.

Class-based settings (django-configurations' ``Configuration``, home-grown settings classes
loaded into the module by a call at its bottom) hold ``INSTALLED_APPS`` as a class attribute
or a ``@property`` building a list; these objects let the evaluator follow them statically.
"""

from __future__ import annotations

import ast
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from decompose.model import Location

Scope = MutableMapping[str, object]


class Unknown:
    """A value the static evaluator could not compute; remembers where it came from."""

    def __init__(self, location: Location | None, why: str):
        self.location = location
        self.why = why

    def __repr__(self) -> str:
        return f"Unknown({self.location}, {self.why})"


class EnvironReader(Unknown):
    """django-environ's ``environ.Env()``: what it reads stays unknown to the evaluator; a
    setting assigned ``env("NAME", default=...)`` is remembered as an environment read."""


@dataclass(frozen=True, eq=False)
class Origin:
    """Where a setting got its value: the assignment (``value`` its expression; None for a
    settings-class ``def``), and the environment variable it reads, if it reads one."""

    name: str
    location: Location
    value: ast.expr | None
    owner: str | None = None  # the settings class whose body assigns it
    included: bool = False  # in a file django-split-settings' include() runs
    environment: tuple[str, object, bool] | None = None  # (variable, default, has a default)


@dataclass(frozen=True, eq=False)
class Function:
    """A ``def`` of a settings module or class, with the module scope it runs in."""

    node: ast.FunctionDef
    path: Path
    package: str
    module_scope: Scope
    kind: str = "function"  # or "property", "classmethod", "staticmethod", "method"


@dataclass(eq=False)
class SettingsClass:
    """A class statement of a settings file: evaluated attributes, methods, bases."""

    name: str
    bases: tuple[SettingsClass, ...]
    external_bases: tuple[str, ...]  # bases not defined in the settings, as written
    namespace: dict[str, object] = field(default_factory=dict)
    methods: dict[str, Function] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)

    def mro(self) -> list[SettingsClass]:
        """Depth first, keeping a class's last occurrence: C3 for the usual diamonds."""
        order = [self, *(c for base in self.bases for c in base.mro())]
        return [c for i, c in enumerate(order) if c not in order[i + 1:]]

    def derives_from(self, name: str) -> bool:
        return any(b.rpartition(".")[2] == name for c in self.mro() for b in c.external_bases)

    def setting_names(self) -> list[str]:
        names = {n for c in self.mro() for n in (*c.namespace, *c.methods) if n.isupper()}
        return sorted(names)


@dataclass(frozen=True, eq=False)
class Instance:
    cls: SettingsClass


@dataclass(frozen=True, eq=False)
class Super:
    """``super()`` inside a method of ``owner``, bound to ``receiver``."""

    owner: SettingsClass
    receiver: Instance | SettingsClass


@dataclass(frozen=True, eq=False)
class Bound:
    function: Function
    owner: SettingsClass
    receiver: Instance | SettingsClass | None


@dataclass(frozen=True)
class SplitSettings:
    """``include``/``optional`` imported from ``split_settings.tools``."""

    name: str


@dataclass(frozen=True)
class Optional:
    pattern: object


@dataclass(frozen=True)
class AllEntryPoints:
    """``importlib.metadata.entry_points()`` without a group: ``.select(group=...)`` follows."""
