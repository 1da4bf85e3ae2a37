"""Routing state in the monolith's config: read, change one step at a time, write as a diff.

The state lives in the ``[routing]`` table of ``decompose.toml`` (or ``[tool.decompose]`` of
``pyproject.toml`` until the first change, which moves the whole decompose table into
``decompose.toml``: the file the tool owns). The clock is a parameter so history is testable.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from decompose.config import CONFIG_FILE, load_config
from decompose.errors import ConfigError, DecomposeError
from decompose.model import (
    DEFAULT_MONOLITH_UPSTREAM,
    Change,
    Overrides,
    RoutingState,
    ServiceRoute,
    Stage,
    default_service_upstream,
)
from decompose.serialize import write_text_atomic
from strangler import toml_text

ROUTING_TABLE = "routing"
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
    return LoadedState(state_from_table(raw, source.path), dict(source.table), source.path)


def state_from_table(raw: Any, path: Path | None) -> RoutingState:
    """Build the state from the TOML table, naming the file and key of anything malformed."""
    if not isinstance(raw, dict):
        raise ConfigError("[routing] must be a table", path=path)
    overrides = _expect(raw.get("overrides", {}), dict, "routing.overrides", path)
    services_raw = _expect(raw.get("services", {}), dict, "routing.services", path)
    try:
        services = tuple(_service(name, _expect(body, dict, f"routing.services.{name}", path))
                         for name, body in services_raw.items())
        return RoutingState(
            monolith=_expect(raw.get("monolith", DEFAULT_MONOLITH_UPSTREAM), str,
                             "routing.monolith", path),
            services=services,
            overrides=Overrides(
                enabled=_expect(overrides.get("enabled", True), bool,
                                "routing.overrides.enabled", path),
                trusted_networks=tuple(_expect(overrides.get(
                    "trusted_networks", list(Overrides().trusted_networks)), list,
                    "routing.overrides.trusted_networks", path))),
            auth_exchange=_expect(raw.get("auth_exchange", True), bool,
                                  "routing.auth_exchange", path),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"invalid [routing] state: {exc}", path=path) from None


def _service(name: str, body: dict[str, Any]) -> ServiceRoute:
    return ServiceRoute(
        name=name,
        apps=tuple(body["apps"]),
        upstream=str(body.get("upstream", default_service_upstream(name))),
        stage=Stage(body.get("stage", Stage.OFF)),
        weight=int(body.get("weight", 0)),
        shadow_sample=int(body.get("shadow_sample", 100)),
        history=tuple(Change(at=h["at"], stage=Stage(h["stage"]), weight=int(h["weight"]),
                             shadow_sample=int(h.get("shadow_sample", 100)))
                      for h in body.get("history", ())),
    )


def _expect(value: Any, kind: type, key: str, path: Path | None) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(f"{key} must be a {kind.__name__}, got {value!r}", path=path)
    return value


def state_to_table(state: RoutingState) -> dict[str, Any]:
    """The canonical [routing] table: fixed key order, services by name, history in order."""
    return {
        "monolith": state.monolith,
        "auth_exchange": state.auth_exchange,
        "overrides": {"enabled": state.overrides.enabled,
                      "trusted_networks": list(state.overrides.trusted_networks)},
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

