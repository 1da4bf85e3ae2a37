from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from core.models import TimeStampedModel


class Carrier(TimeStampedModel):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    tracking_url_template = models.CharField(
        max_length=200, help_text="URL with a {tracking_number} placeholder."
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        return self.tracking_url_template.format(tracking_number=tracking_number)


class ShipmentQuerySet(models.QuerySet["Shipment"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "ShipmentQuerySet":
        return self if user.is_staff else self.filter(order__user_id=user.pk)


class Shipment(TimeStampedModel):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    tracking_number = models.CharField(max_length=64)
    shipped_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shipping_unique_tracking_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number)
