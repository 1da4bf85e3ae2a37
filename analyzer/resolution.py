"""The global phase as collectors see it: name binding plus the lookups they share.

``Resolution`` adds to ``analyzer.names`` what collectors ask while resolving (locations, the
modules Django imports at start-up, the apps' facts) and the model index the models collector
fills for the couplings that need to know what a model is.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Container, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from analyzer.model_index import ModelIndex
from analyzer.names import Names
from analyzer.symbols import ImportFact
from decompose.model import Location

if TYPE_CHECKING:
    from analyzer.discovery import Project
    from analyzer.facts import FileFacts

F = TypeVar("F")


class Resolution(Names):
    """Facts of every module plus the lookups collectors share while resolving."""

    def __init__(self, project: Project, files: dict[str, FileFacts], paths: dict[str, Path],
                 own: frozenset[str], load: Callable[[str], FileFacts | None],
                 inert: Container[str] = frozenset()):
        super().__init__(project, files, paths, own, load, inert)
        self.app_labels = frozenset(a.label for a in project.apps)
        self._locations: dict[str, str] = {}
        # filled by the models collector (phase 0); a weak reference back, so that no cycle
        # keeps the run's facts alive while the cycle collector is paused
        self.models = ModelIndex(weakref.proxy(self))

    def own_modules(self) -> Iterator[tuple[str, FileFacts]]:
        for module in sorted(self.own):
            yield module, self.files[module]

    def app_facts(self, collector: str, kind: type[F]) -> Iterator[tuple[str, str, F]]:
        """``(module, app label, fact)`` for each fact of type ``kind`` that ``collector``
        found in an own app."""
        for module, facts in self.own_modules():
            app = self.app_of(module)
            if app is not None:
                for fact in facts.of(collector):
                    if isinstance(fact, kind):
                        yield module, app, fact

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

    def missing_package(self, qualified: str) -> str | None:
        """The top-level package of a dotted name when it is installed nowhere the analyzer
        searches (not the project, not the environment, not the standard library)."""
        top, dot, _ = qualified.partition(".")
        if not dot or ":" in top or top in sys.stdlib_module_names or top == "django":
            return None
        return top if self.project.index.find(top) is None else None
