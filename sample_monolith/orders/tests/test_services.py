from collections.abc import Callable
from decimal import Decimal

import pytest

from accounts.models import User
from catalog.models import Product
from inventory.services import InsufficientStock
from notifications.models import Notification
from orders.models import Order
from orders.services import LineRequest, OrderError, cancel_order, place_order
from payments.models import Payment
from promotions.models import Coupon, CouponRedemption
from promotions.services import InvalidCoupon

pytestmark = pytest.mark.django_db


def test_place_order_reserves_stock_and_records_prices(place, customer, keyboard, mouse, stock_of):
    order = place(customer, keyboard=2, mouse=3)

    assert order.status == Order.Status.PAID
    assert [(line.product, line.quantity, line.unit_price) for line in order.lines.all()] == [
        (keyboard, 2, Decimal("50.00")),
        (mouse, 3, Decimal("19.99")),
    ]
    assert order.subtotal == Decimal("159.97")
    assert order.total == Decimal("159.97")
    assert stock_of(keyboard) == (7, 2)
    assert stock_of(mouse) == (10, 3)


def test_place_order_reserves_preferred_warehouse_first(place, customer, keyboard):
    place(customer, keyboard=5)

    reserved = dict(keyboard.stock_items.values_list("warehouse__code", "reserved"))
    assert reserved == {"PAR": 3, "LIL": 2}


def test_place_order_captures_payment_for_total(place, customer, coupon):
    order = place(customer, coupon_code="keys10", keyboard=2, mouse=1)

    payment = Payment.objects.get(order=order)
    assert payment.amount == order.total == Decimal("109.99")
    assert payment.status == Payment.Status.CAPTURED
    assert payment.reference == f"PAY-{order.pk:08d}"


def test_coupon_discounts_only_eligible_products(place, customer, coupon):
    order = place(customer, coupon_code="KEYS10", keyboard=2, mouse=1)

    assert order.coupon_code == "KEYS10"
    assert order.subtotal == Decimal("119.99")
    assert order.discount == Decimal("10.00")
    assert CouponRedemption.objects.get(order=order).amount == Decimal("10.00")


def test_coupon_without_products_discounts_whole_order(place, customer, coupon):
    coupon.products.clear()

    order = place(customer, coupon_code="KEYS10", mouse=1)

    assert order.discount == Decimal("2.00")
    assert order.total == Decimal("17.99")


def test_coupon_can_be_used_once_per_customer(place, customer, coupon):
    place(customer, coupon_code="KEYS10", keyboard=1)

    with pytest.raises(InvalidCoupon, match="already used"):
        place(customer, coupon_code="KEYS10", keyboard=1)


def test_failed_checkout_leaves_nothing_behind(place, customer, keyboard, mouse, stock_of):
    with pytest.raises(InsufficientStock):
        place(customer, mouse=2, keyboard=8)

    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert not Notification.objects.exists()
    assert stock_of(mouse) == (10, 0)


def test_shipping_address_must_belong_to_customer(customer, other_customer, keyboard):
    with pytest.raises(OrderError, match="another customer"):
        place_order(
            user=customer,
            shipping_address=other_customer.addresses.get(),
            lines=[LineRequest(keyboard, 1)],
        )


def test_order_placed_signal_notifies_customer(place, customer):
    order = place(customer, keyboard=1)

    kinds = set(Notification.objects.filter(user=customer).values_list("kind", flat=True))
    assert kinds == {"order_placed", "order_status", "payment"}
    assert Notification.objects.get(kind="order_placed").message == (
        f"Thank you! Order #{order.pk} for €50.00 was placed."
    )


def test_cancel_releases_stock_refunds_and_frees_coupon(
    place: Callable[..., Order], customer: User, keyboard: Product, coupon: Coupon, stock_of
):
    order = place(customer, coupon_code="KEYS10", keyboard=4)

    cancel_order(order)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert stock_of(keyboard) == (7, 0)
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunds.get().amount == Decimal("180.00")
    assert not CouponRedemption.objects.exists()
    assert Notification.objects.filter(message__startswith="We refunded €180.00").exists()


def test_cancelled_order_cannot_be_cancelled_again(place, customer):
    order = place(customer, keyboard=1)
    cancel_order(order)

    with pytest.raises(OrderError, match="cancelled and can no longer be cancelled"):
        cancel_order(order)
