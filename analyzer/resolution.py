"""The global phase: what a name written in one module means, across the whole project.

Follows imports, aliases, re-exports in ``__init__`` modules and ``from x import *`` chains to
the module that defines a name, and maps modules to the installed app that owns them (longest
dotted-name prefix, as ``apps.get_containing_app_config`` does). Modules outside the parsed set
(an abstract base in a non-app package, a third-party field class) are parsed on first use.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from analyzer.collectors.imports import AssignFact, ImportFact
from analyzer.collectors.models import ClassFact, ModelIndex
from analyzer.discovery import Project
from analyzer.facts import FileFacts
from decompose.model import Location

# Django's own machinery is known by name; only its contrib apps are read as source.
_NEVER_LOADED = ("django.", "builtins", "typing", "collections", "__future__")


class Resolution:
    """Facts of every module plus the lookups collectors share while resolving."""

    def __init__(self, project: Project, files: dict[str, FileFacts], paths: dict[str, Path],
                 own: frozenset[str], load: Callable[[str], FileFacts | None]):
        self.project = project
        self.files = files
        self.paths = paths
        self.own = own
        self._load = load
        self.app_labels = frozenset(a.label for a in project.apps)
        self._apps = {a.name: a.label for a in project.apps}
        self._app_of: dict[str, str | None] = {}
        self._locations: dict[str, str] = {}
        self._bindings: dict[str, dict[str, Any]] = {}
        self._stars: dict[str, list[str]] = {}
        self._memo: dict[tuple[str, str], str | None] = {}
        self._active: set[tuple[str, str]] = set()
        self._missing: set[str] = set()
        self.cycles: set[str] = set()  # modules where following a name went in circles
        self.models: ModelIndex | None = None  # set by the models collector (phase 0)

    # -- modules and apps ------------------------------------------------------------------

    def own_modules(self) -> Iterator[tuple[str, FileFacts]]:
        for module in sorted(self.own):
            yield module, self.files[module]

    def app_facts(self, collector: str) -> Iterator[tuple[str, str, object]]:
        """``(module, app label, fact)`` for each fact ``collector`` found in an own app."""
        for module, facts in self.own_modules():
            app = self.app_of(module)
            if app is not None:
                for fact in facts.of(collector):
                    yield module, app, fact

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

    def location(self, module: str, line: int) -> Location:
        """``path:line`` relative to the analysed root; outside it, ``<env>/`` + the path
        relative to the import root (machine-independent)."""
        known = self._locations.get(module)
        if known is None:
            path = self.paths.get(module)
            if path is None:
                known = module
            elif path.is_relative_to(self.project.root):
                known = self.project.relpath(path)
            else:
                depth = module.count(".") + 1 + (path.name == "__init__.py")
                known = "<env>/" + "/".join(path.parts[-depth:])
            self._locations[module] = known
        return Location(known, line)

    def facts(self, module: str) -> FileFacts | None:
        found = self.files.get(module)
        if found is not None or module in self._missing:
            return found
        if ((module.startswith(_NEVER_LOADED) and not module.startswith("django.contrib."))
                or self._inside_plain_module(module)):
            self._missing.add(module)  # Django's core, or a name inside a plain module
            return None
        loaded = self._load(module)
        if loaded is None:
            self._missing.add(module)
            return None
        self.files[module] = loaded
        return loaded

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

    def imported_at_startup(self) -> set[str]:
        """Modules ``django.setup()`` imports: each app's package, ``apps`` and ``models``
        modules, and (conservatively) everything they import, at any depth."""
        todo = [f"{a.name}{suffix}" for a in self.project.apps
                for suffix in ("", ".apps", ".models")]
        seen: set[str] = set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            parts = module.split(".")
            todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
            facts = self.files.get(module) if module in self.own else None
            for fact in facts.of("imports") if facts else ():
                if isinstance(fact, ImportFact):
                    todo.append(fact.module)
                    if fact.name and fact.name != "*":
                        todo.append(f"{fact.module}.{fact.name}")
        return seen

    # -- names -----------------------------------------------------------------------------

    def bindings(self, module: str) -> dict[str, Any]:
        """Module-level name -> the fact that binds it (last binding wins, as at run time)."""
        found = self._bindings.get(module)
        if found is not None:
            return found
        facts = self.facts(module)
        bound: list[tuple[int, str, Any]] = []
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
        found = self._memo.get(key, _UNRESOLVED)
        if found is not _UNRESOLVED:
            return found
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


    def missing_package(self, qualified: str) -> str | None:
        """The top-level package of a dotted name when it is installed nowhere the analyzer
        searches (not the project, not the environment, not the standard library)."""
        top, dot, _ = qualified.partition(".")
        if not dot or ":" in top or top in sys.stdlib_module_names or top == "django":
            return None
        return top if self.project.index.find(top) is None else None


_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 100
_UNRESOLVED = object()  # a memo miss (None is a memoised answer: the name is unknown)
