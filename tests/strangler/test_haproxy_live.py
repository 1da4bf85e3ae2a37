"""A real HAProxy, configured by ``decompose route`` + ``decompose proxy``, in front of the real
patched monolith and the real extracted ``orders`` service (gunicorn each, shared PostgreSQL).

Percentages move through the runtime API (``set map``) with no reload; the map file is
rewritten too, so a restart keeps them. The credential exchange runs in HAProxy's Lua
(``decompose_auth.lua``), so signed-in browsers and API clients get the same JSON on both sides.
"""

from __future__ import annotations

import shutil
import socket
import time

import pytest
from click.testing import CliRunner

from decompose.model import Overrides
from strangler.backends.haproxy import runtime_command
from strangler.command import proxy, route
from tests.strangler import proxies
from tests.strangler.gateway import (
    Gateway,
    assert_same_json_for_signed_in_clients,
    assert_session_writes_keep_their_csrf_check,
    moves_under_load,
    run,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres,
              pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy not installed")]
OWNED = "/api/orders/"


@pytest.fixture(scope="module")
def gateway(deployment, tmp_path_factory):
    gate = Gateway(deployment, "haproxy", tmp_path_factory.mktemp("haproxy"), proxies.free_port())
    with gate.serving(proxies.haproxy, "haproxy.cfg", auth_exchange=True):
        yield gate


def test_split_sticky_and_monotonic_without_reload(gateway):
    gateway.move("--percent", "10")
    pid = gateway.server.proc.pid
    first = proxies.many(gateway.port, OWNED, 2500)
    assert {r.status for r in first} == {401}  # anonymous: the same 401 on both sides
    percent = proxies.share(first, "orders")
    assert abs(percent - 10) <= 2, percent
    cookies = [(r.client_cookie, r.backend) for r in first]
    assert all(c and len(c) == 32 for c, _ in cookies)
    sample = cookies[:300]
    again = proxies.returning(gateway.port, OWNED, [c for c, _ in sample])
    assert [r.backend for r in again] == [b for _, b in sample]

    assert "weights applied at run time" in gateway.move("--percent", "50")
    later = proxies.returning(gateway.port, OWNED, [c for c, b in cookies if b == "orders"])
    assert {r.backend for r in later} == {"orders"}
    assert gateway.server.proc.pid == pid and gateway.server.proc.poll() is None
    assert (gateway.runtime / "weights.map").read_text().splitlines()[-1] == "orders 50"


def test_overrides_request_id_and_kept_paths(gateway):
    gateway.move("--rollback")
    port = gateway.port
    assert proxies.request(port, OWNED).backend == "monolith"
    assert proxies.request(port, OWNED, headers={"X-Decompose-Route": "service"}).backend == \
        "orders"
    assert proxies.request(port, OWNED, headers={"Cookie": "decompose_route=service"}).backend \
        == "orders"
    assert proxies.request(port, OWNED, headers={
        "X-Decompose-Route": "monolith", "Cookie": "decompose_route=service"}).backend == "monolith"
    reply = proxies.request(port, OWNED, headers={"X-Request-ID": "rid-haproxy-1",
                                                  "X-Decompose-Route": "service"})
    assert reply.headers["x-request-id"] == "rid-haproxy-1"
    assert len(proxies.request(port, OWNED).headers["x-request-id"]) == 36
    time.sleep(0.2)
    assert any("rid=rid-haproxy-1" in ln for ln in gateway.deployment.service.log_lines())
    gateway.move("--full")
    for path in ("/api/orders", "/orders/", "/orders/1/", "/admin/orders/order/"):
        assert proxies.request(port, path).backend == "orders", path
    for path in ("/api/catalog/products/", "/admin/login/", "/accounts/login/", "/"):
        assert proxies.request(port, path).backend == "monolith", path


def test_signed_in_browsers_and_api_clients_get_the_same_json_at_50(gateway):
    gateway.move("--percent", "50")
    assert_same_json_for_signed_in_clients(gateway.port, OWNED)
    assert_session_writes_keep_their_csrf_check(gateway.port, OWNED)
    # Credentials the monolith refuses: the monolith answers, with its own 401.
    refused = proxies.request(gateway.port, OWNED, headers={
        "Authorization": "Token not-a-real-token", "X-Decompose-Route": "service"})
    assert (refused.status, refused.backend) == (401, "monolith")


def test_health_checks_run_on_both_sides(gateway):
    def checks() -> dict[str, str]:
        stat = runtime_command(gateway.runtime / "haproxy.sock", "show stat")
        header, *rows = [line.split(",") for line in stat.splitlines() if line]
        column = header.index("check_status")
        return {row[1]: row[column] for row in rows if row[1] in ("monolith", "orders")}

    # The service answers /readyz (HTTP check), the monolith accepts connections (TCP check).
    assert proxies.wait_until(lambda: checks() == {"monolith": "L4OK", "orders": "L7OK"}), checks()


def test_a_config_change_reloads_through_the_master_and_is_verified(gateway):
    pid = gateway.server.proc.pid
    try:
        gateway.settings(overrides=Overrides(enabled=False))
        output = gateway.move("--rollback")
        assert "haproxy: reloaded through" in output and "serves config" in output
        reply = proxies.request(gateway.port, OWNED, headers={"X-Decompose-Route": "service"})
        assert reply.backend == "monolith"
        assert gateway.server.proc.pid == pid  # the same master, new workers
    finally:
        gateway.settings(overrides=Overrides())
        gateway.move("--rollback")
    assert proxies.request(gateway.port, OWNED, headers={
        "X-Decompose-Route": "service"}).backend == "orders"


def test_runtime_moves_under_load_lose_nothing(gateway):
    gateway.move("--percent", "10")
    failures, served = moves_under_load(gateway.move, gateway.port, OWNED, [({}, 401)] * 6)
    assert failures == []
    assert served.get("orders", 0) > 0 and served.get("monolith", 0) > 0


def test_a_reload_the_master_cannot_take_is_an_error_with_its_alert(gateway):
    gateway.move("--percent", "10")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        failed = CliRunner().invoke(proxy, ["--project", str(gateway.project), "--reload",
                                            "--listen", f"127.0.0.1:{busy}"])
    assert failed.exit_code == 1
    message = str(failed.exception)
    assert message.startswith("HAProxy did not take the new config (no status answer")
    assert f"cannot bind socket (Address already in use) for [127.0.0.1:{busy}]" in message
    assert proxies.request(gateway.port, OWNED).status == 401  # the old workers still serve
    assert "NOT APPLIED" in run(route, "--status", "--project", gateway.project)
    gateway.publish("--reload")
    assert "NOT APPLIED" not in run(route, "--status", "--project", gateway.project)
