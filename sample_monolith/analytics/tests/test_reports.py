from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from analytics.models import SalesOrder
from analytics.reports import sales_summary, top_products
from orders.services import cancel_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(place, customer, other_customer, coupon) -> None:
    """Two completed orders (one with a coupon) and one cancelled order."""
    place(customer, coupon_code="KEYS10", keyboard=2)  # 100.00 - 10.00
    place(other_customer, mouse=3)  # 59.97
    cancel_order(place(other_customer, keyboard=1))  # refunded 50.00


def test_sales_orders_proxy_excludes_cancelled(sales):
    assert SalesOrder.objects.count() == 3
    assert SalesOrder.objects.completed().count() == 2


def test_sales_summary(sales):
    summary = sales_summary()

    assert summary.orders == 2
    assert summary.revenue == Decimal("149.97")
    assert summary.discounts == Decimal("10.00")
    assert summary.refunded == Decimal("50.00")
    assert summary.average_order_value == Decimal("74.99")


def test_top_products_by_revenue(sales, keyboard, mouse):
    assert [(p.name, p.units, p.revenue) for p in top_products()] == [
        ("Keyboard", 2, Decimal("100.00")),
        ("Mouse", 3, Decimal("59.97")),
    ]


def test_sales_report_command(sales):
    out = StringIO()

    call_command("sales_report", "--top", "1", stdout=out)

    assert out.getvalue().splitlines() == [
        "Orders:              2",
        "Revenue:             €149.97",
        "Discounts given:     €10.00",
        "Refunded:            €50.00",
        "Average order value: €74.99",
        "Top products:",
        "  1. Keyboard — 2 units, €100.00",
    ]


def test_sales_api_is_staff_only(sales, customer_client, staff_client):
    url = reverse("analytics-api:sales")

    assert customer_client.get(url).status_code == 403
    body = staff_client.get(url).json()
    assert (body["orders"], body["revenue"]) == (2, "149.97")
