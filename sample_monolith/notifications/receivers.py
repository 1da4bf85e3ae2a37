"""Turn what happens to orders and payments into messages for the customer."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.money import format_money
from notifications.models import Notification
from orders.models import Order
from orders.signals import order_placed
from payments.models import Payment


@receiver(order_placed, dispatch_uid="notifications.order_placed")
def notify_order_placed(sender: Any, order: Order, **kwargs: Any) -> None:
    Notification.objects.create(
        user=order.user,
        kind=Notification.Kind.ORDER_PLACED,
        message=f"Thank you! Order #{order.pk} for {format_money(order.total)} was placed.",
    )


@receiver(post_save, sender=Order, dispatch_uid="notifications.order_status_changed")
def notify_order_status_changed(
    sender: type[Order],
    instance: Order,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    """Status changes are saved with ``update_fields``, which tells them from other edits."""
    if created or not update_fields or "status" not in update_fields:
        return
    Notification.objects.create(
        user=instance.user,
        kind=Notification.Kind.ORDER_STATUS,
        message=f"Order #{instance.pk} is now {instance.get_status_display().lower()}.",
    )


def notify_payment_saved(
    sender: type[Payment],
    instance: Payment,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    """Connected in NotificationsConfig.ready(); tells the customer money moved."""
    if created:
        message = f"We received {format_money(instance.amount, instance.currency)} "
    elif update_fields and "status" in update_fields and instance.status == Payment.Status.REFUNDED:
        message = f"We refunded {format_money(instance.amount, instance.currency)} "
    else:
        return
    Notification.objects.create(
        user=instance.order.user,
        kind=Notification.Kind.PAYMENT,
        message=message + f"for order #{instance.order_id}.",
    )
