"""The patched monolith and an extracted service under gunicorn on one database, and every moved
GET route asked of both: the service must answer as the monolith does.

Used by benchmarks/extract_corpus.py once a service is written. Both servers run on loopback
ports and are always stopped (context managers), their logs kept beside the service. Requests
carry one public ``Host`` and ``X-Forwarded-Proto: https``, as the proxy in front of both would.
The monolith is signed in with its own session (a user created in the database, logged in by
Django's test client in ``manage.py shell``); the service gets the access token the monolith's
bridge exchanges that session for (``/_decompose/token``, what nginx's ``auth_request`` does).
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import yaml

from tests.support.gunicorn import start_gunicorn
from tests.support.http import Reply, request
from tests.support.processes import stop

PUBLIC_HOST = "proof.example"
PROXY_HEADERS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
BOOT_TIMEOUT = 60.0
_ABSOLUTE_URL = re.compile(r"https?://[^/\s\"']+")
_CSRF_VALUE = re.compile(r'(csrfmiddlewaretoken|csrf_token|csrftoken)([^>]*?value=")[^"]*')
# django-simple-captcha's challenge key, new on every render (a row of its CaptchaStore): the
# hidden field's value, also in the image's and audio's URLs (kiwi's password reset form).
_CAPTCHA_KEY = re.compile(r'name="captcha_0"[^>]*?value="([^"]+)"')

# Run by the monolith's ``manage.py shell -c``: a superuser (created once) signed in by Django's
# test client, whose session cookie the script prints last.
PROOF_USER = "decompose-proof"  # the superuser signed in (a recipe's seed may make it first)
PROOF_EMAIL = "proof@example.com"  # its email, its name where the user model signs in by email
SIGN_IN = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
User = get_user_model()
name = "PROOF_EMAIL" if User.USERNAME_FIELD == "email" else "PROOF_USER"
user = User._default_manager.filter(**{User.USERNAME_FIELD: name}).first()
if user is None:
    fields = {"email": "PROOF_EMAIL", User.USERNAME_FIELD: name}
    user = User._default_manager.create_superuser(password="decompose-proof", **fields)
client = Client()
client.force_login(user)
print(settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
""".replace("PROOF_USER", PROOF_USER).replace("PROOF_EMAIL", PROOF_EMAIL)


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen

    def get(self, path: str, headers: dict[str, str]) -> Reply:
        return request(self.url + path, headers={**PROXY_HEADERS, **headers})


@dataclass(frozen=True)
class RouteComparison:
    """How many moved GET routes answered alike, and what differed or could not be asked."""

    equal: tuple[str, ...]
    different: tuple[str, ...]  # "path: monolith 200, service 500"
    not_asked: tuple[str, ...]  # "path: no row gives {slug}"

    def __str__(self) -> str:
        return f"{len(self.equal)}/{len(self.equal) + len(self.different)} routes equal"


@contextmanager
def gunicorn(python: Path, cwd: Path, env: dict[str, str], log: Path,
             *args: str) -> Iterator[Server]:
    """``python -m gunicorn ARGS`` on a free port, once it answers HTTP; stopped on exit."""
    url, process = start_gunicorn(
        cwd, env, log, "--timeout", "60", *args, python=python, timeout=BOOT_TIMEOUT,
        fail=_one_line_error, ready=lambda url: request(url + "/", headers=PROXY_HEADERS,
                                                       timeout=5))
    try:
        yield Server(url, process)
    finally:
        stop(process)


def _one_line_error(message: str) -> NoReturn:
    """gunicorn's failure as a row of the table shows it: the reason and its log's last line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    raise RuntimeError(" ".join([lines[0], *lines[1:][-1:]])[:300])


def service_token(monolith: Server, credentials: dict[str, str]) -> str:
    """The service access token the monolith's bridge gives for these credentials (a session
    cookie, or the monolith API's own ``Authorization``), as the gateway exchanges them."""
    reply = monolith.get("/_decompose/token", credentials)
    token = reply.headers.get("x-decompose-token")
    if reply.status != 200 or not token:
        raise RuntimeError(f"/_decompose/token answered {reply.status} without a token: "
                           f"{reply.body[:200]!r}")
    return token


def moved_get_paths(service: Path, graph: Path) -> list[str]:
    """The service's GET operations (its openapi.yaml), and the paths without parameters of
    its mounts (extraction.json ``routes``: server-rendered pages, the admin) and of the moved
    apps' routes as the monolith's URLconf writes them (``graph``: a router built with
    ``trailing_slash=False`` lists at ``/api/wiki``, and ``/api/wiki/`` is no page at all).
    A prefix the service serves only below (``children_only_routes``: a viewset without a list
    route) is asked neither way: the proxy leaves both paths where they were."""
    schema = yaml.safe_load((service / "openapi.yaml").read_text()) or {}
    paths = {path for path, operations in (schema.get("paths") or {}).items()
             if "get" in operations}
    record = json.loads((service / "extraction.json").read_text())
    below = {route.rstrip("/") for route in record.get("children_only_routes", [])}
    urls = json.loads(graph.read_text()).get("urls", [])
    slashless = {url["prefix"] for url in urls if url["app"] in record.get("apps", [])
                 and not url.get("regex") and not url["prefix"].endswith("/")} - below
    routes = {route for route in record.get("routes", [])
              if route.rstrip("/") not in slashless | below}
    return sorted(paths | {path for path in routes | slashless
                           if "<" not in path and "(" not in path})


