"""Assembling the ProjectGraph from what discovery and the collectors found.

Edges of one kind between two apps become one Dependency whose weight counts distinct source
locations; everything is sorted by the contract's constructors, so the same project always
gives the same graph whatever order the file system lists it in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from analyzer.contribution import Contribution, Edge
from analyzer.discovery import Project
from analyzer.settings_facts import settings_facts
from decompose.model import App, Dependency, Diagnostic, ProjectGraph


def assemble(project: Project, contributions: Iterable[Contribution],
             diagnostics: Iterable[Diagnostic]) -> ProjectGraph:
    parts = list(contributions)
    return ProjectGraph(
        settings_module=project.settings.module,
        apps=tuple(_app(project, a.label, a.name, a.directory, a.external)
                   for a in project.apps),
        models=tuple(m for c in parts for m in c.models),
        dependencies=dependencies(e for c in parts for e in c.edges),
        urls=tuple(u for c in parts for u in c.urls),
        write_scopes=tuple(w for c in parts for w in c.write_scopes),
        warnings=tuple(sorted({*project.diagnostics, *diagnostics,
                                   *(d for c in parts for d in c.diagnostics)},
                              key=str)),
        settings=settings_facts(project),
    )


def dependencies(edges: Iterable[Edge]) -> tuple[Dependency, ...]:
    grouped: dict[tuple, set] = defaultdict(set)
    for edge in edges:
        if edge.source != edge.target:
            grouped[(edge.source, edge.target, edge.kind)].add(edge.location)
    return tuple(Dependency(source, target, kind, len(locations), tuple(locations))
                 for (source, target, kind), locations in grouped.items())


def _app(project: Project, label: str, name: str, directory, external: bool) -> App:
    """Paths relative to the analysed root where the app lives below it (own apps, apps
    decompose generated, a project-local environment), absolute otherwise."""
    path = None if directory is None else project.relpath(directory)
    return App(label, name, path, external)
