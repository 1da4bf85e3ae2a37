"""Drive a live proxy the way an operator does: ``decompose route`` then ``decompose proxy``.

State changes go through the real commands (decompose.toml in the patched monolith); settings
that have no flag (overrides, credential exchange) are edited in decompose.toml, as a team would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from click.testing import CliRunner

from decompose.model import Overrides
from strangler import state as routing
from strangler.command import proxy, route
from tests.strangler import proxies
from tests.strangler.deployment import Deployment
from tests.support.demo import DEMO_PASSWORD, demo_token


def run(command, *args: object) -> str:
    result = CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@dataclasses.dataclass
class Gateway:
    deployment: Deployment
    target: str
    runtime: Path
    port: int

    @property
    def project(self) -> Path:
        return self.deployment.project

    def route(self, *flags: object) -> str:
        """``decompose route orders FLAGS`` against the real upstreams; returns its output."""
        return run(route, "orders", *flags, "--project", self.project,
                   "--upstream", self.deployment.service.address,
                   "--monolith", self.deployment.monolith.address)

    server: object = None  # the running proxy, once started

    def settings(self, *, overrides: Overrides | None = None,
                 auth_exchange: bool | None = None) -> None:
        loaded = routing.load_state(self.project)
        state = loaded.state
        if overrides is not None:
            state = dataclasses.replace(state, overrides=overrides)
        if auth_exchange is not None:
            state = dataclasses.replace(state, auth_exchange=auth_exchange)
        routing.save_state(self.project, loaded, state)

    def publish(self, *flags: object) -> str:
        """``decompose proxy --target T``: validated config replaces the old one."""
        return run(proxy, "--target", self.target, "--project", self.project,
                   "--listen", f"127.0.0.1:{self.port}", "--out", self.runtime, *flags)

    def move(self, *flags: object) -> str:
        """A stage change: ``decompose route``, then ``decompose proxy --reload`` once the proxy
        runs (it verifies the proxy serves the new state)."""
        output = self.route(*flags)
        return output + self.publish(*(("--reload",) if self.server is not None else ()))

    @contextlib.contextmanager
    def serving(self, start: Callable[[Path, int], contextlib.AbstractContextManager], config: str,
                *, auth_exchange: bool) -> Iterator[Gateway]:
        """The proxy ``start``-ed on its published ``config`` at 10 %, overrides on, as
        ``self.server`` while the block runs."""
        self.settings(overrides=Overrides(), auth_exchange=auth_exchange)
        self.move("--percent", "10")
        with start(self.runtime / config, self.port) as server:
            self.server = server
            try:
                yield self
            finally:
                self.server = None


def login(port: int, username: str) -> str:
    """The monolith's real login form, through the gateway: returns the session cookie."""
    page = proxies.request(port, "/accounts/login/")
    csrf = page.cookies["csrftoken"]
    form = f"username={username}&password={DEMO_PASSWORD}&csrfmiddlewaretoken={csrf}"
    done = proxies.request(port, "/accounts/login/", method="POST", body=form.encode(), headers={
        "Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"})
    assert done.status == 302, done.status
    return done.cookies["sessionid"]


SIDES = {"service": "orders", "monolith": "monolith"}


def both_sides(port: int, path: str, headers: dict[str, str], *,
               answered_by: dict[str, str] = SIDES) -> dict[str, proxies.Reply]:
    """The same request forced to each side with the override header."""
    found = {}
    for side, name in answered_by.items():
        reply = proxies.request(port, path, headers={**headers, "X-Decompose-Route": side})
        assert reply.backend == name
        found[side] = reply
    return found


def assert_same_json_for_signed_in_clients(port: int, path: str) -> None:
    """A browser (session cookie from the real login form) and an API client (the monolith's
    token) get the same JSON from the service as from the monolith."""
    session = login(port, "bob")
    clients = {"browser (session cookie)": {"Cookie": f"sessionid={session}"},
               "API client (monolith token)": {"Authorization": f"Token {demo_token('alice')}"}}
    for name, headers in clients.items():
        replies = both_sides(port, path, headers)
        assert {r.status for r in replies.values()} == {200}, name
        bodies = {side: json.loads(r.body) for side, r in replies.items()}
        assert bodies["service"] == bodies["monolith"], name
        assert bodies["service"]["count"] > 0, name
        first = bodies["monolith"]["results"][0]["id"]
        detail = both_sides(port, f"{path}{first}/", headers)
        assert detail["service"].body == detail["monolith"].body, name


def assert_session_writes_keep_their_csrf_check(port: int, path: str) -> None:
    """A signed-in browser's write is refused without its CSRF token and let through with it,
    on the service's side as on the monolith's: the exchange is checked with the client's
    method, not the proxy's GET, and never answered from the cache."""
    csrf = proxies.request(port, "/accounts/login/").cookies["csrftoken"]
    session = login(port, "bob")
    for side, name in SIDES.items():
        headers = {"Content-Type": "application/json", "X-Decompose-Route": side}
        # A read first, so a cache answering writes too would hold this client's exchange.
        proxies.request(port, path, headers={"Cookie": f"sessionid={session}", **headers})
        refused = proxies.request(port, path, method="POST", body=b"{}", headers={
            "Cookie": f"sessionid={session}", **headers})
        assert (refused.status, refused.backend) == (403, "monolith"), (side, refused)
        assert b"CSRF" in refused.body, (side, refused.body[:300])
        allowed = proxies.request(port, path, method="POST", body=b"{}", headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf, **headers})
        assert (allowed.status, allowed.backend) == (400, name), (side, allowed.body[:300])


Client = tuple[dict[str, str], int]  # request headers, the status every reply must have


def moves_under_load(move: Callable[..., object], port: int, path: str,
                     clients: Sequence[Client]) -> tuple[list[str], dict[str, int]]:
    """Clients request ``path`` while the stage moves to 50 %, full and back again.

    Returns what failed and how many replies each backend gave.
    """
    failures: list[str] = []
    served: dict[str, int] = {}
    stop = threading.Event()

    def client(headers: dict[str, str], expected: int) -> None:
        for _ in range(2000):  # bounded; the steps below end it much sooner
            if stop.is_set():
                return
            try:
                reply = proxies.request(port, path, headers=headers)
            except OSError as exc:  # refused, reset, timeout
                failures.append(repr(exc))
                continue
            if reply.status != expected:
                failures.append(f"{reply.status} from {reply.backend}")
            served[reply.backend] = served.get(reply.backend, 0) + 1

    threads = [threading.Thread(target=client, args=args) for args in clients]
    for thread in threads:
        thread.start()
    try:
        for step in (("--percent", "50"), ("--full",), ("--rollback",)):
            time.sleep(1.0)
            move(*step)
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    return failures, served
