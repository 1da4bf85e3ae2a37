"""Where a monolith keeps its decompose settings: ``decompose.toml`` or ``[tool.decompose]``.

``decompose.toml`` wins when both exist, since it is the file the tool itself writes (routing
state); ``pyproject.toml``'s table is for teams that keep all tool settings in one place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decompose.errors import ConfigError
from decompose.model.graph import DependencyKind

CONFIG_FILE = "decompose.toml"


@dataclass(frozen=True)
class ConfigSource:
    """The raw decompose table of a project and the file it came from (None: no config)."""

    path: Path | None
    table: dict[str, Any] = field(default_factory=dict)


def load_config(root: Path) -> ConfigSource:
    """Read the project's decompose table; a malformed file is a ConfigError naming it."""
    own = root / CONFIG_FILE
    if own.is_file():
        return ConfigSource(own, _read_toml(own))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("decompose")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError("[tool.decompose] must be a table", path=pyproject)
            return ConfigSource(pyproject, table)
    return ConfigSource(None)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason})", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 only has the position inside the message: "... (at line 2, column 10)".
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        message = str(exc)[: found.start()].rstrip() if found else str(exc)
        line = int(found.group(1)) if found else None
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from None


def installed_apps(source: ConfigSource) -> tuple[str, ...] | None:
    """``installed_apps = [...]``: INSTALLED_APPS stated by hand (dotted names, as in the
    settings) for settings the analyzer cannot evaluate statically; None when not given."""
    if "installed_apps" not in source.table:
        return None
    value = source.table["installed_apps"]
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v for v in value):
        raise _fail(source, f"installed_apps must be a list of dotted app names, got {value!r}")
    return tuple(value)


# --- boundary settings -------------------------------------------------------------------------
# Keys of the decompose table read here (all optional):
#   weights = {relation = 10, import = 1, ...}      per DependencyKind, overriding the defaults
#   services = {checkout = ["orders", "payments"]}  pinned assignments (or a table with `apps`)
#   keep_together = [["orders", "payments"]]
#   keep_apart = [["catalog", "orders"]]
#   shared_kernel = ["core", "accounts"]            replaces kernel detection ([] turns it off)
#   seed = 42                                       Louvain's random seed
#   ned_bounds = [2, 20]                            models per service counted as non-extreme
#   cost = {fk = 1, transaction = 3, read = 0.2}     what a split costs in data (the objective)
#   roles = {graphql = "layer", core = "kernel"}    app roles: kernel, layer, business, project

DEFAULT_SEED = 42
COST_KEYS = ("fk", "transaction", "read")
APP_ROLES = ("kernel", "layer", "business", "project")
DEFAULT_NED_BOUNDS = (2, 20)


@dataclass(frozen=True)
class AppGroup:
    """A set of app labels named by one constraint, with where it was written (for errors)."""

    apps: tuple[str, ...]
    source: str  # e.g. "--keep-together orders,payments" or "keep_together in pyproject.toml"

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True)
class ServicePin:
    """Apps the team has put in a named service (the config's services table)."""

    name: str
    apps: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class BoundarySettings:
    """Everything that steers the boundary proposal, from the config file and the command line.

    ``weights`` holds only the overrides: the defaults belong to the analyzer, which documents
    them. ``services`` counts business services; shared-kernel services come on top.
    """

    weights: dict[str, float] = field(default_factory=dict)
    services: int | None = None
    keep_together: tuple[AppGroup, ...] = ()
    keep_apart: tuple[AppGroup, ...] = ()
    pins: tuple[ServicePin, ...] = ()
    shared_kernel: tuple[str, ...] | None = None  # None: detect
    seed: int = DEFAULT_SEED
    ned_bounds: tuple[int, int] = DEFAULT_NED_BOUNDS
    cost: dict[str, float] = field(default_factory=dict)  # overrides of the data-cost weights
    roles: dict[str, str] = field(default_factory=dict)  # app label -> forced role


def parse_app_list(text: str, option: str) -> tuple[str, ...]:
    """Split a CLI value such as ``orders,payments`` into labels; two at least."""
    labels = tuple(part.strip() for part in text.split(","))
    if any(not label for label in labels) or len(set(labels)) < 2:
        raise ConfigError(f"{option} {text}: give two or more distinct app labels, "
                          "separated by commas")
    return labels


