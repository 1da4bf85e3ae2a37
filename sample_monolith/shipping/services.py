from django.db import transaction
from django.utils import timezone

from orders.models import Order
from shipping.models import Carrier, Shipment


class NotShippable(Exception):
    pass


@transaction.atomic
def ship_order(order: Order, carrier: Carrier, tracking_number: str) -> Shipment:
    """Hand a paid order to a carrier and mark it shipped."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.PAID:
        raise NotShippable(f"Order #{order.pk} is {order.status}; only paid orders can ship.")
    shipment = Shipment.objects.create(
        order=order, carrier=carrier, tracking_number=tracking_number, shipped_at=timezone.now()
    )
    order.status = Order.Status.SHIPPED
    order.save(update_fields=["status", "updated_at"])
    return shipment
