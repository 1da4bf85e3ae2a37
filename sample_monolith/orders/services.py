"""Placing and cancelling orders: the workflow that ties stock, coupons and payments together."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.models import Address, User
from catalog.models import Product
from core.money import to_money
from inventory.services import release_stock, reserve_stock
from orders.models import Order, OrderLine
from orders.signals import order_placed
from payments.models import Payment
from payments.services import capture_payment, refund_payment
from promotions.services import redeem_coupon, redeemable_coupon, release_coupon


class OrderError(Exception):
    """A request the order workflow refuses; the message is meant for the customer."""


@dataclass(frozen=True)
class LineRequest:
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.product.price * self.quantity


@transaction.atomic
def place_order(
    *,
    user: User,
    shipping_address: Address,
    lines: Sequence[LineRequest],
    coupon_code: str = "",
) -> Order:
    """Create a paid order, or nothing at all: any failure rolls every step back.

    Raises OrderError, inventory's InsufficientStock or promotions' InvalidCoupon.
    """
    if not lines:
        raise OrderError("An order needs at least one line.")
    if shipping_address.user_id != user.pk:
        raise OrderError("The shipping address belongs to another customer.")

    coupon = redeemable_coupon(coupon_code, user) if coupon_code else None
    subtotal = to_money(sum((line.total for line in lines), Decimal("0")))
    discount = (
        coupon.discount_for((line.product.pk, line.total) for line in lines)
        if coupon
        else Decimal("0.00")
    )
    order = Order.objects.create(
        user=user,
        shipping_address=shipping_address,
        coupon_code=coupon.code if coupon else "",
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
    )
    for line in lines:
        reserve_stock(line.product.pk, line.quantity)
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=line.product, quantity=line.quantity,
                  unit_price=line.product.price)
        for line in lines
    )
    if coupon:
        redeem_coupon(coupon, order, discount)
    capture_payment(order)
    order.status = Order.Status.PAID
    order.save(update_fields=["status", "updated_at"])
    order_placed.send(sender=Order, order=order)
    return order


@transaction.atomic
def cancel_order(order: Order, reason: str = "Cancelled by customer") -> Order:
    """Cancel a pending or paid order: stock goes back, the payment is refunded."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.is_cancellable:
        raise OrderError(f"Order #{order.pk} is {order.get_status_display().lower()} "
                         "and can no longer be cancelled.")
    for line in order.lines.all():
        release_stock(line.product_id, line.quantity)
    release_coupon(order)
    payment = Payment.objects.filter(order=order).first()
    if payment is not None:
        refund_payment(payment, reason)
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    return order
