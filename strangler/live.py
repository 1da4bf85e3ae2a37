"""What the running proxy serves, asked of the proxy itself, and what decompose last applied.

The generated nginx and HAProxy configs answer ``/_decompose/status`` (loopback and trusted
networks only) with the hash of the config they run and each service's stage and weight, so a
reload is verified against the process, not against an exit code, and ``decompose route
--status`` can put the saved state and the live one side by side.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from decompose.errors import DecomposeError
from decompose.model.routing import Stage
from decompose.serialize import write_text_atomic
from strangler.plan import STATUS_PATH, ProxyPlan

APPLIED_FILE = "applied.json"
_WILDCARDS = {"*": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}


@dataclass(frozen=True)
class Share:
    stage: Stage
    weight: int


@dataclass(frozen=True)
class LiveStatus:
    """What ``/_decompose/status`` answered."""

    config: str
    services: Mapping[str, Share]


class ReloadFailed(DecomposeError):
    """The proxy did not take the new config; the message carries the proxy's own error line."""


def status_url(listen: str, *, tls: bool) -> str:
    """Where the proxy's status location answers, from its listen address (on this machine)."""
    host, _, port = str(listen).rpartition(":")
    host = _WILDCARDS.get(host or "*", host)
    return f"{'https' if tls else 'http'}://{host}:{port}{STATUS_PATH}"


def fetch_status(url: str, timeout: float = 2) -> LiveStatus:
    """The proxy's answer; OSError (refused, timeout) or ValueError (not our status) if none."""
    context = ssl._create_unverified_context() if url.startswith("https") else None
    request = urllib.request.Request(url, headers={"Connection": "close"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        body = json.loads(response.read())
    try:
        return LiveStatus(str(body["config"]), {
            name: Share(Stage(share["stage"]), int(share["weight"]))
            for name, share in body["services"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a decompose status answer: {exc}") from None


def expected(plan: ProxyPlan, config_hash: str) -> LiveStatus:
    return LiveStatus(config_hash, {s.name: Share(s.stage, s.weight) for s in plan.services})


def wait_for(url: str, wanted: LiveStatus, timeout: float = 10) -> LiveStatus | str:
    """Poll until the proxy serves ``wanted``: the status, or what it served last (or why it
    did not answer) once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    last: LiveStatus | str = "no answer"
    while True:
        try:
            last = fetch_status(url)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            last = f"no status answer at {url} ({getattr(exc, 'reason', exc)})"
        if last == wanted or time.monotonic() > deadline:
            return last
        time.sleep(0.1)


@dataclass(frozen=True)
class Applied:
    """The last ``decompose proxy --reload``: what it asked the proxy to serve, and the outcome."""

    target: str
    config: str
    at: datetime
    ok: bool
    error: str = ""


def write_applied(folder: Path, applied: Applied) -> None:
    data = {"target": applied.target, "config": applied.config,
            "at": applied.at.isoformat().replace("+00:00", "Z"), "ok": applied.ok,
            "error": applied.error}
    write_text_atomic(folder / APPLIED_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_applied(folder: Path) -> Applied | None:
    path = folder / APPLIED_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Applied(data["target"], data["config"],
                       datetime.fromisoformat(data["at"].replace("Z", "+00:00")),
                       bool(data["ok"]), data.get("error", ""))
    except (ValueError, KeyError, TypeError):
        return None
