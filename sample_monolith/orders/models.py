from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse

from catalog.models import Product
from core.models import TimeStampedModel


class OrderQuerySet(models.QuerySet["Order"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "OrderQuerySet":
        """Customers see their own orders; staff see everyone's."""
        return self if user.is_staff else self.filter(user_id=user.pk)


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    CANCELLABLE = frozenset({Status.PENDING, Status.PAID})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    shipping_address = models.ForeignKey(
        "accounts.Address", on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    coupon_code = models.CharField(max_length=32, blank=True)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("orders:order-detail", args=[self.pk])

    @property
    def is_cancellable(self) -> bool:
        return self.status in self.CANCELLABLE


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="The product's price when the order was placed."
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "product"], name="orders_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
