"""Real processes for the strangler tests: gunicorn upstreams, nginx, HAProxy, a small client.

Everything binds 127.0.0.1 on free ports; each process is started and stopped by a fixture.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.http import free_port
from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_monolith"
ACCESS_FORMAT = '%(m)s %(U)s?%(q)s %(s)s shadow=%({x-decompose-shadow}i)s rid=%({x-request-id}i)s'


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


@contextlib.contextmanager
def listening(proc: subprocess.Popen, port: int) -> Iterator[subprocess.Popen]:
    """``proc`` once it accepts connections on ``port``; stopped on exit, whatever happened."""
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        stop(proc)


@dataclass
class Gunicorn:
    """The sample monolith under gunicorn, logging every request it gets to ``access_log``."""

    port: int
    access_log: Path
    proc: subprocess.Popen

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []


def migrate_sample(database: Path) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DATABASE_URL": f"sqlite:///{database}", "DJANGO_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=SAMPLE, env=env,
                   check=True, timeout=120)
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_dir: Path, name: str, *, cwd: Path = SAMPLE,
             config: str | None = None) -> Iterator[Gunicorn]:
    """A Django project under gunicorn on a free loopback port; ``config``: its gunicorn.conf."""
    port = free_port()
    log = log_dir / f"{name}.access.log"
    settings = ["--config", config] if config else []
    with (log_dir / f"{name}.out.log").open("ab") as out:  # what a config's own logging writes
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *settings, "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--access-logfile", str(log),
             "--access-logformat", ACCESS_FORMAT,
             "--error-logfile", str(log_dir / f"{name}.error.log"), "config.wsgi"],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    with listening(proc, port):
        yield Gunicorn(port, log, proc)


@dataclass
class Nginx:
    conf: Path
    port: int
    proc: subprocess.Popen

    def reload(self) -> None:
        """Graceful reload; returns once only workers of the new configuration are left."""
        old = self.workers()
        subprocess.run(["nginx", "-s", "reload", "-c", str(self.conf)], check=True, timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = self.workers()
            if now and not now & old:
                return
            time.sleep(0.05)
        raise TimeoutError("nginx workers of the old configuration did not exit")

    def workers(self) -> set[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True, check=False).stdout
        return {int(p) for p in out.split()}


@contextlib.contextmanager
def nginx(conf: Path, port: int) -> Iterator[Nginx]:
    """nginx in the foreground. Under root its workers run as root too: the runtime folder
    (credential exchange cache) is inside pytest's private temp folder, which ``nobody``, the
    default worker user, cannot enter."""
    settings = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    with listening(subprocess.Popen(["nginx", "-c", str(conf), "-g", settings]), port) as proc:
        yield Nginx(conf, port, proc)


@dataclass
class Haproxy:
    conf: Path
    port: int
    proc: subprocess.Popen
    output: Path


@contextlib.contextmanager
def haproxy(conf: Path, port: int) -> Iterator[Haproxy]:
    """HAProxy as the generated config's header says to run it: master-worker, master CLI
    beside the config, its output in haproxy.log."""
    output = conf.parent / "haproxy.log"
    with output.open("a") as sink:
        proc = subprocess.Popen(["haproxy", "-W", "-S", str(conf.parent / "master.sock"),
                                 "-f", str(conf)], stdout=sink, stderr=sink)
        with listening(proc, port):
            yield Haproxy(conf, port, proc, output)


@dataclass
class Reply:
    status: int
    backend: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)  # every Set-Cookie, by name
    body: bytes = b""
    request_ids: tuple[str, ...] = ()  # every X-Request-ID header, to see it is sent once

    @property
    def client_cookie(self) -> str | None:
        return self.cookies.get("decompose_id")


def request(port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
            body: bytes | None = None) -> Reply:
    """One request on a fresh connection (the way a new client arrives)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        cookies = dict(v.split(";")[0].split("=", 1) for k, v in response.getheaders()
                       if k.lower() == "set-cookie")
        request_ids = tuple(v for k, v in response.getheaders() if k.lower() == "x-request-id")
        return Reply(response.status, found.get("x-decompose-backend", ""), found, cookies, body,
                     request_ids)
    finally:
        conn.close()


def returning(port: int, path: str, client_ids: list[str]) -> list[Reply]:
    """One request from each known client (its ``decompose_id`` cookie), in order."""
    return [request(port, path, headers={"Cookie": f"decompose_id={c}"}) for c in client_ids]


def many(port: int, path: str, count: int, **kwargs) -> list[Reply]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: request(port, path, **kwargs), range(count)))


def share(replies: list[Reply], backend: str) -> float:
    """The percentage of ``replies`` that ``backend`` answered."""
    return 100 * sum(r.backend == backend for r in replies) / len(replies)


def wait_until(predicate, timeout: float = 30) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()
