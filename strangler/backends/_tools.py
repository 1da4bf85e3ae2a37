"""Edges shared by the backends: running a validator, resolving upstream hosts, template data."""

from __future__ import annotations

import dataclasses
import re
import shutil
import socket
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from decompose.errors import ToolMissing, ValidationFailed
from decompose.model.routing import DEFAULT_TRUSTED_NETWORKS
from strangler.plan import (
    BACKEND_HEADER,
    CLIENT_COOKIE,
    CONFIG_HASH,
    ROUTE_COOKIE,
    ROUTE_HEADER,
    SHADOW_HEADER,
    STATUS_PATH,
    TOKEN_PATH,
    ProxyPlan,
    ServicePlan,
    Upstream,
)


def run_validator(argv: Sequence[str], *, purpose: str, path: Path) -> str:
    """Run an external checker; its own message becomes the ValidationFailed message."""
    if shutil.which(argv[0]) is None:
        raise ToolMissing(argv[0], purpose)
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)
    output = (done.stderr + done.stdout).strip()
    if done.returncode != 0:
        lines = [line for line in output.splitlines() if line.strip()]
        raise ValidationFailed(f"{argv[0]} rejected the config: {' | '.join(lines[-6:])}",
                               path=path)
    return output


def resolvable(host: str) -> bool:
    try:
        socket.getaddrinfo(host.strip("[]"), None)
    except (socket.gaierror, UnicodeError):
        return False
    return True


def with_local_upstreams(plan: ProxyPlan) -> tuple[ProxyPlan, list[str]]:
    """The plan with hosts that do not resolve here (compose names) replaced by 127.0.0.1.

    A validator that resolves upstream names (``nginx -t``) would otherwise reject a config that
    is right for the machine it is deployed on; the rest of the file is still checked.
    """
    notes: list[str] = []

    def local(upstream: Upstream) -> Upstream:
        if resolvable(upstream.host):
            return upstream
        notes.append(f"upstream host {upstream.host!r} does not resolve here; checked the config "
                     f"with 127.0.0.1 in its place")
        return Upstream(f"127.0.0.1:{upstream.port}")

    services = tuple(dataclasses.replace(s, upstream=local(s.upstream)) for s in plan.services)
    return dataclasses.replace(plan, monolith=local(plan.monolith), services=services), notes


def template_context(plan: ProxyPlan) -> dict[str, object]:
    """What every proxy template reads: the plan's settings and the wire names, spelled once."""
    return {
        "runtime_dir": plan.runtime_dir,
        "monolith": plan.monolith,
        "overrides": plan.overrides,
        "trusted_networks": plan.overrides.trusted_networks if plan.overrides.enabled else (),
        "auth_exchange": plan.auth_exchange,
        "client_cookie": CLIENT_COOKIE,
        "route_cookie": ROUTE_COOKIE,
        "route_header": ROUTE_HEADER,
        "backend_header": BACKEND_HEADER,
        "shadow_header": SHADOW_HEADER,
        "token_path": TOKEN_PATH,
        "status_path": STATUS_PATH,
        "config_hash": CONFIG_HASH,
        "status_networks": status_networks(plan),
        "auth_cache_seconds": plan.auth_cache_seconds if plan.auth_exchange else 0,
        "tls": plan.tls,
        "listen": plan.listen,
    }


def status_networks(plan: ProxyPlan) -> tuple[str, ...]:
    """Who may read the status location: loopback, and the networks trusted with overrides."""
    return tuple(dict.fromkeys((*DEFAULT_TRUSTED_NETWORKS, *plan.overrides.trusted_networks)))


def status_json(plan: ProxyPlan, weight: Callable[[ServicePlan], str] = lambda s: str(s.weight),
                stage: Callable[[ServicePlan], str] = lambda s: str(s.stage)) -> str:
    """The status answer, compact JSON; ``weight``/``stage`` may spell a run-time lookup."""
    services = ", ".join(f'"{s.name}": {{"stage": "{stage(s)}", "weight": {weight(s)}}}'
                         for s in plan.services)
    return f'{{"config": "{CONFIG_HASH}", "services": {{{services}}}}}'


def template_services(plan: ProxyPlan) -> list[dict[str, object]]:
    """Services with a config-safe identifier (``billing-v2`` -> ``billing_v2``)."""
    return [{**_fields(s), "id": re.sub(r"\W", "_", s.name)} for s in plan.services]


def _fields(service: ServicePlan) -> dict[str, object]:
    values = {f.name: getattr(service, f.name) for f in dataclasses.fields(service)}
    values["mirrored"] = service.mirrored
    return values
