"""Issue 5, point 7: `decompose extract orders --apply`, proven end to end on PostgreSQL.

The patched monolith and the generated service run side by side under gunicorn on one database;
every GET route of the app must answer the same JSON on both sides for the same user, a checkout
through the service must be indistinguishable through the monolith, and both test suites pass.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal

import pytest

from tests.e2e.stack import (
    Stack,
    assert_deploy_checks_clean,
    assert_service_suite_passes,
    parity,
)
from tests.support.demo import demo_token
from tests.support.processes import clean_env, run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

COUPON = "E2E-TEN"


@pytest.fixture(scope="module")
def stack(extracted_shop) -> Stack:
    running = extracted_shop["orders"]
    running.sql("INSERT INTO promotions_coupon (created_at, updated_at, code, description, "
                "percent_off, valid_from, is_active) VALUES (now(), now(), %s, '', 10, "
                "now() - interval '1 day', true)", COUPON)
    return running


@pytest.fixture(scope="module")
def users(alice, admin) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    return {"alice": alice, "admin": admin}


def own_order(stack: Stack, username: str) -> int:
    return stack.sql("SELECT o.id FROM orders_order o JOIN accounts_user u ON u.id = o.user_id "
                     "WHERE u.username = %s ORDER BY o.id LIMIT 1", username)[0][0]


def stock(stack: Stack, product: int) -> list[tuple]:
    return stack.sql("SELECT id, quantity, reserved FROM inventory_stockitem "
                     "WHERE product_id = %s ORDER BY id", product)


def test_extraction_routes_every_page_of_the_app(stack):
    plan = json.loads((stack.service_root / "extraction.json").read_text())
    assert plan["routes"] == ["/admin/orders/", "/api/orders/", "/orders/"]
    assert plan["kept_routes"] == []
    # What the pages need from the monolith came along: its base template, the money filter.
    assert (stack.service_root / "templates" / "base.html").read_bytes() == (
        stack.monolith_root / "templates" / "base.html").read_bytes()
    assert (stack.service_root / "core" / "templatetags" / "money.py").is_file()


def page(html: bytes) -> str:
    """A rendered page without its per-render CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


def an_order(stack: Stack, username: str, shipped: bool) -> int | None:
    """An order the user sees on the orders pages (staff see every order), with shipments
    or without."""
    owner = "" if username == "admin" else f"AND u.username = '{username}'"
    found = stack.sql("SELECT o.id FROM orders_order o JOIN accounts_user u ON u.id = o.user_id "
                      f"WHERE {'' if shipped else 'NOT '}EXISTS (SELECT 1 FROM shipping_shipment "
                      f"s WHERE s.order_id = o.id) {owner} ORDER BY o.id LIMIT 1")
    return found[0][0] if found else None


@pytest.mark.parametrize(("username", "which"), [
    (username, which) for username in ("alice", "admin")
    for which in ("list", "order with shipments", "order")] + [("admin", "list, page 2")])
def test_server_rendered_pages_are_identical(stack, users, username, which):
    """The orders pages render from the service (templates, the base template, the money
    filter, shipments and carriers read from the monolith) byte for byte as from the monolith."""
    if which.startswith("order"):
        order = an_order(stack, username, shipped="shipments" in which)
        assert order is not None, f"the seed gives {username} such an order"
        path = f"/orders/{order}/"
    else:  # staff see every order: more than one page of ListView.paginate_by = 20
        path = "/orders/?page=2" if "page" in which else "/orders/"
    mono = stack.monolith.get(path, users[username][0])
    serv = stack.service.get(path, users[username][1])
    assert mono.status == serv.status == 200, (path, mono.status, serv.body[:500])
    assert page(serv.body) == page(mono.body)
    if "shipments" in which:
        assert "Shipped with" in page(serv.body)


