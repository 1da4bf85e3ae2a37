"""HAProxy: ``haproxy.cfg`` plus ``weights.map``, whose percentages change at run time.

HAProxy reads a map file at start and lets the runtime API change it in memory; writing both
(file, then ``set map``) is how a percentage moves without a reload and survives a restart.
"""

from __future__ import annotations

import re
import socket
import zlib
from pathlib import Path

from decompose.errors import ConfigError, DecomposeError
from strangler.backends import TEMPLATES, register
from strangler.backends._tools import run_validator, template_context, template_services
from strangler.plan import ProxyPlan
from strangler.routes import MONOLITH, MatchKind, PathRule

CONFIG_FILE = "haproxy.cfg"
WEIGHTS_FILE = "weights.map"
SOCKET_FILE = "haproxy.sock"
_FETCH = {MatchKind.EXACT: "path", MatchKind.PREFIX: "path_beg", MatchKind.REGEX: "path_reg"}


def _rule(rule: PathRule) -> dict[str, str]:
    if rule.kind is MatchKind.REGEX:
        if "'" in rule.path:
            raise ConfigError(f"regex {rule.path!r} cannot be written for HAProxy (quote)")
        pattern = f"'{rule.path}'"
    else:
        pattern = rule.path
    return {"fetch": _FETCH[rule.kind], "pattern": pattern, "owner": rule.owner,
            "id": re.sub(r"\W", "_", rule.owner)}


@register
class HaproxyBackend:
    name = "haproxy"
    main_file = CONFIG_FILE
    listens = True

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        services = [{**s, "seed": zlib.crc32(str(s["name"]).encode())}
                    for s in template_services(plan)]
        listen = plan.listen if ":" in str(plan.listen) else f"*:{plan.listen}"
        config = TEMPLATES.get_template("haproxy.cfg.j2").render(
            **template_context(plan),
            listen=listen,
            services=services,
            rules=[_rule(r) for r in plan.first_match if r.owner == MONOLITH
                   or plan.service(r.owner).rules],
            weights_file=WEIGHTS_FILE,
        )
        weights = TEMPLATES.get_template("weights.map.j2").render(services=services)
        return {WEIGHTS_FILE: weights, CONFIG_FILE: config}

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        conf = staged / CONFIG_FILE
        run_validator(["haproxy", "-c", "-q", "-f", str(conf)], purpose="validate haproxy.cfg",
                      path=conf)
        return [f"haproxy: service {s.name!r} is in shadow, which this target cannot mirror"
                for s in plan.services if s.mirrored]

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        """``set map`` each service's weight on a running HAProxy (none running: nothing)."""
        sock = Path(plan.runtime_dir) / SOCKET_FILE
        if not sock.exists():
            return []
        try:
            listing = runtime_command(sock, "show map")
            found = re.search(rf"^(\d+) \(\S*{re.escape(WEIGHTS_FILE)}\)", listing, re.M)
            if found is None:
                return [f"haproxy: {WEIGHTS_FILE} is not loaded by the running process"]
            for svc in plan.services:
                ref = f"#{found.group(1)}"
                answer = runtime_command(sock, f"set map {ref} {svc.name} {svc.weight}")
                if answer.strip():
                    runtime_command(sock, f"add map {ref} {svc.name} {svc.weight}")
        except OSError as exc:
            raise DecomposeError(f"HAProxy runtime API unreachable: {exc}", path=sock) from None
        return [f"haproxy: weights applied at run time through {sock} (no reload)"]


def runtime_command(sock: Path, command: str) -> str:
    """One command over HAProxy's runtime API socket; returns its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        client.connect(str(sock))
        client.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()
