"""What one extraction works on: the analysed graph, the monolith's source, the apps that move."""

from __future__ import annotations

from dataclasses import dataclass, field

from decompose.model import App, ProjectGraph
from extractor.plan.source import Source


@dataclass(frozen=True)
class Scope:
    """Passed to every decision so each reads the same graph, files and moved set."""

    graph: ProjectGraph
    source: Source
    moved: tuple[App, ...]
    service: str
    moved_labels: frozenset[str] = field(init=False)
    own_labels: frozenset[str] = field(init=False)  # own apps with a folder in the source
    # The apps in INSTALLED_APPS order (which app's template wins), those it names through
    # another package's AppConfig last; () when it is not known statically (graph.apps is in
    # label order).
    installed: tuple[App, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "moved_labels", frozenset(a.label for a in self.moved))
        object.__setattr__(self, "own_labels", frozenset(a.label for a in self.source.own))
        object.__setattr__(self, "installed", _installed(self.graph))


def _installed(graph: ProjectGraph) -> tuple[App, ...]:
    """The apps INSTALLED_APPS names, in its order; an entry naming an AppConfig
    (``tcms.bugs.apps.AppConfig``) is the app whose module holds it."""
    listed = graph.settings.known("INSTALLED_APPS") if graph.settings else None
    longest_first = sorted(graph.apps, key=lambda a: -len(a.name))
    found = (next((a for a in longest_first if entry == a.name
                   or entry.startswith(f"{a.name}.")), None)
             for entry in listed if isinstance(entry, str)) if isinstance(listed, list) else ()
    ordered = tuple(dict.fromkeys(app for app in found if app))
    return ordered + tuple(a for a in graph.apps if a not in ordered) if ordered else ()
