"""What a proxy must do, decided in Python from the routing state and URL ownership.

Backends only translate a ProxyPlan into their syntax, so every target splits, overrides and
mirrors the same way and templates stay free of decisions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from decompose.errors import ConfigError
from decompose.model import UrlRoute
from decompose.model.routing import (
    DEFAULT_AUTH_CACHE_SECONDS,
    DEFAULT_GATEWAY,
    Overrides,
    RoutingState,
    Stage,
)
from strangler.routes import MONOLITH, PathRule, Served, compute_ownership

# Cookie names the gateway owns; never Django's sessionid/csrftoken, which rotate at login.
CLIENT_COOKIE = "decompose_id"
ROUTE_COOKIE = "decompose_route"
ROUTE_HEADER = "X-Decompose-Route"
BACKEND_HEADER = "X-Decompose-Backend"
SHADOW_HEADER = "X-Decompose-Shadow"
TOKEN_PATH = "/_decompose/token"
STATUS_PATH = "/_decompose/status"
# Stands for the config's own hash while it is rendered; ``publish`` puts the hash in its place.
CONFIG_HASH = "@decompose-config-hash@"
_ADDRESS = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")


@dataclass(frozen=True)
class Upstream:
    """A host:port the proxy forwards to, split for targets that want the parts."""

    address: str

    def __post_init__(self) -> None:
        found = _ADDRESS.match(self.address)
        if found is None or not 0 < int(found.group("port")) < 65536:
            raise ConfigError(f"upstream {self.address!r} is not HOST:PORT")

    @property
    def host(self) -> str:
        return self.address.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])


@dataclass(frozen=True)
class ServicePlan:
    """One service's share: the side it answers for ``weight`` % of clients, and its paths."""

    name: str
    upstream: Upstream
    stage: Stage
    weight: int
    shadow_sample: int
    rules: tuple[PathRule, ...]

    @property
    def mirrored(self) -> bool:
        return self.stage is Stage.SHADOW and self.shadow_sample > 0


@dataclass(frozen=True)
class Tls:
    """PEM files for TLS termination at the gateway (paths as the proxy will read them)."""

    certificate: str
    key: str


@dataclass(frozen=True)
class ProxyPlan:
    listen: str  # PORT or HOST:PORT
    monolith: Upstream
    services: tuple[ServicePlan, ...]
    monolith_rules: tuple[PathRule, ...]  # reserved paths and monolith paths inside owned ones
    first_match: tuple[PathRule, ...]  # every rule, in the order first-match targets test them
    overrides: Overrides
    auth_exchange: bool
    runtime_dir: str  # absolute: logs, pid, temp files, sockets
    warnings: tuple[str, ...] = ()
    auth_cache_seconds: int = DEFAULT_AUTH_CACHE_SECONDS
    tls: Tls | None = None
    gateways: tuple[str, ...] = (DEFAULT_GATEWAY,)
    hosts: tuple[str, ...] = ()

    def service(self, name: str) -> ServicePlan:
        return next(s for s in self.services if s.name == name)


def build_plan(state: RoutingState, urls: tuple[UrlRoute, ...], *,
               listen: str | None = None, runtime_dir: str,
               served: Mapping[str, Served] | None = None) -> ProxyPlan:
    """Join routing state and URL ownership; a service owning no path is a warning, not a rule.

    ``served``: service name -> its extraction record's routes (see compute_ownership).
    """
    ownership = compute_ownership(urls, {s.name: s.apps for s in state.services}, served=served)
    warnings = list(ownership.warnings)
    services = []
    for route in state.services:
        rules = ownership.for_owner(route.name)
        if not rules:
            warnings.append(f"service {route.name!r} owns no URL path of apps "
                            f"{', '.join(route.apps)}; nothing is routed to it")
        services.append(ServicePlan(route.name, Upstream(route.upstream), route.stage,
                                    route.weight, route.shadow_sample, rules))
    return ProxyPlan(
        listen=listen or state.proxy.listen,
        monolith=Upstream(state.monolith),
        services=tuple(services),
        monolith_rules=ownership.for_owner(MONOLITH),
        first_match=ownership.first_match_order(),
        overrides=state.overrides,
        auth_exchange=state.auth_exchange,
        runtime_dir=runtime_dir,
        warnings=tuple(warnings),
        auth_cache_seconds=state.auth_cache_seconds,
        tls=Tls(state.proxy.tls_certificate, state.proxy.tls_key) if (
            state.proxy.tls_certificate and state.proxy.tls_key) else None,
        gateways=state.proxy.gateways,
        hosts=state.proxy.hosts,
    )
