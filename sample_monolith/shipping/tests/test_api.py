import pytest
from django.urls import reverse

from notifications.models import Notification
from orders.models import Order
from orders.services import cancel_order
from shipping.models import Carrier

pytestmark = pytest.mark.django_db

SHIPMENTS = reverse("shipping-api:shipment-list")


@pytest.fixture
def carrier(db: None) -> Carrier:
    return Carrier.objects.create(
        code="laposte", name="La Poste",
        tracking_url_template="https://track.example.com/{tracking_number}",
    )


def test_staff_ship_a_paid_order(place, customer, staff_client, customer_client, carrier):
    order = place(customer, keyboard=1)

    response = staff_client.post(
        SHIPMENTS, {"order": order.pk, "carrier": "laposte", "tracking_number": "LP123"}
    )

    assert response.status_code == 201, response.json()
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert Notification.objects.filter(message=f"Order #{order.pk} is now shipped.").exists()
    seen = customer_client.get(SHIPMENTS).json()["results"]
    assert [(s["order"], s["tracking_url"]) for s in seen] == [
        (order.pk, "https://track.example.com/LP123"),
    ]


def test_customers_cannot_create_shipments(place, customer, customer_client, carrier):
    order = place(customer, keyboard=1)

    response = customer_client.post(
        SHIPMENTS, {"order": order.pk, "carrier": "laposte", "tracking_number": "LP1"}
    )

    assert response.status_code == 403


def test_cancelled_orders_cannot_ship(place, customer, staff_client, carrier):
    order = cancel_order(place(customer, keyboard=1))

    response = staff_client.post(
        SHIPMENTS, {"order": order.pk, "carrier": "laposte", "tracking_number": "LP9"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "order": [f"Order #{order.pk} is cancelled; only paid orders can ship."]
    }
