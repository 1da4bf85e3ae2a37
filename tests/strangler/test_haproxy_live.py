"""A real HAProxy, rendered by decompose, in front of two real gunicorn processes.

Percentages move through the runtime API (``set map``) with no reload; the map file is
rewritten too, so a restart keeps them.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from decompose.model import Overrides, Stage
from strangler.backends import get_backend
from strangler.plan import build_plan
from strangler.publish import publish
from tests.strangler import proxies
from tests.strangler.sample import SAMPLE_URLS, orders_state

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy not installed")]
OWNED = "/api/orders/"


class Gateway:
    def __init__(self, runtime: Path, port: int, monolith, service):
        self.runtime, self.port, self.monolith, self.service = runtime, port, monolith, service

    def route(self, **kwargs) -> list[str]:
        """Publish config + map (validated first), then push the weights to the live process."""
        state = orders_state(self.monolith.address, self.service.address, **kwargs)
        plan = build_plan(state, SAMPLE_URLS, listen=f"127.0.0.1:{self.port}",
                          runtime_dir=str(self.runtime))
        backend = get_backend("haproxy")
        publish(backend, plan, self.runtime)
        return backend.apply_live(plan, self.runtime)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    work = tmp_path_factory.mktemp("haproxy")
    env = proxies.migrate_sample(work / "db.sqlite3")
    with proxies.gunicorn(env, work, "monolith") as mono, \
            proxies.gunicorn(env, work, "service") as svc:
        gate = Gateway(work / "proxy", proxies.free_port(), mono, svc)
        gate.route(weight=10)
        with proxies.haproxy(gate.runtime / "haproxy.cfg", gate.port) as server:
            gate.server = server
            yield gate


def share(replies) -> float:
    return 100 * sum(r.backend == "orders" for r in replies) / len(replies)


def test_split_sticky_and_monotonic_without_reload(gateway):
    assert gateway.route(weight=10)  # the live process was reached
    pid = gateway.server.proc.pid
    first = proxies.many(gateway.port, OWNED, 3000)
    assert {r.status for r in first} == {401}
    assert abs(share(first) - 10) <= 2, share(first)
    cookies = [(r.client_cookie, r.backend) for r in first]
    assert all(c and len(c) == 32 for c, _ in cookies)
    sample = cookies[:300]
    again = [proxies.request(gateway.port, OWNED, headers={"Cookie": f"decompose_id={c}"})
             for c, _ in sample]
    assert [r.backend for r in again] == [b for _, b in sample]

    gateway.route(weight=50)
    on_service = [c for c, b in cookies if b == "orders"]
    later = [proxies.request(gateway.port, OWNED, headers={"Cookie": f"decompose_id={c}"})
             for c in on_service]
    assert {r.backend for r in later} == {"orders"}
    assert gateway.server.proc.pid == pid and gateway.server.proc.poll() is None
    assert (gateway.runtime / "weights.map").read_text().splitlines()[-1] == "orders 50"


def test_overrides_and_reserved_paths(gateway):
    gateway.route(weight=0)
    port = gateway.port
    assert proxies.request(port, OWNED).backend == "monolith"
    assert proxies.request(port, OWNED, headers={"X-Decompose-Route": "service"}).backend == \
        "orders"
    assert proxies.request(port, OWNED, headers={"Cookie": "decompose_route=service"}).backend \
        == "orders"
    assert proxies.request(port, OWNED, headers={
        "X-Decompose-Route": "monolith", "Cookie": "decompose_route=service"}).backend == "monolith"
    gateway.route(weight=100, stage=Stage.FULL)
    assert proxies.request(port, "/api/orders").backend == "orders"
    for path in ("/api/catalog/products/", "/admin/login/", "/"):
        assert proxies.request(port, path).backend == "monolith", path


def test_overrides_switched_off(gateway, tmp_path):
    # Trusted networks are config, not map data: a second HAProxy runs the new config.
    other = Gateway(tmp_path / "proxy", proxies.free_port(), gateway.monolith, gateway.service)
    other.route(weight=0, overrides=Overrides(enabled=False))
    with proxies.haproxy(other.runtime / "haproxy.cfg", other.port):
        reply = proxies.request(other.port, OWNED, headers={"X-Decompose-Route": "service"})
        assert reply.backend == "monolith"


def test_runtime_moves_under_load_lose_nothing(gateway):
    gateway.route(weight=10)
    failures: list[str] = []
    served: dict[str, int] = {}
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            try:
                reply = proxies.request(gateway.port, OWNED)
            except OSError as exc:
                failures.append(repr(exc))
                continue
            if reply.status != 401:
                failures.append(str(reply.status))
            served[reply.backend] = served.get(reply.backend, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        for step in ({"weight": 50}, {"weight": 100, "stage": Stage.FULL},
                     {"weight": 0, "stage": Stage.OFF}):
            time.sleep(1.0)
            gateway.route(**step)
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert failures == []
    assert served.get("orders", 0) > 0 and served.get("monolith", 0) > 0
