"""Taking and giving back money for orders (a payment provider would sit behind these)."""

from django.conf import settings
from django.db import transaction

from orders.models import Order
from payments.models import Payment, Refund


def capture_payment(order: Order) -> Payment:
    """Charge the order's total; the reference is derived from the order so retries collide."""
    return Payment.objects.create(
        order=order,
        amount=order.total,
        currency=settings.SHOP_CURRENCY,
        reference=f"PAY-{order.pk:08d}",
    )


@transaction.atomic
def refund_payment(payment: Payment, reason: str) -> Refund:
    refund = Refund.objects.create(payment=payment, amount=payment.amount, reason=reason)
    payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    return refund
