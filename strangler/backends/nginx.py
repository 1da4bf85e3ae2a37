"""nginx: a complete ``nginx.conf`` (split_clients buckets, auth_request exchange, mirror)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from strangler.backends import TEMPLATES, register
from strangler.backends._tools import (
    run_validator,
    template_context,
    template_services,
    with_local_upstreams,
)
from strangler.plan import ProxyPlan

CONFIG_FILE = "nginx.conf"


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
        text = template.render(**template_context(plan), listen=plan.listen,
                               services=template_services(plan),
                               monolith_rules=plan.monolith_rules)
        return {CONFIG_FILE: text}

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        """``nginx -t`` on the staged file (hosts that only resolve where it is deployed are
        checked as 127.0.0.1, and the runtime folders it needs are created first)."""
        runtime = Path(plan.runtime_dir)
        for sub in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (runtime / sub).mkdir(parents=True, exist_ok=True)
        local, notes = with_local_upstreams(plan)
        if not notes:
            conf = staged / CONFIG_FILE
            run_validator(["nginx", "-t", "-q", "-c", str(conf)], purpose="validate nginx.conf",
                          path=conf)
            return notes
        with tempfile.TemporaryDirectory(dir=staged) as scratch:
            conf = Path(scratch) / CONFIG_FILE
            conf.write_text(self.render(local)[CONFIG_FILE], encoding="utf-8")
            run_validator(["nginx", "-t", "-q", "-c", str(conf)], purpose="validate nginx.conf",
                          path=staged / CONFIG_FILE)
        return notes

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        conf = out / CONFIG_FILE
        return [f"nginx: reload to apply (graceful): nginx -s reload -c {conf}"]
