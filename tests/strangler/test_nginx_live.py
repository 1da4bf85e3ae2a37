"""A real nginx, configured by ``decompose route`` + ``decompose proxy``, in front of the real
patched monolith and the real extracted ``orders`` service (gunicorn each, shared PostgreSQL).

Credential exchange is on: nginx trades the monolith's session cookie or API token for the
monolith-signed bearer token at ``/_decompose/token`` on every request the service sees. Each
upstream's own access log shows which process really received a request.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import time

import pytest
from click.testing import CliRunner

from decompose.model import Overrides
from strangler.command import proxy, route
from tests.strangler import proxies
from tests.strangler.gateway import (
    SIDES,
    Gateway,
    assert_same_json_for_signed_in_clients,
    assert_session_writes_keep_their_csrf_check,
    both_sides,
    login,
    moves_under_load,
    run,
)
from tests.support.demo import demo_token

pytestmark = [pytest.mark.slow, pytest.mark.postgres,
              pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")]
OWNED = "/api/orders/"


@pytest.fixture(scope="module")
def gateway(deployment, tmp_path_factory):
    gate = Gateway(deployment, "nginx", tmp_path_factory.mktemp("nginx"), proxies.free_port())
    with gate.serving(proxies.nginx, "nginx.conf", auth_exchange=True):
        yield gate


def test_ten_percent_of_new_clients_sticky_and_monotonic(gateway):
    gateway.move("--percent", "10")
    first = proxies.many(gateway.port, OWNED, 2500)
    assert {r.status for r in first} == {401}  # the same anonymous 401 on both sides
    assert {r.backend for r in first} == {"orders", "monolith"}
    percent = proxies.share(first, "orders")
    assert abs(percent - 10) <= 2, percent
    cookies = [(r.client_cookie, r.backend) for r in first]
    assert all(c and len(c) == 32 for c, _ in cookies)
    assert len({c for c, _ in cookies}) == len(cookies)

    sample = cookies[:300]
    again = proxies.returning(gateway.port, OWNED, [c for c, _ in sample])
    assert [r.backend for r in again] == [b for _, b in sample]
    assert not any(r.client_cookie for r in again)  # a known client gets no new id

    assert '-weight = 10\n+weight = 50' in gateway.move("--percent", "50")
    later = proxies.returning(gateway.port, OWNED, [c for c, b in cookies if b == "orders"])
    assert {r.backend for r in later} == {"orders"}
    assert abs(proxies.share(proxies.many(gateway.port, OWNED, 1000), "orders") - 50) <= 5


def test_api_clients_without_cookies_are_bucketed_by_authorization(gateway):
    gateway.move("--percent", "50")
    for user in ("alice", "bob", "carol", "admin"):
        headers = {"Authorization": f"Token {demo_token(user)}"}
        replies = [proxies.request(gateway.port, OWNED, headers=headers) for _ in range(4)]
        assert len({r.backend for r in replies}) == 1, user
        assert {r.status for r in replies} == {200}, user


def test_paths_the_extraction_lists_go_to_the_service_the_rest_stay(gateway):
    gateway.move("--full")
    assert proxies.request(gateway.port, OWNED).backend == "orders"
    # The service's own admin for its app; the rest of /admin/ stays the monolith's.
    assert proxies.request(gateway.port, "/admin/orders/order/").backend == "orders"
    slashless = proxies.request(gateway.port, "/api/orders")
    assert (slashless.backend, slashless.status) == ("orders", 301)  # APPEND_SLASH, service side
    # The server-rendered pages moved too; the pages they link to (login) stay.
    for path in ("/orders/", "/orders/1/"):
        assert proxies.request(gateway.port, path).backend == "orders", path
    for path in ("/api/catalog/products/", "/admin/login/", "/static/x.css", "/",
                 "/accounts/login/", "/_decompose/token"):
        assert proxies.request(gateway.port, path).backend == "monolith", path
    # The bridge's service-to-service endpoints are not reachable through the gateway.
    for path in ("/_decompose/rpc", "/_decompose/objects/catalog/Product/?pk=1"):
        refused = proxies.request(gateway.port, path)
        assert (refused.backend, refused.status) == ("gateway", 404), path


def test_overrides_in_precedence_limited_and_switched_off(gateway):
    gateway.move("--rollback")
    port = gateway.port
    assert proxies.request(port, OWNED).backend == "monolith"
    header = {"X-Decompose-Route": "service"}
    assert proxies.request(port, OWNED, headers=header).backend == "orders"
    assert proxies.request(port, OWNED, headers={
        "Cookie": "decompose_route=service"}).backend == "orders"
    assert proxies.request(port, OWNED, headers={
        "X-Decompose-Route": "monolith", "Cookie": "decompose_route=service"}).backend == "monolith"
    gateway.move("--full")
    assert proxies.request(port, OWNED, headers={
        "Cookie": "decompose_route=monolith"}).backend == "monolith"  # cookie beats the bucket
    try:
        gateway.settings(overrides=Overrides(enabled=False))
        gateway.move("--rollback")
        assert proxies.request(port, OWNED, headers=header).backend == "monolith"
        gateway.settings(overrides=Overrides(trusted_networks=("10.0.0.0/8",)))
        gateway.move("--rollback")
        assert proxies.request(port, OWNED, headers=header).backend == "monolith"
    finally:
        gateway.settings(overrides=Overrides())


def test_backend_header_request_id_and_access_log(gateway):
    gateway.move("--percent", "50")
    replies = proxies.many(gateway.port, OWNED, 200)
    assert {r.backend for r in replies} == {"orders", "monolith"}
    # set once, at the gateway (the service's own header is hidden)
    assert all(len(r.request_ids) == 1 and len(r.request_ids[0]) == 32 for r in replies)
    for side in SIDES:
        rid = f"rid-client-{side}"
        reply = proxies.request(gateway.port, OWNED, headers={
            "X-Request-ID": rid, "X-Decompose-Route": side})
        assert (reply.backend, reply.request_ids) == (SIDES[side], (rid,))
    time.sleep(0.3)
    assert any("rid=rid-client-service" in ln for ln in gateway.deployment.service.log_lines())
    assert any("rid=rid-client-monolith" in ln for ln in gateway.deployment.monolith.log_lines())
    log = (gateway.runtime / "access.log").read_text()
    assert re.search(r"backend=orders upstream=\S+ .* rid=rid-client-service", log)
    assert re.search(r"backend=monolith upstream=\S+ .* rid=rid-client-monolith", log)


def test_browsers_and_api_clients_get_the_same_json_on_both_sides(gateway):
    gateway.move("--percent", "10")
    assert_same_json_for_signed_in_clients(gateway.port, OWNED)
    assert_session_writes_keep_their_csrf_check(gateway.port, OWNED)
    # The exchange cache is keyed by a SHA-256 (njs): its files never hold a credential.
    cached = [p.read_bytes() for p in (gateway.runtime / "tmp" / "auth_cache").rglob("*")
              if p.is_file()]
    assert cached and all(re.search(rb"\nKEY: [0-9a-f]{64}\n", c) for c in cached)
    assert not any(demo_token("alice").encode() in c or b"sessionid" in c for c in cached)

    # Anonymous: the token endpoint says 200 without a token, the service gives the same 401.
    # Bad credentials: the exchange is refused (401), so the monolith answers, as it does today.
    refused = {"service": "monolith", "monolith": "monolith"}
    for name, headers, answered_by in (
            ("anonymous", {}, SIDES),
            ("bad token", {"Authorization": "Token not-a-real-token"}, refused)):
        replies = both_sides(gateway.port, OWNED, headers, answered_by=answered_by)
        assert replies["service"].status == replies["monolith"].status == 401, name
        assert replies["service"].body == replies["monolith"].body, name
        assert replies["service"].headers["www-authenticate"] == \
            replies["monolith"].headers["www-authenticate"], name


def test_staff_reach_the_orders_admin_on_both_sides_with_one_login(gateway):
    """The monolith's admin login, then /admin/orders/order/ forced to each side: the gateway
    exchanges the session for a token, and the service's admin lists the same orders."""
    gateway.move("--percent", "10")
    session = login(gateway.port, "admin")
    pages = both_sides(gateway.port, "/admin/orders/order/", {"Cookie": f"sessionid={session}"})
    assert {r.status for r in pages.values()} == {200}
    listed = {side: set(re.findall(r"/admin/orders/order/(\d+)/change/", r.body.decode()))
              for side, r in pages.items()}
    assert listed["service"] == listed["monolith"] and listed["service"]
    anonymous = both_sides(gateway.port, "/admin/orders/order/", {})
    assert {r.status for r in anonymous.values()} == {302}
    assert {r.headers["location"] for r in anonymous.values()} == {
        "/admin/login/?next=/admin/orders/order/"}