def boundary_settings(source: ConfigSource, *, services: int | None = None,
                      keep_together: tuple[str, ...] | list[str] = (),
                      keep_apart: tuple[str, ...] | list[str] = ()) -> BoundarySettings:
    """Merge the config table with CLI values (``--keep-together a,b`` may repeat).

    CLI constraints add to the config's; ``--services`` overrides nothing in the file (the
    file has no count). Invalid values are a ConfigError naming the file.
    """
    table = source.table
    if services is not None and services < 1:
        raise ConfigError(f"--services {services}: need at least one service")
    together = _groups(table, "keep_together", source)
    together += tuple(AppGroup(parse_app_list(v, "--keep-together"), f"--keep-together {v}")
                      for v in keep_together)
    apart = _groups(table, "keep_apart", source)
    apart += tuple(AppGroup(parse_app_list(v, "--keep-apart"), f"--keep-apart {v}")
                   for v in keep_apart)
    return BoundarySettings(
        weights=_weights(table, source),
        services=services,
        keep_together=together,
        keep_apart=apart,
        pins=_pins(table, source),
        shared_kernel=_kernel(table, source),
        seed=_int(table, "seed", DEFAULT_SEED, source),
        ned_bounds=_ned_bounds(table, source),
        cost=_cost(table, source),
        roles=_roles(table, source),
    )


def _where(source: ConfigSource) -> str:
    return source.path.name if source.path else "config"


def _fail(source: ConfigSource, message: str) -> ConfigError:
    return ConfigError(message, path=source.path)


def _labels(value: Any, key: str, source: ConfigSource) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, f"{key} must be a list of app labels, got {value!r}")
    return tuple(value)


def _groups(table: dict[str, Any], key: str, source: ConfigSource) -> tuple[AppGroup, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise _fail(source, f"{key} must be a list of lists of app labels")
    groups = []
    for item in value:
        labels = _labels(item, key, source)
        if len(set(labels)) < 2:
            raise _fail(source, f"{key} entry {item!r} needs two or more distinct apps")
        groups.append(AppGroup(labels, f"{key} {','.join(labels)} in {_where(source)}"))
    return tuple(groups)


def _weights(table: dict[str, Any], source: ConfigSource) -> dict[str, float]:
    value = table.get("weights", {})
    if not isinstance(value, dict):
        raise _fail(source, "weights must be a table of dependency kind = number")
    kinds = {k.value for k in DependencyKind}
    weights = {}
    for kind, weight in value.items():
        if kind not in kinds:
            raise _fail(source, f"weights: unknown dependency kind {kind!r} "
                                f"(known: {', '.join(sorted(kinds))})")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise _fail(source, f"weights.{kind} must be a number >= 0, got {weight!r}")
        weights[kind] = float(weight)
    return weights


def _pins(table: dict[str, Any], source: ConfigSource) -> tuple[ServicePin, ...]:
    """Read the services table; a sub-table without ``apps`` belongs to another stage."""
    value = table.get("services", {})
    if not isinstance(value, dict):
        raise _fail(source, "services must be a table of service name = [app labels]")
    pins = []
    for name, entry in sorted(value.items()):
        if isinstance(entry, dict):
            if "apps" not in entry:
                continue
            entry = entry["apps"]
        labels = _labels(entry, f"services.{name}", source)
        if not labels:
            raise _fail(source, f"services.{name} lists no apps")
        pins.append(ServicePin(name, labels, f"services.{name} in {_where(source)}"))
    seen: dict[str, str] = {}
    for pin in pins:
        for label in pin.apps:
            if label in seen and seen[label] != pin.name:
                raise _fail(source, f"app {label!r} is pinned to both services "
                                    f"{seen[label]!r} and {pin.name!r}")
            seen[label] = pin.name
    return tuple(pins)


def _cost(table: dict[str, Any], source: ConfigSource) -> dict[str, float]:
    value = table.get("cost", {})
    if not isinstance(value, dict):
        raise _fail(source, "cost must be a table of fk/transaction/read = number")
    cost = {}
    for key, weight in value.items():
        if key not in COST_KEYS:
            raise _fail(source, f"cost: unknown key {key!r} (known: {', '.join(COST_KEYS)})")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise _fail(source, f"cost.{key} must be a number >= 0, got {weight!r}")
        cost[key] = float(weight)
    return cost


def _roles(table: dict[str, Any], source: ConfigSource) -> dict[str, str]:
    value = table.get("roles", {})
    if not isinstance(value, dict):
        raise _fail(source, "roles must be a table of app label = role")
    for app, role in value.items():
        if role not in APP_ROLES:
            raise _fail(source, f"roles.{app}: unknown role {role!r} "
                                f"(known: {', '.join(APP_ROLES)})")
    return dict(sorted(value.items()))


def _kernel(table: dict[str, Any], source: ConfigSource) -> tuple[str, ...] | None:
    if "shared_kernel" not in table:
        return None
    return _labels(table["shared_kernel"], "shared_kernel", source)


def _int(table: dict[str, Any], key: str, default: int, source: ConfigSource) -> int:
    value: object = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(source, f"{key} must be an integer, got {value!r}")
    return value


def _ned_bounds(table: dict[str, Any], source: ConfigSource) -> tuple[int, int]:
    value = table.get("ned_bounds", list(DEFAULT_NED_BOUNDS))
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 1 <= value[0] <= value[1]):
        raise _fail(source, f"ned_bounds must be [low, high] with 1 <= low <= high, got {value!r}")
    return (value[0], value[1])
