"""A real nginx, rendered by decompose, in front of two real gunicorn processes.

Until the extractor exists, the "service" upstream is a second gunicorn running the same sample
monolith: the split is decided and labelled at the gateway, and each process's own access log
shows which one really received a request.
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
              pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")]
OWNED = "/api/orders/"


class Gateway:
    def __init__(self, runtime: Path, port: int, monolith: proxies.Gunicorn,
                 service: proxies.Gunicorn):
        self.runtime, self.port = runtime, port
        self.monolith, self.service = monolith, service
        self.server: proxies.Nginx | None = None

    def route(self, **kwargs) -> None:
        """Publish the config for this state (validated first) and reload nginx."""
        state = orders_state(self.monolith.address, self.service.address, **kwargs)
        plan = build_plan(state, SAMPLE_URLS, listen=f"127.0.0.1:{self.port}",
                          runtime_dir=str(self.runtime))
        publish(get_backend("nginx"), plan, self.runtime)
        if self.server is not None:
            self.server.reload()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    env = proxies.migrate_sample(work / "db.sqlite3")
    with proxies.gunicorn(env, work, "monolith") as mono, \
            proxies.gunicorn(env, work, "service") as svc:
        gate = Gateway(work / "proxy", proxies.free_port(), mono, svc)
        gate.route(weight=10)
        with proxies.nginx(gate.runtime / "nginx.conf", gate.port) as server:
            gate.server = server
            yield gate


def share(replies) -> float:
    return 100 * sum(r.backend == "orders" for r in replies) / len(replies)


def test_ten_percent_of_new_clients_sticky_and_monotonic(gateway):
    gateway.route(weight=10)
    first = proxies.many(gateway.port, OWNED, 3000)
    assert {r.status for r in first} == {401}  # DRF's answer on either side: no proxy error
    assert abs(share(first) - 10) <= 2, share(first)
    cookies = [(r.client_cookie, r.backend) for r in first]
    assert all(c and len(c) == 32 for c, _ in cookies)
    assert len({c for c, _ in cookies}) == len(cookies)

    sample = cookies[:300]
    again = [proxies.request(gateway.port, OWNED, headers={"Cookie": f"decompose_id={c}"})
             for c, _ in sample]
    assert [r.backend for r in again] == [b for _, b in sample]
    assert not any(r.client_cookie for r in again)  # a known client gets no new id

    gateway.route(weight=50)
    on_service = [c for c, b in cookies if b == "orders"]
    later = [proxies.request(gateway.port, OWNED, headers={"Cookie": f"decompose_id={c}"})
             for c in on_service]
    assert {r.backend for r in later} == {"orders"}
    assert abs(share(proxies.many(gateway.port, OWNED, 1000)) - 50) <= 5


def test_authorization_buckets_api_clients_without_cookies(gateway):
    gateway.route(weight=50)
    for token in ("Token abc", "Token def", "Token 123"):
        sides = {proxies.request(gateway.port, OWNED, headers={"Authorization": token}).backend
                 for _ in range(5)}
        assert len(sides) == 1


def test_paths_outside_the_service_stay_on_the_monolith(gateway):
    gateway.route(stage=Stage.FULL, weight=100)
    assert proxies.request(gateway.port, OWNED).backend == "orders"
    assert proxies.request(gateway.port, "/api/orders").backend == "orders"  # APPEND_SLASH
    for path in ("/api/catalog/products/", "/admin/login/", "/static/x.css", "/"):
        assert proxies.request(gateway.port, path).backend == "monolith", path


def test_overrides_in_precedence_and_switched_off(gateway):
    gateway.route(weight=0)
    port = gateway.port
    assert proxies.request(port, OWNED).backend == "monolith"
    header = {"X-Decompose-Route": "service"}
    assert proxies.request(port, OWNED, headers=header).backend == "orders"
    assert proxies.request(port, OWNED, headers={
        "Cookie": "decompose_route=service"}).backend == "orders"
    assert proxies.request(port, OWNED, headers={
        "X-Decompose-Route": "monolith", "Cookie": "decompose_route=service"}).backend == "monolith"
    gateway.route(weight=100, stage=Stage.FULL)
    assert proxies.request(port, OWNED, headers={
        "Cookie": "decompose_route=monolith"}).backend == "monolith"

    gateway.route(weight=0, overrides=Overrides(enabled=False))
    assert proxies.request(port, OWNED, headers=header).backend == "monolith"
    gateway.route(weight=0, overrides=Overrides(trusted_networks=("10.0.0.0/8",)))
    assert proxies.request(port, OWNED, headers=header).backend == "monolith"


def test_backend_header_request_id_and_access_log(gateway):
    gateway.route(weight=0)
    reply = proxies.request(gateway.port, OWNED, headers={"X-Request-ID": "rid-from-client-1"})
    assert reply.headers["x-request-id"] == "rid-from-client-1"
    fresh = proxies.request(gateway.port, OWNED)
    assert len(fresh.headers["x-request-id"]) == 32
    time.sleep(0.2)
    assert any("rid=rid-from-client-1" in line for line in gateway.monolith.log_lines())
    log = (gateway.runtime / "access.log").read_text()
    assert "backend=monolith" in log and "rid=rid-from-client-1" in log


def test_shadow_mirrors_sampled_gets_never_writes(gateway):
    gateway.route(stage=Stage.SHADOW, weight=0, sample=100)
    before = len(gateway.service.log_lines())
    gets = proxies.many(gateway.port, "/api/orders/?shadow-test=1", 40)
    posts = proxies.many(gateway.port, "/api/orders/?shadow-test=2", 20, method="POST",
                         body=b"{}", headers={"Content-Type": "application/json"})
    assert {r.backend for r in gets + posts} == {"monolith"}
    time.sleep(0.5)  # mirrored copies finish in the background
    mirrored = gateway.service.log_lines()[before:]
    assert sum("shadow-test=1" in ln and "shadow=1" in ln for ln in mirrored) == 40
    assert not [ln for ln in mirrored if "shadow-test=2" in ln or ln.startswith("POST")]
    monolith = gateway.monolith.log_lines()
    assert sum("shadow-test=1" in ln and "shadow=-" in ln for ln in monolith) == 40

    gateway.route(stage=Stage.SHADOW, weight=0, sample=25)
    before = len(gateway.service.log_lines())
    proxies.many(gateway.port, "/api/orders/?shadow-test=3", 400)
    time.sleep(0.5)
    copied = sum("shadow-test=3" in ln for ln in gateway.service.log_lines()[before:])
    assert 60 <= copied <= 140, copied


def test_auth_exchange_fails_closed_without_the_token_endpoint(gateway):
    # The sample monolith has no /_decompose/token until the extractor patches it in: the
    # service must then never be reached with the monolith's credentials.
    gateway.route(stage=Stage.FULL, weight=100, auth_exchange=True)
    before = len(gateway.service.log_lines())
    reply = proxies.request(gateway.port, OWNED, headers={"Authorization": "Token secret"})
    assert reply.status == 500
    assert proxies.request(gateway.port, "/api/catalog/products/").status == 200
    time.sleep(0.2)
    assert len(gateway.service.log_lines()) == before


def test_moving_traffic_under_load_with_reloads_loses_nothing(gateway):
    gateway.route(weight=10)
    failures: list[str] = []
    served: dict[str, int] = {}
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            try:
                reply = proxies.request(gateway.port, OWNED)
            except OSError as exc:  # refused, reset, timeout
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
    assert sum(served.values()) > 200
