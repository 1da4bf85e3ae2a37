"""HAProxy: ``haproxy.cfg`` plus ``weights.map``, whose percentages change at run time.

HAProxy reads a map file at start and lets the runtime API change it in memory; writing both
(file, then ``set map``) is how a percentage moves without a reload and survives a restart.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import zlib
from pathlib import Path

from decompose.errors import ConfigError, DecomposeError
from strangler.backends import TEMPLATES, register
from strangler.backends._tools import (
    run_validator,
    status_json,
    template_context,
    template_services,
)
from strangler.live import LiveStatus, ReloadFailed, expected, status_url, wait_for
from strangler.plan import ProxyPlan
from strangler.publish import Published
from strangler.routes import MONOLITH, MatchKind, PathRule

CONFIG_FILE = "haproxy.cfg"
WEIGHTS_FILE = "weights.map"
STAGES_FILE = "stages.map"  # only for the status answer: weights.map must hold integers
LUA_FILE = "decompose_auth.lua"
SOCKET_FILE = "haproxy.sock"
MASTER_SOCKET = "master.sock"
LOG_FILE = "haproxy.log"
AUTH_CACHE_ENTRIES = 10000
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
        context = template_context(plan)
        context["listen"] = plan.listen if ":" in plan.listen else f"*:{plan.listen}"
        status = status_json(
            plan, weight=lambda s: f"%[str({s.name}),map_str_int({WEIGHTS_FILE},0)]",
            stage=lambda s: f"%[str({s.name}),map_str({STAGES_FILE},off)]")
        config = TEMPLATES.get_template("haproxy.cfg.j2").render(
            **context,
            services=services,
            rules=[_rule(r) for r in plan.first_match if r.owner == MONOLITH
                   or plan.service(r.owner).rules],
            weights_file=WEIGHTS_FILE,
            lua_file=LUA_FILE,
            status_json=status,
            monolith_is_address=_is_address(plan.monolith.host),
        )
        maps = TEMPLATES.get_template("weights.map.j2")
        files = {WEIGHTS_FILE: maps.render(services=services, field="weight"),
                 STAGES_FILE: maps.render(services=services, field="stage"), CONFIG_FILE: config}
        if plan.auth_exchange:
            files[LUA_FILE] = TEMPLATES.get_template("decompose_auth.lua.j2").render(
                **context, max_entries=AUTH_CACHE_ENTRIES)
        return files

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        """``haproxy -c`` on the staged files (the Lua script is loaded from the staged folder,
        so its syntax is checked too)."""
        if plan.tls is not None and plan.tls.key not in (plan.tls.certificate,
                                                         f"{plan.tls.certificate}.key"):
            raise ConfigError(f"HAProxy reads the private key from the certificate file or from "
                              f"CERT.key beside it: give --tls-key {plan.tls.certificate} (one "
                              f"PEM with both) or put the key at {plan.tls.certificate}.key")
        conf = staged / CONFIG_FILE
        checked = conf
        if plan.auth_exchange:
            checked = staged / f"checked-{CONFIG_FILE}"
            checked.write_text(conf.read_text(encoding="utf-8").replace(
                f"lua-load {plan.runtime_dir}/{LUA_FILE}", f"lua-load {staged / LUA_FILE}"),
                encoding="utf-8")
        try:
            run_validator(["haproxy", "-c", "-q", "-f", str(checked)],
                          purpose="validate haproxy.cfg", path=conf)
        finally:
            if checked != conf:
                checked.unlink()
        return [f"haproxy: service {s.name!r} is in shadow, which this target cannot mirror"
                for s in plan.services if s.mirrored]

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        """``set map`` each service's weight and stage on a running HAProxy (none running:
        nothing)."""
        sock = Path(plan.runtime_dir) / SOCKET_FILE
        if not sock.exists():
            return []
        try:
            listing = runtime_command(sock, "show map")
            for name, field in ((WEIGHTS_FILE, "weight"), (STAGES_FILE, "stage")):
                found = re.search(rf"^(\d+) \(\S*{re.escape(name)}\)", listing, re.M)
                if found is None:
                    return [f"haproxy: {name} is not loaded by the running process"]
                for svc in plan.services:
                    value = getattr(svc, field)
                    answer = runtime_command(sock, f"set map #{found.group(1)} {svc.name} {value}")
                    if answer.strip():
                        runtime_command(sock, f"add map #{found.group(1)} {svc.name} {value}")
        except OSError as exc:
            raise DecomposeError(f"HAProxy runtime API unreachable: {exc}", path=sock) from None
        return [f"haproxy: weights applied at run time through {sock} (no reload)"]


    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        """Weights through the runtime API; a changed haproxy.cfg through the master CLI's
        ``reload``; then the status location must serve the new config and weights."""
        runtime = Path(plan.runtime_dir)
        master = runtime / MASTER_SOCKET
        if not master.exists():
            raise ReloadFailed(f"no HAProxy master CLI at {master}: start HAProxy as "
                               f"haproxy -W -S {master} -f {out / CONFIG_FILE}")
        url = status_url(plan.listen, tls=plan.tls is not None)
        wanted = expected(plan, published.config_hash)
        notes = []
        live = wait_for(url, wanted, timeout=0)
        if not isinstance(live, LiveStatus) or live.config != wanted.config:
            log = runtime / LOG_FILE
            start = log.stat().st_size if log.is_file() else 0
            try:
                runtime_command(master, "reload", master_cli=True)
            except OSError as exc:
                raise ReloadFailed(f"HAProxy master CLI unreachable: {exc}", path=master) from None
            notes.append(f"haproxy: reloaded through {master}")
            live = wait_for(url, wanted)
            if not isinstance(live, LiveStatus) or live.config != wanted.config:
                raise ReloadFailed(f"HAProxy did not take the new config ({_served(live)}): "
                                   f"{_last_alert(log, start)}")
        notes += self.apply_live(plan, out)
        live = wait_for(url, wanted)
        if live != wanted:
            raise ReloadFailed(f"HAProxy serves {_served(live)}, not the saved weights")
        notes.append(f"haproxy: {url} serves config {wanted.config}")
        return notes


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _served(live: LiveStatus | str) -> str:
    return f"it serves config {live.config}" if isinstance(live, LiveStatus) else live


def _last_alert(log: Path, start: int) -> str:
    """HAProxy's own error line from what the master wrote since ``start`` (run as documented,
    its output goes to haproxy.log beside the config)."""
    if not log.is_file():
        return f"see HAProxy's output (the documented run command writes it to {log})"
    with log.open("rb") as handle:
        handle.seek(start)
        lines = handle.read().decode(errors="replace").splitlines()
    alerts = [ln.strip() for ln in lines if "[ALERT]" in ln and "Exiting" not in ln]
    return alerts[-1] if alerts else f"no [ALERT] in {log}"


def runtime_command(sock: Path, command: str, *, master_cli: bool = False) -> str:
    """One command over HAProxy's runtime API socket (or the master CLI, which keeps the
    connection open until told to ``quit``); returns its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        client.connect(str(sock))
        client.sendall(command.encode() + (b"; quit\n" if master_cli else b"\n"))
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()