def test_shadow_mirrors_sampled_gets_never_writes(gateway):
    service = gateway.deployment.service
    gateway.move("--shadow", "--sample", "100")
    before = len(service.log_lines())
    token = {"Authorization": f"Token {demo_token('alice')}"}
    gets = proxies.many(gateway.port, "/api/orders/?shadow-test=1", 40)
    # The user's copies are authenticated like the originals (few: each lists real orders).
    users = [proxies.request(gateway.port, "/api/orders/?shadow-test=4", headers=token)
             for _ in range(5)]
    posts = proxies.many(gateway.port, "/api/orders/?shadow-test=2", 20, method="POST",
                         body=b"{}", headers={"Content-Type": "application/json", **token})
    assert {r.backend for r in gets + users + posts} == {"monolith"}
    assert {r.status for r in gets} == {401} and {r.status for r in users} == {200}
    assert {r.status for r in posts} == {400}
    # Mirrored copies finish in the background, each authenticated like the original.
    proxies.wait_until(lambda: sum("shadow-test=1" in ln for ln in service.log_lines()) >= 40)
    mirrored = service.log_lines()[before:]
    copies = [ln for ln in mirrored if "shadow-test=1" in ln]
    assert len(copies) == 40 and all("shadow=1" in ln for ln in copies)
    proxies.wait_until(lambda: sum("shadow-test=4" in ln for ln in service.log_lines()) >= 5)
    user_copies = [ln for ln in service.log_lines()[before:] if "shadow-test=4" in ln]
    assert len(user_copies) == 5 and all(" 200 shadow=1 " in ln for ln in user_copies)
    assert not [ln for ln in mirrored if "shadow-test=2" in ln or ln.startswith("POST")]
    monolith = gateway.deployment.monolith.log_lines()
    assert sum("shadow-test=1" in ln and "shadow=-" in ln for ln in monolith) == 40

    gateway.move("--shadow", "--sample", "25")
    before = len(service.log_lines())
    proxies.many(gateway.port, "/api/orders/?shadow-test=3", 400)
    proxies.wait_until(lambda: sum("shadow-test=3" in ln for ln in service.log_lines()) >= 140,
                       timeout=3)
    copied = sum("shadow-test=3" in ln for ln in service.log_lines()[before:])
    assert 60 <= copied <= 140, copied


