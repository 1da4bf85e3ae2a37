"""The expensive part of an end-to-end extraction proof, shared by one test module per app.

A copy of the sample monolith is migrated and seeded on a throwaway PostgreSQL, analysed and
extracted through the real CLI (``--apply`` patches the copy), then the patched monolith and the
generated service both run under gunicorn with production settings on loopback, on the SAME
database, with freshly generated RSA keys. Clients talk to both as a proxy would: the same
public ``Host`` and ``X-Forwarded-Proto: https`` on every request.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.support.demo import DEMO_PASSWORD
from tests.support.gunicorn import start_gunicorn
from tests.support.http import Reply, request
from tests.support.keys import key_pair
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env, decompose_cli, run, stop

REPO = Path(__file__).resolve().parents[2]
MONOLITH = REPO / "sample_monolith"
PUBLIC_HOST = "shop.example"
PROXY_HEADERS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Server:
    """One gunicorn on loopback, addressed as the proxy would address it."""

    url: str
    process: subprocess.Popen
    log: Path
    access_log: Path | None = None

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return request(self.url + path, headers={**PROXY_HEADERS, **(headers or {})})

    def send(self, method: str, path: str, body: object = None,
             headers: dict[str, str] | None = None) -> Reply:
        return request(self.url + path, method=method, body=body,
                       headers={**PROXY_HEADERS, **(headers or {})})


@dataclass(frozen=True)
class Stack:
    monolith_root: Path
    service_root: Path
    database_url: str
    monolith: Server
    service: Server
    service_env: dict[str, str]
    monolith_env: dict[str, str]

    def sql(self, query: str, *args: object) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as db:
            cursor = db.execute(query, args)
            return cursor.fetchall() if cursor.description else []

    def session_cookie(self, username: str) -> str:
        """Sign in through the monolith's own login form, as a browser would."""
        form = self.monolith.get("/accounts/login/")
        assert form.status == 200, form.body[:300]
        csrf = form.cookies["csrftoken"]
        hidden = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
        reply = request(self.monolith.url + "/accounts/login/", method="POST", form={
            "username": username, "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": hidden.decode()}, headers={
            **PROXY_HEADERS, "Cookie": f"csrftoken={csrf}",
            "Referer": f"https://{PUBLIC_HOST}/accounts/login/",
            "Origin": f"https://{PUBLIC_HOST}"})
        assert reply.status == 302 and "sessionid" in reply.cookies, reply.body[:500]
        return f"sessionid={reply.cookies['sessionid']}"

    def exchange(self, cookie: str) -> str:
        """What nginx ``auth_request`` does: the session cookie for a service access token."""
        reply = self.monolith.get("/_decompose/token", {"Cookie": cookie})
        assert reply.status == 200 and "x-decompose-token" in reply.headers, reply
        return reply.headers["x-decompose-token"]

    def signed_in(self, username: str) -> tuple[dict[str, str], dict[str, str]]:
        """The monolith's headers (a real session cookie) and the service's (the token the
        monolith exchanged that cookie for)."""
        cookie = self.session_cookie(username)
        return {"Cookie": cookie}, {"Authorization": f"Bearer {self.exchange(cookie)}"}

    def bridge_calls(self, action: Callable[[], Reply]) -> tuple[Reply, list[str]]:
        """``action``'s reply and the bridge reads/calls (``GET /_decompose/objects/...``,
        ``POST /_decompose/rpc``) the monolith's access log shows it caused, as request lines.

        gunicorn logs a request just after answering it, so the log is read once a marker
        request sent afterwards shows up, plus a moment for the other worker's last line."""
        log = self.monolith.access_log
        assert log is not None, "the monolith runs without an access log"
        start = log.stat().st_size
        reply = action()
        marker = f"/livez?after={secrets.token_hex(8)}"
        self.monolith.get(marker)
        deadline = time.monotonic() + 10
        while marker not in log.read_bytes()[start:].decode() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        lines = log.read_bytes()[start:].decode().splitlines()
        return reply, [line.split('"')[1] for line in lines
                       if '/_decompose/objects/' in line or '/_decompose/rpc' in line]


def require_dependencies(service_root: Path) -> None:
    """The service runs in this venv: its declared dependencies must be importable here."""
    project = tomllib.loads((service_root / "pyproject.toml").read_text())["project"]
    modules = {"djangorestframework": "rest_framework", "django-environ": "environ",
               "django-filter": "django_filters", "drf-spectacular": "drf_spectacular",
               "prometheus-client": "prometheus_client", "pyjwt": "jwt"}
    missing = []
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()
        module = modules.get(name, name.replace("-", "_"))
        if importlib.util.find_spec(module) is None:
            missing.append(requirement)
    if missing:
        pytest.fail(f"the generated service needs packages this venv lacks: {missing}; "
                    f"install them with pip first")


