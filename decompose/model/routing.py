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
# Loopback unless told otherwise: a gateway on every interface is a decision, not a default.
DEFAULT_LISTEN = "127.0.0.1:8080"
# The Gateway a generated HTTPRoute attaches to and the one an Istio VirtualService binds.
DEFAULT_GATEWAY = "decompose"
# How long the gateway reuses a credential exchange. Well under the bridge's token lifetime
# (300 s), so a cached token always has most of its life left; it is also how long a logout or
# password change may take to reach the services.
DEFAULT_AUTH_CACHE_SECONDS = 30


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
class ProxySettings:
    """What ``decompose proxy`` renders with besides the routes, kept so that re-rendering needs
    no flags: the same command always gives the same config."""

    target: str | None = None
    out: str | None = None  # the proxy folder; None: PROJECT/proxy
    listen: str = DEFAULT_LISTEN  # PORT or HOST:PORT (nginx, HAProxy)
    tls_certificate: str | None = None  # PEM files; TLS is terminated when both are set
    tls_key: str | None = None
    gateways: tuple[str, ...] = (DEFAULT_GATEWAY,)  # [NAMESPACE/]NAME (Gateway API, Istio)
    hosts: tuple[str, ...] = ()  # host names served (Istio hosts, Gateway API hostnames)

    @property
    def tls(self) -> bool:
        return self.tls_certificate is not None and self.tls_key is not None


@dataclass(frozen=True)
class RoutingState:
    """Everything ``decompose route`` decides; the proxy backends render it."""

    monolith: str = DEFAULT_MONOLITH_UPSTREAM
    services: tuple[ServiceRoute, ...] = ()
    overrides: Overrides = field(default_factory=Overrides)
    # Exchange the monolith's credentials for a bearer token at the gateway on requests the
    # service answers; needs the extractor's /_decompose/token in the monolith.
    auth_exchange: bool = True
    auth_cache_seconds: int = DEFAULT_AUTH_CACHE_SECONDS
    proxy: ProxySettings = field(default_factory=ProxySettings)

    def __post_init__(self) -> None:
        object.__setattr__(self, "services", tuple(sorted(self.services, key=lambda s: s.name)))

    def service(self, name: str) -> ServiceRoute | None:
        return next((s for s in self.services if s.name == name), None)

    def with_service(self, route: ServiceRoute) -> RoutingState:
        others = tuple(s for s in self.services if s.name != route.name)
        return replace(self, services=(*others, route))
