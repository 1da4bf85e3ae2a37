"""Stock reservation: the only way other apps change what the warehouses hold for orders."""

from django.db import transaction
from django.db.models import F

from inventory.models import StockItem


class InsufficientStock(Exception):
    def __init__(self, product_id: int, requested: int, available: int) -> None:
        super().__init__(
            f"Only {available} unit(s) of product {product_id} available, {requested} requested."
        )
        self.product_id = product_id
        self.requested = requested
        self.available = available


def _locked_stock(product_id: int) -> list[StockItem]:
    """The product's stock rows, locked until the transaction ends, in reservation order."""
    return list(
        StockItem.objects.select_for_update(of=("self",))
        .filter(product_id=product_id)
        .order_by("warehouse__priority", "warehouse__code", "id")
    )


@transaction.atomic
def reserve_stock(product_id: int, quantity: int) -> None:
    """Claim ``quantity`` units across warehouses, preferred warehouses first, or none at all."""
    items = _locked_stock(product_id)
    available = sum(item.available for item in items)
    if quantity > available:
        raise InsufficientStock(product_id, quantity, available)
    remaining = quantity
    for item in items:
        take = min(item.available, remaining)
        if take:
            StockItem.objects.filter(pk=item.pk).update(reserved=F("reserved") + take)
            remaining -= take
        if not remaining:
            break


@transaction.atomic
def release_stock(product_id: int, quantity: int) -> None:
    """Give back reserved units, least-preferred warehouses first (the reverse of reserving)."""
    remaining = quantity
    for item in reversed(_locked_stock(product_id)):
        give = min(item.reserved, remaining)
        if give:
            StockItem.objects.filter(pk=item.pk).update(reserved=F("reserved") - give)
            remaining -= give
        if not remaining:
            return
    if remaining:
        raise ValueError(f"Only part of {quantity} unit(s) of product {product_id} was reserved.")