def gunicorn(cwd: Path, env: dict[str, str], log: Path, *args: str,
             access_log: Path | None = None) -> Server:
    if access_log is not None:
        args = (*args, "--access-logfile", str(access_log))
    url, process = start_gunicorn(cwd, env, log, *args, ready=lambda url: request(
        url + "/livez", headers=PROXY_HEADERS, timeout=2))
    return Server(url, process, log, access_log)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        stop(server.process)


@contextmanager
def extracted_stacks(apps: Sequence[str], scratch: Path) -> Iterator[dict[str, Stack]]:
    """Seed, extract each of ``apps`` in turn with --apply into the SAME monolith copy, and run
    the monolith and every service on one PostgreSQL; one ``Stack`` per app (sharing the
    monolith). Later extractions must keep the earlier services' bridge access working."""
    with ExitStack() as stack:
        database_url = stack.enter_context(temporary_postgres("shop"))
        root = scratch / "shop"
        shutil.copytree(MONOLITH, root, ignore=shutil.ignore_patterns(
            "db.sqlite3", "__pycache__", ".pytest_cache", "decompose-report"))
        token = key_pair()
        service_keys = {app: key_pair() for app in apps}
        hosts = f"{PUBLIC_HOST},127.0.0.1,localhost"
        monolith_env = clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS=hosts,
            DATABASE_URL=database_url, DECOMPOSE_TOKEN_PRIVATE_KEY=token.private,
            DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps(
                {app: keys.public for app, keys in service_keys.items()}))
        run([sys.executable, "manage.py", "migrate", "-v0"], root, monolith_env)
        run([sys.executable, "manage.py", "seed_demo"], root, monolith_env)
        decompose_cli("analyze", str(root), "--out", str(root / "decompose-report"), cwd=scratch)
        for app in apps:
            decompose_cli("extract", app, "--project", str(root), "--apply", cwd=scratch)
            require_dependencies(scratch / "services" / app)
        # The patch may install apps with tables (the events outbox): the monolith owns the schema.
        run([sys.executable, "manage.py", "migrate", "-v0"], root, monolith_env)
        logs = scratch / "logs"
        logs.mkdir()
        monolith = stack.enter_context(running(gunicorn(
            root, monolith_env, logs / "monolith.log", "config.wsgi:application",
            access_log=logs / "monolith-access.log")))
        stacks = {}
        for app in apps:
            service_root = scratch / "services" / app
            service_env = clean_env(
                DJANGO_SETTINGS_MODULE="config.settings.production",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS=hosts,
                DATABASE_URL=database_url,
                DECOMPOSE_SERVICE_PRIVATE_KEY=service_keys[app].private,
                DECOMPOSE_TOKEN_PUBLIC_KEY=token.public, MONOLITH_URL=monolith.url,
                PROMETHEUS_MULTIPROC_DIR=str(scratch / f"prometheus-{app}"))
            service = stack.enter_context(running(gunicorn(
                service_root, service_env, logs / f"{app}.log", "--config", "gunicorn.conf.py",
                "config.wsgi:application")))
            stacks[app] = Stack(root, service_root, database_url, monolith, service,
                                service_env, monolith_env)
        yield stacks


@contextmanager
def extracted_stack(app: str, scratch: Path) -> Iterator[Stack]:
    """Seed, extract ``app`` with --apply, and run both sides on one PostgreSQL."""
    with extracted_stacks([app], scratch) as stacks:
        yield stacks[app]


def parity(stack: Stack, path: str, monolith_headers: dict[str, str],
           service_headers: dict[str, str]) -> tuple[Reply, Reply]:
    """GET ``path`` from both; return both replies after checking status and JSON agree."""
    mono = stack.monolith.get(path, monolith_headers)
    serv = stack.service.get(path, service_headers)
    assert mono.status == serv.status, (path, mono.status, mono.body[:400], serv.body[:400])
    assert mono.json() == serv.json(), path
    return mono, serv


def assert_service_suite_passes(stack: Stack) -> None:
    """The generated service's own tests, run against the stack's database."""
    out = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
              stack.service_root, clean_env(DATABASE_URL=stack.database_url), timeout=600)
    assert " passed" in out and " failed" not in out and " error" not in out


def assert_deploy_checks_clean(stack: Stack) -> None:
    out = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
              stack.service_root, stack.service_env)
    assert "no issues" in out
