"""The strangler's routing state: which service takes how much of its apps' traffic, and since when.

Kept in the monolith's ``decompose.toml`` (table ``[routing]``) so a team reviews every traffic
shift as a diff; ``strangler.state`` reads and writes it, the proxy backends only read it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

# Defaults match the compose file the extractor generates: the monolith's service is ``web`` and
# each extracted service is named after itself, both serving on gunicorn's usual port.
DEFAULT_MONOLITH_UPSTREAM = "web:8000"
DEFAULT_SERVICE_PORT = 8000
DEFAULT_TRUSTED_NETWORKS = ("127.0.0.1/32", "::1/128")


def default_service_upstream(service: str) -> str:
    """``orders`` -> ``orders:8000``: the compose service name and gunicorn's port."""
    return f"{service}:{DEFAULT_SERVICE_PORT}"


class Stage(enum.StrEnum):
    """How far a service has taken over: nothing, a mirrored copy, a share, or all of it."""

    OFF = "off"
    SHADOW = "shadow"
    PERCENT = "percent"
    FULL = "full"


@dataclass(frozen=True)
class Change:
    """One entry of a service's routing history."""

    at: datetime
    stage: Stage
    weight: int
    shadow_sample: int = 100


@dataclass(frozen=True)
class ServiceRoute:
    """One extracted service: the apps it holds, where it listens, and its share of traffic.

    ``weight`` is the percentage of clients (by gateway bucket) the service answers; it is 0 in
    the ``off`` and ``shadow`` stages and 100 at ``full``. ``shadow_sample`` is the percentage of
    safe requests copied to the service while in ``shadow``.
    """

    name: str
    apps: tuple[str, ...]
    upstream: str
    stage: Stage = Stage.OFF
    weight: int = 0
    shadow_sample: int = 100
    history: tuple[Change, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "apps", tuple(sorted(set(self.apps))))
        if not 0 <= self.weight <= 100:
            raise ValueError(f"weight must be 0..100, got {self.weight}")
        if not 0 <= self.shadow_sample <= 100:
            raise ValueError(f"shadow sample must be 0..100, got {self.shadow_sample}")

    def moved(self, stage: Stage, weight: int, at: datetime, *,
              shadow_sample: int | None = None) -> ServiceRoute:
        """The same service at a new stage, with the change appended to its history."""
        sample = self.shadow_sample if shadow_sample is None else shadow_sample
        return replace(self, stage=stage, weight=weight, shadow_sample=sample,
                       history=(*self.history, Change(at, stage, weight, sample)))


@dataclass(frozen=True)
class Overrides:
    """Who may force a side with ``X-Decompose-Route`` / the ``decompose_route`` cookie."""

    enabled: bool = True
    trusted_networks: tuple[str, ...] = DEFAULT_TRUSTED_NETWORKS


@dataclass(frozen=True)
class RoutingState:
    """Everything ``decompose route`` decides; the proxy backends render it."""

    monolith: str = DEFAULT_MONOLITH_UPSTREAM
    services: tuple[ServiceRoute, ...] = ()
    overrides: Overrides = field(default_factory=Overrides)
    # Exchange the monolith's credentials for a bearer token (nginx auth_request) on requests
    # the service answers; needs the extractor's /_decompose/token in the monolith.
    auth_exchange: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "services", tuple(sorted(self.services, key=lambda s: s.name)))

    def service(self, name: str) -> ServiceRoute | None:
        return next((s for s in self.services if s.name == name), None)

    def with_service(self, route: ServiceRoute) -> RoutingState:
        others = tuple(s for s in self.services if s.name != route.name)
        return replace(self, services=(*others, route))