@pytest.mark.parametrize("path", ["/orders/", "/orders/1/"])
def test_anonymous_visitors_are_sent_to_the_same_login(stack, path):
    mono, serv = stack.monolith.get(path, {}), stack.service.get(path, {})
    assert mono.status == serv.status == 302
    assert mono.headers["location"] == serv.headers["location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("username", ["alice", "admin"])
@pytest.mark.parametrize("query", [
    "", "?status=paid", "?status=paid&status=cancelled", "?created_after=2020-01-01T00:00:00Z",
    "?created_before=2000-01-01T00:00:00Z", "?ordering=total", "?ordering=-created_at",
    "?page=2", "?page_size=3&page=2", "?page=99",
])
def test_order_lists_are_identical(stack, users, username, query):
    mono, _ = parity(stack, "/api/orders/" + query, *users[username])
    if query == "?page=2" and username == "admin":
        body = mono.json()
        assert body["previous"] == "https://shop.example/api/orders/" and body["results"]


@pytest.mark.parametrize("username", ["alice", "admin"])
def test_order_details_are_identical(stack, users, username):
    mine = own_order(stack, username if username != "admin" else "bob")
    mono, _ = parity(stack, f"/api/orders/{mine}/", *users[username])
    assert mono.status == 200 and mono.json()["lines"]
    parity(stack, "/api/orders/99999999/", *users[username])


def remote_labels(orders: list[dict]) -> list[str]:
    """The monolith models these orders show: each order's customer, each line's product."""
    labels = {"accounts/User"} if orders else set()
    if any(order["lines"] for order in orders):
        labels.add("catalog/Product")
    return sorted(labels)


@pytest.mark.parametrize("username", ["alice", "admin"])
def test_a_page_reads_each_monolith_model_once_whatever_its_size(stack, users, username):
    """The customers of every order and the products of every line on a page come in one
    bridge call per model (not one per row), so a page of 100 costs what a page of 3 does."""
    pages = {}
    for size in (3, 20, 100):
        reply, calls = stack.bridge_calls(lambda size=size: stack.service.get(
            f"/api/orders/?page_size={size}", users[username][1]))
        assert reply.status == 200, reply.body[:300]
        pages[size] = reply.json()["results"], calls
    for orders, calls in pages.values():
        assert orders and sorted(call.split()[1].split("?")[0] for call in calls) == [
            f"/_decompose/objects/{label}/" for label in remote_labels(orders)], calls
    mine = own_order(stack, username if username != "admin" else "bob")
    reply, calls = stack.bridge_calls(lambda: stack.service.get(f"/api/orders/{mine}/",
                                                                 users[username][1]))
    assert reply.status == 200 and len(calls) == len(remote_labels([reply.json()])), calls


def test_another_customers_order_is_hidden_the_same_way(stack, users):
    mono, _ = parity(stack, f"/api/orders/{own_order(stack, 'bob')}/", *users["alice"])
    assert mono.status == 404


@pytest.mark.parametrize("path", ["/api/orders/", "/api/orders/1/"])
def test_anonymous_and_bad_credentials_are_refused_the_same_way(stack, path):
    mono, serv = parity(stack, path, {}, {})
    assert mono.status == 401 and mono.headers["www-authenticate"] == \
        serv.headers["www-authenticate"]
    mono, _ = parity(stack, path, {"Authorization": "Token not-a-token"},
                     {"Authorization": "Bearer not.a.token"})
    assert mono.json() == {"detail": "Invalid token."}


def test_every_get_route_of_the_service_is_compared(stack):
    """The comparisons above cover every GET operation the service's own schema lists."""
    schema = stack.service.get("/api/schema/?format=json").json()
    get_paths = {path for path, operations in schema["paths"].items() if "get" in operations}
    assert get_paths == {"/api/orders/", "/api/orders/{id}/"}


def test_checkout_through_the_service_is_seen_identically_by_the_monolith(stack, users):
    mono_headers, service_headers = users["alice"]
    product = stack.sql("SELECT s.product_id FROM inventory_stockitem s JOIN catalog_product p "
                        "ON p.id = s.product_id WHERE p.is_active GROUP BY s.product_id "
                        "HAVING sum(s.quantity - s.reserved) >= 10 ORDER BY 1 LIMIT 1")[0][0]
    address = stack.sql("SELECT a.id FROM accounts_address a JOIN accounts_user u "
                        "ON u.id = a.user_id WHERE u.username = 'alice' LIMIT 1")[0][0]
    before = stock(stack, product)
    placed = stack.service.send("POST", "/api/orders/", {
        "shipping_address": address, "lines": [{"product": product, "quantity": 3}],
        "coupon_code": COUPON}, service_headers)
    assert placed.status == 201, placed.body[:600]
    order = placed.json()
    assert order["status"] == "paid" and order["coupon_code"] == COUPON
    assert Decimal(order["discount"]) == (Decimal(order["subtotal"]) / 10).quantize(
        Decimal("0.01"))
    seen = stack.monolith.get(f"/api/orders/{order['id']}/", mono_headers)
    assert seen.status == 200 and seen.json() == order

    after = stock(stack, product)
    assert [(i, q) for i, q, _ in after] == [(i, q) for i, q, _ in before]
    assert sum(r for *_, r in after) - sum(r for *_, r in before) == 3
    assert stack.sql("SELECT status, amount FROM payments_payment WHERE order_id = %s",
                     order["id"]) == [("captured", Decimal(order["total"]))]
    assert stack.sql("SELECT c.code, r.amount FROM promotions_couponredemption r JOIN "
                     "promotions_coupon c ON c.id = r.coupon_id WHERE r.order_id = %s",
                     order["id"]) == [(COUPON, Decimal(order["discount"]))]

    cancelled = stack.service.send("POST", f"/api/orders/{order['id']}/cancel/", None,
                                   service_headers)
    assert cancelled.status == 200 and cancelled.json()["status"] == "cancelled"
    assert [(i, q) for i, q, _ in stock(stack, product)] == [(i, q) for i, q, _ in before]
    assert \
        sum(r for *_, r in stock(stack, product)) == sum(r for *_, r in before)
    assert stack.monolith.get(f"/api/orders/{order['id']}/", mono_headers).json() == \
        cancelled.json()


def test_an_impossible_checkout_is_refused_with_the_monoliths_400(stack, users):
    product, available = stack.sql(
        "SELECT s.product_id, sum(s.quantity - s.reserved) FROM inventory_stockitem s JOIN "
        "catalog_product p ON p.id = s.product_id WHERE p.is_active GROUP BY s.product_id "
        "HAVING sum(s.quantity - s.reserved) < 99 ORDER BY 1 LIMIT 1")[0]
    address = stack.sql("SELECT a.id FROM accounts_address a JOIN accounts_user u "
                        "ON u.id = a.user_id WHERE u.username = 'alice' LIMIT 1")[0][0]
    checkout = {"shipping_address": address,
                "lines": [{"product": product, "quantity": int(available) + 1}]}
    orders_before = stack.sql("SELECT count(*) FROM orders_order")
    mono = stack.monolith.send("POST", "/api/orders/", checkout,
                               {"Authorization": f"Token {demo_token('alice')}"})
    serv = stack.service.send("POST", "/api/orders/", checkout, users["alice"][1])
    assert mono.status == serv.status == 400
    assert mono.json() == serv.json() and "lines" in mono.json()
    assert stack.sql("SELECT count(*) FROM orders_order") == orders_before


def test_the_services_own_test_suite_passes(stack):
    assert_service_suite_passes(stack)


def test_deploy_checks_are_clean_with_production_settings(stack):
    assert_deploy_checks_clean(stack)


def test_the_monoliths_own_test_suite_passes_with_the_patch_applied(stack):
    assert "decompose_bridge" in (stack.monolith_root / "config/settings/base.py").read_text()
    out = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
              stack.monolith_root, clean_env(), timeout=900)
    assert " passed" in out and " failed" not in out


def test_a_second_extraction_keeps_the_first_services_bridge_access(extracted_shop, users):
    """reviews and payments were extracted after orders into the same monolith: the bridge
    serves all three (the checkout above called orders' allowlisted functions after that), and
    one exchanged token is accepted by every service."""
    allowlist = (extracted_shop["orders"].monolith_root / "decompose_allowlist.py").read_text()
    assert '"inventory.services.reserve_stock"' in allowlist and '"catalog.Product"' in allowlist
    assert 'SERVICES = ["orders", "payments", "reviews"]' in allowlist
    token = users["alice"][1]
    for app in ("orders", "reviews", "payments"):
        reply = extracted_shop[app].service.get(f"/api/{app}/", token)
        assert reply.status == 200, (app, reply.body[:300])


def test_the_moved_admin_lists_the_orders_to_staff(stack, users):
    newest = stack.sql("SELECT id FROM orders_order ORDER BY created_at DESC, id DESC LIMIT 1")
    page = stack.service.get("/admin/orders/order/", users["admin"][1])
    assert page.status == 200, page.body[:300]
    assert f'href="/admin/orders/order/{newest[0][0]}/change/"' in page.body.decode()
