"""Coupon rules: when a code may be used, and recording that it was."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from orders.models import Order
from promotions.models import Coupon, CouponRedemption


class InvalidCoupon(Exception):
    """The code cannot be used for this order; the message says why, for the customer."""


def redeemable_coupon(code: str, user: User) -> Coupon:
    """The coupon for ``code``, locked against concurrent redemptions, if ``user`` may use it."""
    coupon = Coupon.objects.select_for_update().filter(code__iexact=code.strip()).first()
    now = timezone.now()
    if coupon is None or not coupon.is_active:
        raise InvalidCoupon("This coupon code does not exist.")
    if coupon.valid_from > now or (coupon.valid_until and coupon.valid_until <= now):
        raise InvalidCoupon("This coupon is not valid at the moment.")
    redemptions = coupon.redemptions.all()
    if coupon.max_redemptions is not None and redemptions.count() >= coupon.max_redemptions:
        raise InvalidCoupon("This coupon has been used up.")
    if redemptions.filter(user=user).exists():
        raise InvalidCoupon("You have already used this coupon.")
    return coupon


def redeem_coupon(coupon: Coupon, order: Order, amount: Decimal) -> CouponRedemption:
    return CouponRedemption.objects.create(
        coupon=coupon, user=order.user, order=order, amount=amount
    )


def release_coupon(order: Order) -> None:
    """A cancelled order gives its coupon back, so the customer may use it again."""
    CouponRedemption.objects.filter(order=order).delete()
