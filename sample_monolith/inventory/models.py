from django.db import models

from catalog.models import Product
from core.models import TimeStampedModel


class Warehouse(TimeStampedModel):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Stock is reserved from lower numbers first."
    )

    class Meta:
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.city})"


class StockItem(TimeStampedModel):
    """How many units of a product a warehouse holds, and how many of those orders have claimed."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_items")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock_items")
    quantity = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "warehouse__priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="inventory_one_stock_item_per_place"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("quantity")),
                name="inventory_reserved_lte_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.available} available"

    @property
    def available(self) -> int:
        return self.quantity - self.reserved
