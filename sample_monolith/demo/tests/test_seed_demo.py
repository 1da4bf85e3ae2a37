from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from rest_framework.test import APIClient

from accounts.models import User
from demo.seed import DEMO_PASSWORD, demo_token
from inventory.models import StockItem
from orders.models import Order, OrderLine
from payments.models import Payment


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def shop_signature() -> list[tuple]:
    return list(
        OrderLine.objects.order_by("order_id", "id").values_list(
            "order__user__username", "order__status", "product__sku", "quantity", "unit_price"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_idempotent_and_deterministic():
    output = seed_demo()
    first = shop_signature()

    assert f"alice    customer Token {demo_token('alice')}" in output
    assert Order.objects.count() == 120
    assert len(first) > 200
    assert seed_demo() == "Demo data already present; use --flush to start over.\n"
    assert shop_signature() == first

    seed_demo("--flush")
    assert shop_signature() == first


@pytest.mark.django_db
def test_seeded_shop_is_consistent_and_usable(client):
    seed_demo()

    open_lines = OrderLine.objects.exclude(order__status=Order.Status.CANCELLED)
    reserved = StockItem.objects.aggregate(total=Sum("reserved"))["total"]
    assert reserved == open_lines.aggregate(total=Sum("quantity"))["total"]
    assert Payment.objects.count() == Order.objects.count()
    assert set(Order.objects.values_list("status", flat=True)) == {"paid", "shipped", "cancelled"}

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {demo_token('alice')}")
    alice = User.objects.get(username="alice")
    assert api.get("/api/orders/").json()["count"] == alice.orders.count() > 0
    assert client.login(username="bob", password=DEMO_PASSWORD)
