"""Score a team's own cut: a hand-edited ``boundaries.json`` or a config's services table.

Only each service's ``name``, ``apps`` and ``kernel`` flag are read; everything else (models,
tables, metrics) is recomputed from the graph, so a team may edit just the app lists.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.assemble import assemble
from analyzer.boundaries.cost import CostModel, resolve_cost
from analyzer.boundaries.partition import Partition
from analyzer.boundaries.roles import detect_roles
from analyzer.boundaries.weights import resolve_weights
from decompose.config import BoundarySettings, ConfigSource, boundary_settings
from decompose.errors import ConstraintError, SchemaError
from decompose.model.boundaries import (
    BOUNDARIES_SCHEMA_VERSION,
    Boundaries,
    upgrade_boundaries,
)
from decompose.model.graph import ProjectGraph


def load_assignment(path: Path) -> Partition:
    """Read services from ``*.json`` (boundaries.json) or ``*.toml`` (a services table)."""
    if path.suffix == ".toml":
        return _from_toml(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError("file not found", path=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"not valid JSON ({exc})", path=path,
                          line=getattr(exc, "lineno", None)) from None
    if isinstance(data, dict):
        data = upgrade_boundaries(data)
    if not isinstance(data, dict) or data.get("schema_version") != BOUNDARIES_SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, dict) else None
        raise SchemaError(f"schema_version {found!r} is not supported (expected "
                          f"{BOUNDARIES_SCHEMA_VERSION})", path=path)
    services = data.get("services")
    if not isinstance(services, list):
        raise SchemaError("'services' must be a list", path=path)
    named, kernel = [], set()
    for index, entry in enumerate(services):
        name, apps, is_kernel = _service(entry, index, path)
        named.append((name, apps))
        if is_kernel:
            kernel.add(name)
    return _checked(named, frozenset(kernel), path)


def _service(entry: Any, index: int, path: Path) -> tuple[str, tuple[str, ...], bool]:
    where = f"services[{index}]"
    if not isinstance(entry, dict):
        raise SchemaError(f"{where} must be an object", path=path)
    name, apps, kernel = entry.get("name"), entry.get("apps"), entry.get("kernel", False)
    if not isinstance(name, str) or not name:
        raise SchemaError(f"{where}.name must be a non-empty string", path=path)
    if not isinstance(apps, list) or not apps or not all(isinstance(a, str) for a in apps):
        raise SchemaError(f"{where}.apps must be a non-empty list of app labels", path=path)
    if not isinstance(kernel, bool):
        raise SchemaError(f"{where}.kernel must be true or false", path=path)
    return name, tuple(apps), kernel


def _from_toml(path: Path) -> Partition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError("file not found", path=path) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SchemaError(f"invalid TOML ({exc})", path=path) from None
    table = data.get("tool", {}).get("decompose", {}) if path.name == "pyproject.toml" else data
    settings = boundary_settings(ConfigSource(path, table))
    if not settings.pins:
        raise SchemaError("no services table to score ([services] name = [app labels])",
                          path=path)
    kernel_apps = set(settings.shared_kernel or ())
    named = [(p.name, p.apps) for p in settings.pins]
    kernel = frozenset(name for name, apps in named if set(apps) <= kernel_apps)
    return _checked(named, kernel, path)


def _checked(named: list[tuple[str, tuple[str, ...]]], kernel: frozenset[str],
             path: Path) -> Partition:
    seen: dict[str, str] = {}
    names = set()
    for name, apps in named:
        if name in names:
            raise SchemaError(f"service {name!r} is listed twice", path=path)
        names.add(name)
        for app in apps:
            if app in seen:
                raise SchemaError(f"app {app!r} is in both {seen[app]!r} and {name!r}",
                                  path=path)
            seen[app] = name
    reasons = {app: f"placed in {name!r} by {path.name}" for app, name in seen.items()}
    return Partition(tuple(named), kernel=kernel, method=f"rescored({path.name})",
                     reasons=reasons, source=str(path))


def rescore(graph: ProjectGraph, assignment: Partition,
            settings: BoundarySettings) -> Boundaries:
    """Score ``assignment`` with the same metrics and report as a proposal."""
    app_graph = AppGraph(graph, resolve_weights(settings.weights))
    placed = assignment.service_of
    unknown = sorted(set(placed) - set(app_graph.apps))
    if unknown:
        raise ConstraintError(f"{', '.join(map(repr, unknown))}: not one of the project's own "
                              "apps", path=assignment.source)
    missing = sorted(set(app_graph.apps) - set(placed))
    if missing:
        raise ConstraintError(f"every app needs a service; missing "
                              f"{', '.join(map(repr, missing))}", path=assignment.source)
    kernel_apps = tuple(sorted(app for name, apps in assignment.services
                               if name in assignment.kernel for app in apps))
    return assemble(app_graph, assignment, settings, kernel_apps,
                    roles=detect_roles(app_graph, settings), decision=None,
                    cost_model=CostModel(app_graph, resolve_cost(settings.cost)))
