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

    def __post_init__(self) -> None:
        object.__setattr__(self, "moved_labels", frozenset(a.label for a in self.moved))
        object.__setattr__(self, "own_labels", frozenset(a.label for a in self.source.own))