def test_moving_traffic_under_load_with_reloads_loses_nothing(gateway):
    gateway.move("--percent", "10")
    token = {"Authorization": f"Token {demo_token('alice')}"}
    failures, served = moves_under_load(gateway.move, gateway.port, OWNED,
                                        [({}, 401)] * 4 + [(token, 200)])
    assert failures == []
    assert served.get("orders", 0) > 0 and served.get("monolith", 0) > 0
    assert sum(served.values()) > 200


def test_status_shows_saved_and_live_and_a_failed_reload_is_caught(gateway):
    gateway.move("--percent", "10")
    shown = run(route, "--status", "--project", gateway.project)
    assert "  saved  percent: 10% of clients on the service\n" \
        "  live   percent: 10% of clients on the service\n" in shown
    with socket.socket() as taken:  # the address the new config asks for is in use
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        gateway.route("--percent", "50")
        failed = CliRunner().invoke(proxy, ["--project", str(gateway.project), "--reload",
                                            "--listen", f"127.0.0.1:{busy}"])
        assert failed.exit_code == 1
        message = str(failed.exception)
        assert message.startswith("nginx did not take the new config (no status answer")
        assert message.endswith(f"bind() to 127.0.0.1:{busy} failed (98: Address already in use)")
    applied = json.loads((gateway.runtime / "applied.json").read_text())
    assert applied["ok"] is False and applied["error"] == message
    assert "NOT APPLIED: the reload at" in run(route, "--status", "--project", gateway.project)
    # The old config still serves: 10%, on the old port.
    status = proxies.request(gateway.port, "/_decompose/status")
    assert json.loads(status.body)["services"]["orders"] == {"stage": "percent", "weight": 10}
    gateway.publish("--reload")  # back on its own port: applied, live = saved
    shown = run(route, "--status", "--project", gateway.project)
    assert "  saved  percent: 50% of clients on the service\n" \
        "  live   percent: 50% of clients on the service\n" in shown
    assert "NOT APPLIED" not in shown
    assert proxies.request(gateway.port, "/_decompose/status", headers={
        "X-Forwarded-For": "10.1.1.1"}).status == 200  # loopback: the address, not a header
