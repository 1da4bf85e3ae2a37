"""Issue 5, point 7, for a second app: `decompose extract reviews --apply` on PostgreSQL.

Nothing in the extractor knows about orders: reviews has its own shape (public reads, a generic
relation, filterset_fields naming a foreign key, a uniqueness constraint) and must reach the same
parity through the same machinery.
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
from tests.support.demo import demo_token

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(extracted_shop) -> Stack:
    return extracted_shop["reviews"]


def reviewed_product(stack: Stack) -> int:
    return stack.sql("SELECT product_id FROM reviews_review GROUP BY product_id "
                     "ORDER BY count(*) DESC, product_id LIMIT 1")[0][0]


def test_extraction_routes_the_api(stack):
    plan = json.loads((stack.service_root / "extraction.json").read_text())
    assert plan["routes"] == ["/admin/reviews/", "/api/reviews/"] and plan["kept_routes"] == []


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "alice"])
@pytest.mark.parametrize("query", [
    "", "?rating=5", "?product={product}", "?product={product}&rating=4", "?ordering=rating",
    "?ordering=-created_at", "?page=2", "?page_size=5&page=3",
])
def test_review_lists_are_identical(stack, alice, signed_in, query):
    headers = alice if signed_in else ({}, {})
    mono, _ = parity(stack, "/api/reviews/" + query.format(product=reviewed_product(stack)),
                     *headers)
    assert mono.status == 200 and mono.json()["results"]


@pytest.mark.parametrize("query", [
    "?product=99999999", "?product=abc", "?product=5.0", "?product=1%00", "?product=abc&rating=x",
], ids=["unknown", "text", "decimal", "null-character", "two-errors"])
def test_a_bad_product_filter_gets_the_monoliths_400_byte_for_byte(stack, query):
    """The service checks the id with the monolith, as django-filter's ModelChoiceFilter does."""
    mono, serv = parity(stack, "/api/reviews/" + query, {}, {})
    assert mono.status == 400 and "product" in mono.json(), mono.body[:300]
    assert mono.body == serv.body


def test_a_product_filter_answers_byte_for_byte(stack):
    mono, serv = parity(stack, f"/api/reviews/?product={reviewed_product(stack)}", {}, {})
    assert mono.status == 200 and mono.json()["results"] and mono.body == serv.body


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "alice"])
def test_review_details_are_identical(stack, alice, signed_in):
    headers = alice if signed_in else ({}, {})
    review = stack.sql("SELECT r.id FROM reviews_review r JOIN reviews_comment c "
                       "ON c.object_id = r.id ORDER BY r.id LIMIT 1")
    review = review[0][0] if review else stack.sql("SELECT min(id) FROM reviews_review")[0][0]
    parity(stack, f"/api/reviews/{review}/", *headers)
    parity(stack, "/api/reviews/99999999/", *headers)


def test_every_get_route_of_the_service_is_compared(stack):
    schema = stack.service.get("/api/schema/?format=json").json()
    get_paths = {path for path, operations in schema["paths"].items() if "get" in operations}
    assert get_paths == {"/api/reviews/", "/api/reviews/{id}/"}


def test_writing_needs_credentials_on_both_sides(stack):
    body = {"product": reviewed_product(stack), "rating": 5, "title": "Great"}
    mono = stack.monolith.send("POST", "/api/reviews/", body)
    serv = stack.service.send("POST", "/api/reviews/", body)
    assert mono.status == serv.status == 401 and mono.json() == serv.json()


def test_a_review_written_through_the_service_is_seen_identically_by_the_monolith(stack, alice):
    product = stack.sql("SELECT p.id FROM catalog_product p WHERE NOT EXISTS (SELECT 1 FROM "
                        "reviews_review r JOIN accounts_user u ON u.id = r.user_id WHERE "
                        "r.product_id = p.id AND u.username = 'alice') ORDER BY p.id LIMIT 1")[0][0]
    written = stack.service.send("POST", "/api/reviews/", {
        "product": product, "rating": 4, "title": "Solid", "body": "Works."}, alice[1])
    assert written.status == 201, written.body[:500]
    assert written.json()["author"] == "alice"
    seen = stack.monolith.get(f"/api/reviews/{written.json()['id']}/", alice[0])
    assert seen.status == 200 and seen.json() == written.json()


def test_shadow_traffic_reads_but_never_writes(stack, alice):
    parity(stack, "/api/reviews/", {}, {"X-Decompose-Shadow": "1"})
    refused = stack.service.send("POST", "/api/reviews/", {"rating": 5}, {
        **alice[1], "X-Decompose-Shadow": "1"})
    assert refused.status == 403 and refused.json()["detail"].startswith("Shadow traffic")


def test_the_services_own_test_suite_passes(stack):
    assert_service_suite_passes(stack)


def test_deploy_checks_are_clean_with_production_settings(stack):
    assert_deploy_checks_clean(stack)


def test_a_duplicate_review_is_refused_with_the_monoliths_400(stack, alice):
    """UniqueConstraint(product, user) holds on the id columns: DRF's 400, not an IntegrityError."""
    product = stack.sql("SELECT r.product_id FROM reviews_review r JOIN accounts_user u ON "
                        "u.id = r.user_id WHERE u.username = 'alice' ORDER BY r.id LIMIT 1")[0][0]
    body = {"product": product, "rating": 3, "title": "Again"}
    before = stack.sql("SELECT count(*) FROM reviews_review")
    mono = stack.monolith.send("POST", "/api/reviews/", body,
                               {"Authorization": f"Token {demo_token('alice')}"})
    serv = stack.service.send("POST", "/api/reviews/", body, alice[1])
    assert mono.status == serv.status == 400, (mono.body[:300], serv.body[:300])
    assert mono.json() == serv.json() and "non_field_errors" in mono.json()
    assert stack.sql("SELECT count(*) FROM reviews_review") == before
