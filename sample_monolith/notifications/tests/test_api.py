import pytest
from django.urls import reverse

from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("notifications-api:notification-list")


def test_placing_an_order_notifies_through_three_receivers(place, customer, customer_client):
    order = place(customer, mouse=1)

    messages = [n["message"] for n in customer_client.get(NOTIFICATIONS).json()["results"]]

    assert sorted(messages) == sorted([
        f"Thank you! Order #{order.pk} for €19.99 was placed.",
        f"Order #{order.pk} is now paid.",
        f"We received €19.99 for order #{order.pk}.",
    ])


def test_editing_an_order_without_status_change_sends_nothing(place, customer):
    order = place(customer, mouse=1)
    before = Notification.objects.count()

    order.coupon_code = "LATE"
    order.save()

    assert Notification.objects.count() == before


def test_notifications_are_private_and_can_be_marked_read(place, customer, other_customer,
                                                          customer_client):
    place(other_customer, mouse=1)
    place(customer, keyboard=1)
    first = customer_client.get(NOTIFICATIONS).json()["results"][0]

    response = customer_client.post(
        reverse("notifications-api:notification-read", args=[first["id"]])
    )

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert customer_client.get(NOTIFICATIONS).json()["count"] == 3
    assert customer_client.get(NOTIFICATIONS, {"unread": "true"}).json()["count"] == 2
