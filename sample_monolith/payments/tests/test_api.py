import pytest
from django.urls import reverse

from orders.services import cancel_order

pytestmark = pytest.mark.django_db

PAYMENTS = reverse("payments-api:payment-list")


def test_customers_see_their_payments_only(place, customer, other_customer, customer_client):
    order = place(customer, keyboard=1)
    place(other_customer, keyboard=1)

    results = customer_client.get(PAYMENTS).json()["results"]

    assert [(p["order"], p["amount"], p["currency"], p["status"]) for p in results] == [
        (order.pk, "50.00", "EUR", "captured"),
    ]


def test_refund_of_cancelled_order_is_listed(place, customer, customer_client):
    order = place(customer, mouse=2)
    cancel_order(order, reason="Changed my mind")

    payment = customer_client.get(PAYMENTS, {"status": "refunded"}).json()["results"][0]

    assert payment["status"] == "refunded"
    assert [(r["amount"], r["reason"]) for r in payment["refunds"]] == [
        ("39.98", "Changed my mind"),
    ]
