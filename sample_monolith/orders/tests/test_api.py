import pytest
from django.urls import reverse

from orders.models import Order
from orders.services import cancel_order

pytestmark = pytest.mark.django_db

ORDERS = reverse("orders-api:order-list")


def detail_url(order: Order) -> str:
    return reverse("orders-api:order-detail", args=[order.pk])


def checkout(address_id: int, *lines: tuple[int, int], coupon: str | None = None) -> dict:
    payload: dict = {
        "shipping_address": address_id,
        "lines": [{"product": product, "quantity": quantity} for product, quantity in lines],
    }
    if coupon is not None:
        payload["coupon_code"] = coupon
    return payload


def test_anonymous_client_gets_401_with_token_challenge(api_client):
    response = api_client.get(ORDERS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_list_shows_only_the_customers_own_orders(place, customer, other_customer, customer_client):
    mine = place(customer, keyboard=1)
    place(other_customer, mouse=1)

    response = customer_client.get(ORDERS)

    assert response.status_code == 200
    assert [order["id"] for order in response.json()["results"]] == [mine.pk]


def test_staff_see_every_order_newest_first(place, customer, other_customer, staff_client):
    first = place(customer, keyboard=1)
    second = place(other_customer, mouse=1)

    response = staff_client.get(ORDERS)

    assert [order["id"] for order in response.json()["results"]] == [second.pk, first.pk]


def test_list_filters_by_status(place, customer, customer_client):
    kept = place(customer, keyboard=1)
    cancel_order(place(customer, mouse=1))

    paid = customer_client.get(ORDERS, {"status": "paid"}).json()
    cancelled = customer_client.get(ORDERS, {"status": "cancelled"}).json()

    assert [order["id"] for order in paid["results"]] == [kept.pk]
    assert cancelled["count"] == 1
    assert customer_client.get(ORDERS, {"status": "lost"}).status_code == 400


def test_list_is_paginated_with_client_chosen_page_size(place, customer, customer_client):
    orders = [place(customer, mouse=1) for _ in range(3)]

    page = customer_client.get(ORDERS, {"page_size": 2, "page": 2}).json()

    assert page["count"] == 3
    assert page["next"] is None
    assert page["previous"] == "http://testserver/api/orders/?page_size=2"
    assert [order["id"] for order in page["results"]] == [orders[0].pk]


def test_detail_embeds_product_and_customer_data(place, customer, customer_client, keyboard):
    order = place(customer, keyboard=2)

    body = customer_client.get(detail_url(order)).json()

    assert body["customer_email"] == "alice@example.com"
    assert body["shipping_address"] == customer.addresses.get().pk
    assert body["status"] == "paid"
    assert (body["subtotal"], body["discount"], body["total"]) == ("100.00", "0.00", "100.00")
    line = body["lines"][0]
    assert line["product"] == {"id": keyboard.pk, "name": "Keyboard", "price": "50.00"}
    assert (line["quantity"], line["unit_price"], line["line_total"]) == (2, "50.00", "100.00")


def test_detail_of_someone_elses_order_is_not_found(place, other_customer, customer_client):
    order = place(other_customer, keyboard=1)

    assert customer_client.get(detail_url(order)).status_code == 404


def test_token_authentication_reads_orders(place, customer, token_client):
    order = place(customer, keyboard=1)

    assert token_client.get(detail_url(order)).json()["id"] == order.pk


def test_create_places_order_and_returns_it(customer, customer_client, keyboard, mouse, coupon,
                                            stock_of):
    address = customer.addresses.get()

    response = customer_client.post(
        ORDERS, checkout(address.pk, (keyboard.pk, 1), (mouse.pk, 2), coupon="KEYS10")
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "paid"
    assert (body["subtotal"], body["discount"], body["total"]) == ("89.98", "5.00", "84.98")
    assert [line["product"]["name"] for line in body["lines"]] == ["Keyboard", "Mouse"]
    assert stock_of(mouse) == (10, 2)


def test_create_with_token_and_no_coupon(customer, token_client, mouse):
    response = token_client.post(ORDERS, checkout(customer.addresses.get().pk, (mouse.pk, 1)))

    assert response.status_code == 201
    assert response.json()["coupon_code"] == ""


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([(999_999, 1)], "lines"),
        ([("mouse", 0)], "lines"),
        ([("mouse", 1), ("mouse", 2)], "lines"),
    ],
    ids=["no-lines", "unknown-product", "zero-quantity", "duplicate-product"],
)
def test_create_rejects_invalid_lines(customer, customer_client, mouse, lines, field):
    resolved = [(mouse.pk if product == "mouse" else product, qty) for product, qty in lines]

    response = customer_client.post(ORDERS, checkout(customer.addresses.get().pk, *resolved))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Order.objects.exists()


def test_create_rejects_another_customers_address(other_customer, customer_client, mouse):
    response = customer_client.post(ORDERS, checkout(other_customer.addresses.get().pk,
                                                     (mouse.pk, 1)))

    assert response.status_code == 400
    assert "shipping_address" in response.json()


def test_create_reports_insufficient_stock_on_lines(customer, customer_client, keyboard, stock_of):
    response = customer_client.post(ORDERS, checkout(customer.addresses.get().pk,
                                                     (keyboard.pk, 8)))

    assert response.status_code == 400
    assert response.json() == {
        "lines": [f"Only 7 unit(s) of product {keyboard.pk} available, 8 requested."]
    }
    assert stock_of(keyboard) == (7, 0)


def test_create_reports_unknown_coupon(customer, customer_client, mouse):
    response = customer_client.post(
        ORDERS, checkout(customer.addresses.get().pk, (mouse.pk, 1), coupon="NOPE")
    )

    assert response.status_code == 400
    assert response.json() == {"coupon_code": ["This coupon code does not exist."]}


def test_cancel_returns_cancelled_order_and_releases_stock(place, customer, customer_client,
                                                           keyboard, stock_of):
    order = place(customer, keyboard=3)

    response = customer_client.post(reverse("orders-api:order-cancel", args=[order.pk]))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert stock_of(keyboard) == (7, 0)


def test_cancel_twice_is_a_conflict(place, customer, customer_client):
    order = place(customer, keyboard=1)
    url = reverse("orders-api:order-cancel", args=[order.pk])
    customer_client.post(url)

    response = customer_client.post(url)

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Order #{order.pk} is cancelled and can no longer be cancelled."
    }


def test_customer_cannot_cancel_someone_elses_order(place, other_customer, customer_client):
    order = place(other_customer, keyboard=1)

    response = customer_client.post(reverse("orders-api:order-cancel", args=[order.pk]))

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_orders_cannot_be_edited_or_deleted(place, customer, customer_client):
    order = place(customer, keyboard=1)

    assert customer_client.patch(detail_url(order), {"total": "0.01"}).status_code == 405
    assert customer_client.delete(detail_url(order)).status_code == 405
