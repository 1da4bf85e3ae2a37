"""Name binding: what a name written in one module means, across the whole project.

Follows imports, aliases, re-exports in ``__init__`` modules and ``from x import *`` chains to
the module that defines a name, and maps modules to the installed app that owns them (longest
dotted-name prefix, as ``apps.get_containing_app_config`` does). Modules outside the parsed set
(an abstract base in a non-app package, a third-party field class) are parsed on first use.
It reads only ``analyzer.symbols``' and ``analyzer.classes``' facts, never a collector.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Container
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.classes import ClassFact
from analyzer.symbols import AssignFact, ImportFact

if TYPE_CHECKING:
    from analyzer.discovery import Project
    from analyzer.facts import FileFacts

# Django's own machinery is known by name; only its contrib apps are read as source.
_NEVER_LOADED = ("django.", "builtins", "typing", "collections", "__future__")

Binding = ImportFact | AssignFact | ClassFact


def known_by_name(module: str) -> bool:
    """Modules whose source is never read: Django's core, builtins and typing."""
    return module.startswith(_NEVER_LOADED) and not module.startswith("django.contrib.")


class Names:
    """Facts of every module (loaded on first use) and the name lookups over them."""

    def __init__(self, project: Project, files: dict[str, FileFacts], paths: dict[str, Path],
                 own: frozenset[str], load: Callable[[str], FileFacts | None],
                 inert: Container[str] = frozenset()):
        self.project = project
        self.inert = inert  # names in packages of no Django code (analyzer.distributions)
        self.files = files
        self.paths = paths
        self.own = own
        self._load = load
        self._apps = {a.name: a.label for a in project.apps}
        self._app_of: dict[str, str | None] = {}
        self._bindings: dict[str, dict[str, Binding]] = {}
        self._stars: dict[str, list[str]] = {}
        self._memo: dict[tuple[str, str], str | None] = {}
        self._active: set[tuple[str, str]] = set()
        self._missing: set[str] = set()
        self.cycles: set[str] = set()  # modules where following a name went in circles

    def app_of(self, dotted_name: str) -> str | None:
        """The label of the installed app whose package contains ``dotted_name``."""
        found = self._app_of.get(dotted_name, "")
        if found != "":
            return found
        label = self._apps.get(dotted_name)
        if label is None and "." in dotted_name:
            label = self.app_of(dotted_name.rpartition(".")[0])
        self._app_of[dotted_name] = label
        return label

    def facts(self, module: str) -> FileFacts | None:
        found = self.files.get(module)
        if found is not None or module in self._missing:
            return found
        if (known_by_name(module) or self.defines_no_django(module)
                or self._inside_plain_module(module)):
            self._missing.add(module)  # Django's core, a package of no Django code, or a
            return None  # name inside a plain module
        loaded = self._load(module)
        if loaded is None:
            self._missing.add(module)
            return None
        self.files[module] = loaded
        return loaded

    def defines_no_django(self, dotted_name: str) -> bool:
        """Whether the name lives in an installed package whose distribution knows nothing of
        Django: it is never read, and none of its classes is a model or a field."""
        return dotted_name in self.inert

    def _inside_plain_module(self, module: str) -> bool:
        """Whether the nearest known enclosing module is a file, not a package: then
        ``module`` is an attribute chain (``app.models.Order.objects``), never a module, and
        no search of the import path is needed to say so."""
        head = module
        while "." in head:
            head = head.rpartition(".")[0]
            path = self.paths.get(head)
            if path is not None:
                return path.name != "__init__.py"
        return False

    def bindings(self, module: str) -> dict[str, Binding]:
        """Module-level name -> the fact that binds it (last binding wins, as at run time)."""
        found = self._bindings.get(module)
        if found is not None:
            return found
        facts = self.facts(module)
        bound: list[tuple[int, str, Binding]] = []
        if facts is not None:
            for fact in facts.of("imports"):
                if isinstance(fact, ImportFact) and fact.bound and fact.name != "*":
                    bound.append((fact.line, fact.bound, fact))
                elif isinstance(fact, AssignFact):
                    bound.append((fact.line, fact.name, fact))
            for fact in facts.of("models"):
                if isinstance(fact, ClassFact):
                    bound.append((fact.line, fact.name, fact))
        result = {name: fact for _, name, fact in sorted(bound, key=lambda b: b[0])}
        self._bindings[module] = result
        return result

    def star_sources(self, module: str) -> list[str]:
        """Modules ``module`` star-imports (memoised: every name it does not bind asks)."""
        found = self._stars.get(module)
        if found is None:
            found = self._stars[module] = self._star_imports(module)
        return found

    def _star_imports(self, module: str) -> list[str]:
        facts = self.facts(module)
        if facts is None:
            return []
        return [f.module for f in facts.of("imports")
                if isinstance(f, ImportFact) and f.name == "*" and f.bound]

    def resolve(self, module: str, name: str) -> str | None:
        """The qualified name ``name`` (as written in ``module``) refers to.

        Special meanings come back prefixed: ``setting:AUTH_USER_MODEL``, ``model:app.Model``,
        ``const:text``, ``class:module_label:Name``. None when the name is unknown.
        """
        key = (module, name)
        try:
            return self._memo[key]  # None is a memoised answer too: the name is unknown
        except KeyError:
            pass
        if key in self._active:
            return None  # an import cycle: nothing more to learn
        if len(self._active) >= _MAX_DEPTH:  # names that grow as they cycle (X = a.X.y)
            self.cycles.add(module)
            return None
        self._active.add(key)
        try:
            result = self._resolve_in(module, name.split("."))
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def canonical(self, qualified: str) -> str:
        """Follow re-exports of a fully qualified name to where it is defined: the longest
        dotted prefix that is a module resolves the rest. The prefixes are cut off the string
        in place (no split and re-join per prefix: every name resolved ends up here)."""
        module = qualified
        while self.facts(module) is None:
            cut = module.rfind(".")
            if cut < 0:
                return qualified
            module = module[:cut]
        if module == qualified:
            return qualified
        return self.resolve(module, qualified[len(module) + 1:]) or qualified

    def _resolve_in(self, module: str, parts: list[str]) -> str | None:
        head, rest = parts[0], parts[1:]
        fact = self.bindings(module).get(head)
        tail = "." + ".".join(rest) if rest else ""
        if isinstance(fact, ImportFact):
            if fact.name is None:
                target = fact.module if fact.bound != fact.module.partition(".")[0] else head
                return self.canonical(target + tail)
            return self.canonical(f"{fact.module}.{fact.name}{tail}")
        if isinstance(fact, AssignFact):
            if fact.kind == "alias":
                return self.resolve(module, fact.value + tail)
            return f"{fact.kind}:{fact.value}" if not rest else None
        if fact is not None:
            return f"{module}.{'.'.join(parts)}"
        for source in self.star_sources(module):
            if self._defines(source, head, set()):
                return self.resolve(source, ".".join(parts))
        if self.facts(module) is not None and head not in _BUILTINS:
            return f"{module}.{'.'.join(parts)}"
        return None

    def _defines(self, module: str, name: str, seen: set[str]) -> bool:
        if module in seen:
            return False
        seen.add(module)
        return name in self.bindings(module) or any(
            self._defines(s, name, seen) for s in self.star_sources(module))


_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 100
