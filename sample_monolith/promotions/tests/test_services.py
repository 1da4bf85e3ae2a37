from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from promotions.models import Coupon
from promotions.services import InvalidCoupon, redeemable_coupon

pytestmark = pytest.mark.django_db


def check(code: str, user) -> Coupon:
    with transaction.atomic():
        return redeemable_coupon(code, user)


def test_discount_applies_to_listed_products_only(coupon, keyboard, mouse):
    assert coupon.discount_for([(keyboard.pk, Decimal("99.99")), (mouse.pk, Decimal("20"))]) == (
        Decimal("10.00")
    )


def test_codes_are_case_insensitive(coupon, customer):
    assert check(" keys10 ", customer) == coupon


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_active": False}, "does not exist"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "not valid at the moment"),
        ({"valid_until": timezone.now() - timedelta(seconds=1)}, "not valid at the moment"),
        ({"max_redemptions": 1}, "used up"),
    ],
    ids=["inactive", "not-yet-valid", "expired", "used-up"],
)
def test_unusable_coupons_are_refused(place, coupon, customer, other_customer, change, message):
    place(other_customer, coupon_code="KEYS10", keyboard=1)
    Coupon.objects.filter(pk=coupon.pk).update(**change)

    with pytest.raises(InvalidCoupon, match=message):
        check("KEYS10", customer)
