"""Issue 5, point 7, for a third app: `decompose extract payments --apply` on PostgreSQL.

payments reaches through its relation to orders in a query (``visible_to`` filters
``order__user_id``): the service cannot join into the monolith's tables any more, so the codemod
asks the monolith which orders match and filters on the id column. The lists must stay the same.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.stack import (
    Stack,
    assert_deploy_checks_clean,
    assert_service_suite_passes,
    parity,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(extracted_shop) -> Stack:
    return extracted_shop["payments"]


def payment_of(stack: Stack, username: str, negate: bool = False) -> tuple[int, int]:
    """(payment id, order id) of a payment whose order belongs (or not) to ``username``."""
    return stack.sql("SELECT p.id, p.order_id FROM payments_payment p JOIN orders_order o ON "
                     f"o.id = p.order_id JOIN accounts_user u ON u.id = o.user_id WHERE "
                     f"u.username {'<>' if negate else '='} %s ORDER BY p.id LIMIT 1",
                     username)[0]


def test_the_traversing_lookup_became_a_question_to_the_monolith(stack):
    plan = json.loads((stack.service_root / "extraction.json").read_text())
    assert plan["routes"] == ["/admin/payments/", "/api/payments/"]
    rewrites = [r for r in plan["rewrites"] if r["codemod"] == "fk_lookups"]
    assert [(r["level"], r["location"]) for r in rewrites] == [("info", "payments/models.py:11")]
    assert "pks_where('orders.Order', user_id=...)" in rewrites[0]["message"]


@pytest.mark.parametrize("query", ["", "?status=captured", "?order={order}", "?page_size=1",
                                   "?page_size=1&page=2"])
def test_a_customers_payment_list_is_identical(stack, alice, query):
    _, order = payment_of(stack, "alice")
    mono, _ = parity(stack, "/api/payments/" + query.format(order=order), *alice)
    assert mono.status == 200 and mono.json()["results"]


def test_a_customer_sees_only_payments_of_her_orders(stack, alice):
    mine = stack.sql("SELECT count(*) FROM payments_payment p JOIN orders_order o ON "
                     "o.id = p.order_id JOIN accounts_user u ON u.id = o.user_id "
                     "WHERE u.username = 'alice'")[0][0]
    reply = stack.service.get("/api/payments/?page_size=100", alice[1])
    assert reply.status == 200 and reply.json()["count"] == mine > 0


def test_staff_lists_every_payment_identically(stack, admin):
    mono, _ = parity(stack, "/api/payments/?page_size=100", *admin)
    assert mono.json()["count"] == stack.sql("SELECT count(*) FROM payments_payment")[0][0]


@pytest.mark.parametrize("whose", ["own", "someone else's"])
def test_payment_details_are_identical(stack, alice, whose):
    payment, _ = payment_of(stack, "alice", negate=whose != "own")
    mono, _ = parity(stack, f"/api/payments/{payment}/", *alice)
    assert mono.status == (200 if whose == "own" else 404)


def test_anonymous_clients_get_the_same_401(stack):
    mono, _ = parity(stack, "/api/payments/", {}, {})
    assert mono.status == 401


def test_a_page_asks_the_monolith_once_for_the_customers_orders(stack, alice):
    reply, calls = stack.bridge_calls(lambda: stack.service.get("/api/payments/", alice[1]))
    assert reply.status == 200
    assert calls == ["POST /_decompose/rpc HTTP/1.1"]


def test_every_get_route_of_the_service_is_compared(stack):
    schema = stack.service.get("/api/schema/?format=json").json()
    get_paths = {path for path, operations in schema["paths"].items() if "get" in operations}
    assert get_paths == {"/api/payments/", "/api/payments/{id}/"}


def test_the_services_own_test_suite_passes(stack):
    assert_service_suite_passes(stack)


def test_deploy_checks_are_clean_with_production_settings(stack):
    assert_deploy_checks_clean(stack)
