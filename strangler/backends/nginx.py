"""nginx: a complete ``nginx.conf`` (split_clients buckets, auth_request exchange, mirror)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from strangler.backends import TEMPLATES, register
from strangler.backends._tools import (
    run_validator,
    status_json,
    template_context,
    template_services,
    with_local_upstreams,
)
from strangler.live import LiveStatus, ReloadFailed, expected, status_url, wait_for
from strangler.plan import ProxyPlan
from strangler.publish import Published

CONFIG_FILE = "nginx.conf"
JS_FILE = "decompose_auth.js"  # read by nginx relative to the folder of nginx.conf
PID_FILE = "nginx.pid"
ERROR_LOG = "error.log"


def nginx_quote(text: str) -> str:
    """A double-quoted nginx token (regexes carry ``{``, ``;`` and spaces)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


TEMPLATES.filters["nginx_quote"] = nginx_quote


@register
class NginxBackend:
    name = "nginx"
    main_file = CONFIG_FILE
    listens = True

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        template = TEMPLATES.get_template("nginx.conf.j2")
        context = template_context(plan)
        text = template.render(**context, services=template_services(plan), js_file=JS_FILE,
                               monolith_rules=plan.monolith_rules, status_json=status_json(plan))
        files = {CONFIG_FILE: text}
        if context["auth_cache_seconds"]:
            files[JS_FILE] = TEMPLATES.get_template(f"{JS_FILE}.j2").render(**context)
        return files

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        """``nginx -t`` on the staged file (hosts that only resolve where it is deployed are
        checked as 127.0.0.1, and the runtime folders it needs are created first)."""
        runtime = Path(plan.runtime_dir)
        for sub in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi",
                    "tmp/auth_cache"):
            (runtime / sub).mkdir(parents=True, exist_ok=True)
        local, notes = with_local_upstreams(plan)
        if not notes:
            conf = staged / CONFIG_FILE
            run_validator(["nginx", "-t", "-q", "-c", str(conf)], purpose="validate nginx.conf",
                          path=conf)
            return notes
        with tempfile.TemporaryDirectory(dir=staged) as scratch:
            for name, text in self.render(local).items():
                (Path(scratch) / name).write_text(text, encoding="utf-8")
            conf = Path(scratch) / CONFIG_FILE
            run_validator(["nginx", "-t", "-q", "-c", str(conf)], purpose="validate nginx.conf",
                          path=staged / CONFIG_FILE)
        return notes

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        return ["nginx: reload to apply (graceful, then verified): decompose proxy --reload"]

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        """``nginx -s reload``, then the status location must serve the new config: nginx exits
        0 even when its new workers cannot start (a port in use), so only the answer counts."""
        conf = out / CONFIG_FILE
        pid = Path(plan.runtime_dir) / PID_FILE
        if not _running(pid):
            raise ReloadFailed(f"nginx is not running (no live process in {pid}): start it with "
                               f"nginx -c {conf}")
        log = Path(plan.runtime_dir) / ERROR_LOG
        start = log.stat().st_size if log.is_file() else 0
        done = subprocess.run(["nginx", "-s", "reload", "-c", str(conf)], capture_output=True,
                              text=True, timeout=30, check=False)
        if done.returncode != 0:
            raise ReloadFailed(f"nginx -s reload failed: {done.stderr.strip()}", path=conf)
        url = status_url(plan.listen, tls=plan.tls is not None)
        live = wait_for(url, expected(plan, published.config_hash))
        if not isinstance(live, LiveStatus) or live.config != published.config_hash:
            served = (f"it serves config {live.config}" if isinstance(live, LiveStatus)
                      else live)
            raise ReloadFailed(f"nginx did not take the new config ({served}): "
                               f"{_last_error(log, start)}")
        return [f"nginx: reloaded; {url} serves config {live.config}"]


def _running(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


def _last_error(log: Path, start: int) -> str:
    """nginx's own error line among what it logged since ``start``: the first of the most
    severe (a failed bind is [emerg], then "still could not bind()"; requests' errors meanwhile
    are [error])."""
    if not log.is_file():
        return f"no {log}"
    with log.open("rb") as handle:
        handle.seek(start)
        lines = handle.read().decode(errors="replace").splitlines()
    for level in ("emerg", "alert", "crit", "error"):
        found = [ln.strip() for ln in lines if f"[{level}]" in ln]
        if found:
            return found[0]
    return f"nothing logged in {log}"
