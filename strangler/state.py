"""Routing state in the monolith's config: read, change one step at a time, write as a diff.

The state lives in the ``[routing]`` table of ``decompose.toml`` (or ``[tool.decompose]`` of
``pyproject.toml`` until the first change, which moves the whole decompose table into
``decompose.toml``: the file the tool owns). The clock is a parameter so history is testable.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from decompose.config import CONFIG_FILE, load_config
from decompose.errors import ConfigError, DecomposeError
from decompose.model.routing import (
    DEFAULT_AUTH_CACHE_SECONDS,
    DEFAULT_MONOLITH_UPSTREAM,
    DEFAULT_TRUSTED_NETWORKS,
    Change,
    Overrides,
    ProxySettings,
    RoutingState,
    ServiceRoute,
    Stage,
    default_service_upstream,
)
from decompose.serialize import write_text_atomic
from strangler import toml_text
from strangler.toml_lines import Key, key_line

ROUTING_TABLE = "routing"
PYPROJECT = "pyproject.toml"
# A cached exchange must leave a token most of its life (the bridge issues them for 300 s).
MAX_AUTH_CACHE_SECONDS = 120
_ADDRESS = re.compile(r"^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):[0-9]{1,5}$")
_LISTEN = re.compile(r"^(([A-Za-z0-9.*-]+|\[[0-9A-Fa-f:]+\]):)?[0-9]{1,5}$")
HEADER = ("decompose settings. [routing] is written by `decompose route`: review its changes\n"
          "as diffs; edit by hand if you like (one key per line, history is append-only).")


@dataclass(frozen=True)
class LoadedState:
    """The routing state plus the rest of the decompose table it shares a file with."""

    state: RoutingState
    table: dict[str, Any]
    path: Path | None


def load_state(root: Path) -> LoadedState:
    source = load_config(root)
    raw = source.table.get(ROUTING_TABLE, {})
    where = _Where(source.path, source.path.read_text(encoding="utf-8") if source.path else "",
                   ("tool", "decompose") if source.path and source.path.name == PYPROJECT else ())
    return LoadedState(state_from_table(raw, where), dict(source.table), source.path)


@dataclass(frozen=True)
class _Where:
    """The file the state came from, so an error names its file, key and line."""

    path: Path | None
    text: str = ""
    prefix: tuple[str, ...] = ()  # the decompose table inside the file

    def error(self, key: Key, message: str) -> ConfigError:
        line = key_line(self.text, (*self.prefix, ROUTING_TABLE, *key)) if self.text else None
        dotted = ".".join([ROUTING_TABLE, *(f"[{k}]" if isinstance(k, int) else k for k in key)])
        return ConfigError(f"{dotted.replace('.[', '[')} {message}", path=self.path, line=line)


def state_from_table(raw: Any, where: _Where) -> RoutingState:
    """Build the state from the TOML table; anything malformed is one ConfigError naming the
    file, the key and its line."""
    if not isinstance(raw, dict):
        raise ConfigError("[routing] must be a table", path=where.path)
    read = _Reader(raw, (), where)
    overrides = read.table("overrides")
    services = read.table("services")
    proxy = read.table("proxy")
    defaults = ProxySettings()
    return RoutingState(
        monolith=read.address("monolith", DEFAULT_MONOLITH_UPSTREAM),
        services=tuple(_service(name, services.table(name)) for name in services.raw),
        overrides=Overrides(
            enabled=overrides.boolean("enabled", True),
            trusted_networks=overrides.networks("trusted_networks",
                                                list(DEFAULT_TRUSTED_NETWORKS))),
        auth_exchange=read.boolean("auth_exchange", True),
        auth_cache_seconds=read.integer("auth_cache_seconds", DEFAULT_AUTH_CACHE_SECONDS,
                                        0, MAX_AUTH_CACHE_SECONDS),
        proxy=ProxySettings(
            target=proxy.optional_text("target"),
            out=proxy.optional_text("out"),
            listen=proxy.listen("listen", defaults.listen),
            tls_certificate=proxy.optional_text("tls_certificate"),
            tls_key=proxy.optional_text("tls_key"),
            gateways=tuple(proxy.texts("gateways", list(defaults.gateways))),
            hosts=tuple(proxy.texts("hosts", list(defaults.hosts)))),
    )


def _service(name: str, read: _Reader) -> ServiceRoute:
    if "apps" not in read.raw:
        raise read.where.error(read.key("apps"), "is missing (the apps the service holds)")
    stage = read.stage("stage")
    weight = read.integer("weight", 0, 0, 100)
    sample = read.integer("shadow_sample", 100, 0, 100)
    return ServiceRoute(
        name=name,
        apps=tuple(read.texts("apps", [])),
        upstream=read.address("upstream", default_service_upstream(name)),
        stage=stage,
        weight=weight,
        shadow_sample=sample,
        history=tuple(_change(item) for item in read.items("history")),
    )


def _change(read: _Reader) -> Change:
    at = read.raw.get("at")
    if not isinstance(at, datetime):
        raise read.where.error(read.key("at"), f"must be a date-time (2025-05-01T09:00:00Z), "
                                               f"got {at!r}")
    return Change(at=at, stage=read.stage("stage"), weight=read.integer("weight", 0, 0, 100),
                  shadow_sample=read.integer("shadow_sample", 100, 0, 100))


@dataclass(frozen=True)
class _Reader:
    """One table of the state and where it is: typed reads that fail naming the key."""

    raw: dict[str, Any]
    at: Key
    where: _Where

    def key(self, name: str | int) -> Key:
        return (*self.at, name)

    def _get(self, name: str, default: Any, kind: type | tuple[type, ...], wants: str) -> Any:
        value = self.raw.get(name, default)
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise self.where.error(self.key(name), f"must be {wants}, got {value!r}")
        return value

    def table(self, name: str) -> _Reader:
        return _Reader(self._get(name, {}, dict, "a table"), self.key(name), self.where)

    def items(self, name: str) -> list[_Reader]:
        values = self._get(name, [], list, "a list of tables")
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise self.where.error((*self.key(name), index), f"must be a table, got {value!r}")
        return [_Reader(v, (*self.key(name), i), self.where) for i, v in enumerate(values)]

    def boolean(self, name: str, default: bool) -> bool:
        return bool(self._get(name, default, bool, "true or false"))

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self._get(name, default, int, f"an integer from {low} to {high}")
        if not low <= value <= high:
            raise self.where.error(self.key(name),
                                   f"must be an integer from {low} to {high}, got {value!r}")
        return int(value)

    def optional_text(self, name: str) -> str | None:
        return str(self._get(name, "", str, "a string")) or None

    def texts(self, name: str, default: list[str]) -> list[str]:
        values = self._get(name, default, list, "a list of strings")
        if not all(isinstance(v, str) and v for v in values):
            raise self.where.error(self.key(name), f"must be a list of strings, got {values!r}")
        return values

    def stage(self, name: str) -> Stage:
        value = self.raw.get(name, str(Stage.OFF))
        if value not in {str(s) for s in Stage}:
            raise self.where.error(self.key(name), f"must be one of "
                                   f"{', '.join(map(str, Stage))}, got {value!r}")
        return Stage(value)

    def address(self, name: str, default: str) -> str:
        value = str(self._get(name, default, str, "HOST:PORT"))
        if not _ADDRESS.match(value):
            raise self.where.error(self.key(name), f"must be HOST:PORT, got {value!r}")
        return value

    def listen(self, name: str, default: str) -> str:
        value = self._get(name, default, (str, int), "PORT or HOST:PORT")
        if not _LISTEN.match(str(value)):
            raise self.where.error(self.key(name), f"must be PORT or HOST:PORT, got {value!r}")
        return str(value)

    def networks(self, name: str, default: list[str]) -> tuple[str, ...]:
        values = self.texts(name, default)
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise self.where.error(self.key(name), f"holds {value!r}, which is not an "
                                       f"address or network (10.0.0.0/8)") from None
        return tuple(values)


def state_to_table(state: RoutingState) -> dict[str, Any]:
    """The canonical [routing] table: fixed key order, services by name, history in order."""
    return {
        "monolith": state.monolith,
        "auth_exchange": state.auth_exchange,
        "auth_cache_seconds": state.auth_cache_seconds,
        "overrides": {"enabled": state.overrides.enabled,
                      "trusted_networks": list(state.overrides.trusted_networks)},
        "proxy": proxy_to_table(state.proxy),
        "services": {s.name: {
            "apps": list(s.apps),
            "upstream": s.upstream,
            "stage": str(s.stage),
            "weight": s.weight,
            "shadow_sample": s.shadow_sample,
            "history": [{"at": h.at, "stage": str(h.stage), "weight": h.weight,
                         "shadow_sample": h.shadow_sample} for h in s.history],
        } for s in state.services},
    }


def proxy_to_table(settings: ProxySettings) -> dict[str, Any]:
    """The [routing.proxy] table; unset optional settings are left out."""
    table: dict[str, Any] = {"target": settings.target, "out": settings.out,
                             "listen": settings.listen,
                             "tls_certificate": settings.tls_certificate,
                             "tls_key": settings.tls_key, "gateways": list(settings.gateways),
                             "hosts": list(settings.hosts)}
    return {k: v for k, v in table.items() if v is not None}


def render_config(loaded: LoadedState, state: RoutingState) -> str:
    """The whole decompose.toml text with ``state`` as its [routing] table."""
    table = {k: v for k, v in loaded.table.items() if k != ROUTING_TABLE}
    table[ROUTING_TABLE] = state_to_table(state)
    return toml_text.dumps(table, header=HEADER)


@dataclass(frozen=True)
class Written:
    path: Path
    diff: str  # unified diff of decompose.toml; "" when nothing changed


def save_state(root: Path, loaded: LoadedState, state: RoutingState) -> Written:
    """Write decompose.toml atomically and return the diff it makes (against the old file)."""
    target = root / CONFIG_FILE
    old = target.read_text(encoding="utf-8") if target.is_file() else ""
    new = render_config(loaded, state)
    if new != old:
        write_text_atomic(target, new)
    return Written(target, unified_diff(old, new, CONFIG_FILE))


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))


# --- the moves `decompose route` makes ---------------------------------------------------------

def ensure_service(state: RoutingState, name: str, *, apps: Sequence[str] = (),
                   upstream: str | None = None) -> RoutingState:
    """Add the service on first use (it needs its apps) or update its apps/upstream."""
    current = state.service(name)
    if current is None:
        if not apps:
            raise DecomposeError(f"service {name!r} is not routed yet: name its apps with "
                                 f"--apps (or extract it first)")
        return state.with_service(ServiceRoute(name, tuple(apps),
                                               upstream or default_service_upstream(name)))
    return state.with_service(ServiceRoute(
        name, tuple(apps) or current.apps, upstream or current.upstream, current.stage,
        current.weight, current.shadow_sample, current.history))


def move(state: RoutingState, name: str, stage: Stage, at: datetime, *, percent: int = 0,
         shadow_sample: int | None = None) -> RoutingState:
    """Put service ``name`` at ``stage``; ``percent`` only counts for the percent stage."""
    route = state.service(name)
    if route is None:
        raise DecomposeError(f"service {name!r} is not routed yet")
    if not 0 <= percent <= 100:
        raise DecomposeError(f"--percent must be between 0 and 100, got {percent}")
    if shadow_sample is not None and not 0 <= shadow_sample <= 100:
        raise DecomposeError(f"--sample must be between 0 and 100, got {shadow_sample}")
    if stage is Stage.PERCENT and percent in (0, 100):
        stage = Stage.OFF if percent == 0 else Stage.FULL
    weight = {Stage.OFF: 0, Stage.SHADOW: 0, Stage.FULL: 100}.get(stage, percent)
    sample = route.shadow_sample if shadow_sample is None else shadow_sample
    if (route.stage, route.weight, route.shadow_sample) == (stage, weight, sample):
        return state  # no move, no history entry: the command reports "no change"
    return state.with_service(route.moved(stage, weight, at, shadow_sample=shadow_sample))