def compare_routes(monolith: Server, service: Server, paths: list[str],
                   monolith_headers: dict[str, str], service_headers: dict[str, str],
                   evidence: Path) -> RouteComparison:
    """GET each path from both; ``{param}`` is filled from the monolith's list of that
    collection (its first row), so detail routes are asked with ids of rows that exist.
    Both bodies of a route that differs are written to ``evidence``."""
    equal, different, not_asked = [], [], []
    for template in paths:
        path = _concrete(template, monolith, monolith_headers)
        if path is None:
            not_asked.append(f"{template}: no row to fill its parameters from")
            continue
        asked = datetime.now(UTC)
        mono, serv = monolith.get(path, monolith_headers), service.get(path, service_headers)
        window = (asked, datetime.now(UTC))
        if mono.status == serv.status and normalised(mono, window) == normalised(serv, window):
            equal.append(path)
        else:
            evidence.mkdir(parents=True, exist_ok=True)
            for side, reply in (("monolith", mono), ("service", serv)):
                (evidence / f"{re.sub(r'[^A-Za-z0-9]+', '_', path)}.{side}").write_bytes(
                    reply.body)
            different.append(f"{path}: monolith {mono.status}, service {serv.status}"
                             + ("" if mono.status != serv.status else
                                f", first difference: {_first_difference(mono, serv, window)}"))
    return RouteComparison(tuple(equal), tuple(different), tuple(not_asked))


def _concrete(template: str, monolith: Server, headers: dict[str, str]) -> str | None:
    """``/api/orders/{id}/`` with the ``id`` of the first row ``/api/orders/`` lists (its
    ``slug``, ``code`` or ``id``, for a parameter it has no field of that name for)."""
    match = re.search(r"\{(\w+)\}", template)
    if match is None:
        return template
    listing = monolith.get(template[:match.start()], headers)
    try:
        body = listing.json()
    except ValueError:
        return None
    rows = body.get("results") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
        return None
    # the row's own field of that name (``code`` for ``{code__iexact}``), else its lookup:
    # ``{event}`` of /api/events/{event}/ is the slug of the row /api/events/ lists
    name = match.group(1).partition("__")[0]
    keys = [name, "id"] if name in ("pk", "id") else [name, "slug", "code", "id"]
    value = next((rows[0][key] for key in keys if rows[0].get(key) is not None), None)
    if value is None:
        return None
    return _concrete(template[:match.start()] + str(value) + template[match.end():],
                     monolith, headers)


def _first_difference(monolith: Reply, service: Reply, window: Window) -> str:
    """The first line one side has and the other not (of the normalised bodies)."""
    for line in difflib.unified_diff(_lines(monolith, window), _lines(service, window),
                                     lineterm="", n=0):
        if line[:1] in "+-" and line[:3] not in ("+++", "---") and line[1:].strip():
            side = "monolith" if line[0] == "-" else "service"
            return f"only the {side} has {line[1:].strip()[:120]!r}"
    return "whitespace"


def _lines(reply: Reply, window: Window) -> list[str]:
    value = normalised(reply, window)
    text = value if isinstance(value, str) else json.dumps(value, indent=1, sort_keys=True)
    return text.splitlines()


# When a route was asked: from before the monolith's request to after the service's reply.
Window = tuple[datetime, datetime]
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def normalised(reply: Reply, window: Window) -> object:
    """JSON with absolute URLs made relative, the time of the answer blanked (a moment of
    ``window``: Tandoor's pages say when they were made, ``"timestamp"``; a row's times,
    made before, stay) and lists in a canonical order; other bodies with their per-render
    CSRF tokens and captcha keys blanked."""
    try:
        return _canonical(reply.json(), window)
    except ValueError:
        text = _CSRF_VALUE.sub(r"\1\2", reply.body.decode(errors="replace"))
        for key in set(_CAPTCHA_KEY.findall(text)):
            text = text.replace(key, "")
        return text


def _canonical(value: object, window: Window) -> object:
    if isinstance(value, dict):
        return {key: _canonical(item, window) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item, window) for item in value), key=lambda item: json.dumps(
            item, sort_keys=True, default=str))
    if isinstance(value, str):
        return "<when answered>" if _answered_at(value, window) else _ABSOLUTE_URL.sub("", value)
    return value


def _answered_at(value: str, window: Window) -> bool:
    """Whether ``value`` is a time with its zone within ``window``."""
    if not _TIMESTAMP.match(value):
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and window[0] <= moment <= window[1]
