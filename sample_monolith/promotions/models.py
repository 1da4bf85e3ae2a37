from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from catalog.models import Product
from core.models import TimeStampedModel
from core.money import to_money


class Coupon(TimeStampedModel):
    code = models.CharField(max_length=32, unique=True)
    description = models.CharField(max_length=200, blank=True)
    percent_off = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty for no limit."
    )
    is_active = models.BooleanField(default=True)
    products = models.ManyToManyField(
        Product,
        blank=True,
        related_name="coupons",
        help_text="Products the discount applies to; none means the whole order.",
    )
    redeemed_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CouponRedemption",
        related_name="redeemed_coupons",
        blank=True,
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def discount_for(self, line_totals: Iterable[tuple[int, Decimal]]) -> Decimal:
        """The discount on ``(product_id, line_total)`` pairs this coupon covers."""
        eligible = set(self.products.values_list("pk", flat=True))
        base = sum(
            (total for product_id, total in line_totals if not eligible or product_id in eligible),
            Decimal("0"),
        )
        return to_money(base * self.percent_off / 100)


class CouponRedemption(TimeStampedModel):
    """Who used which coupon on which order: the explicit ``through`` table of redeemed_by."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupon_redemptions"
    )
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="coupon_redemption"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "user"], name="promotions_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.coupon} on {self.order}"
