import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_order_pages_redirect_anonymous_visitors_to_login(client: Client):
    response = client.get(reverse("orders:order-list"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/orders/"


def test_login_form_then_order_list(client: Client, place, customer, password):
    order = place(customer, keyboard=2)

    response = client.post(
        "/accounts/login/?next=/orders/", {"username": "alice", "password": password}, follow=True
    )

    assert response.redirect_chain == [("/orders/", 302)]
    html = response.content.decode()
    assert f'<a href="/orders/{order.pk}/">#{order.pk}</a>' in html
    assert "€100.00" in html


def test_order_detail_shows_lines_and_totals(client: Client, place, customer, coupon):
    order = place(customer, coupon_code="KEYS10", keyboard=1, mouse=1)
    client.force_login(customer)

    html = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()

    assert "Keyboard" in html and "Mouse" in html
    assert "Discount (KEYS10)</dt><dd>-€5.00" in html
    assert "€64.99" in html


def test_order_detail_of_another_customer_is_404(client: Client, place, customer, other_customer):
    order = place(other_customer, keyboard=1)
    client.force_login(customer)

    assert client.get(reverse("orders:order-detail", args=[order.pk])).status_code == 404
