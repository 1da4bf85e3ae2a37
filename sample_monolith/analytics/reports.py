"""Sales figures for the back office.

Models of other apps are imported inside the functions: reporting reads everyone's tables but
must not make importing analytics pull in (or cycle with) the whole shop.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum

from analytics.models import SalesOrder
from core.money import to_money


@dataclass(frozen=True)
class SalesSummary:
    orders: int
    revenue: Decimal
    discounts: Decimal
    refunded: Decimal

    @property
    def average_order_value(self) -> Decimal:
        return to_money(self.revenue / self.orders) if self.orders else Decimal("0.00")


@dataclass(frozen=True)
class ProductSales:
    product_id: int
    name: str
    units: int
    revenue: Decimal


def sales_summary(start: datetime | None = None, end: datetime | None = None) -> SalesSummary:
    """Completed orders placed in ``[start, end)``, and what was refunded on cancelled ones."""
    from payments.models import Refund

    orders = SalesOrder.objects.completed()
    refunds = Refund.objects.all()
    if start is not None:
        orders = orders.filter(created_at__gte=start)
        refunds = refunds.filter(payment__order__created_at__gte=start)
    if end is not None:
        orders = orders.filter(created_at__lt=end)
        refunds = refunds.filter(payment__order__created_at__lt=end)
    totals = orders.aggregate(count=Count("id"), revenue=Sum("total"), discounts=Sum("discount"))
    refunded = refunds.aggregate(amount=Sum("amount"))["amount"]
    return SalesSummary(
        orders=totals["count"],
        revenue=to_money(totals["revenue"] or 0),
        discounts=to_money(totals["discounts"] or 0),
        refunded=to_money(refunded or 0),
    )


def top_products(limit: int = 10) -> list[ProductSales]:
    """Best sellers by revenue over completed orders; ties broken by product id."""
    from orders.models import OrderLine

    line_revenue = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    rows = (
        OrderLine.objects.filter(order__in=SalesOrder.objects.completed())
        .values("product_id", "product__name")
        .annotate(units=Sum("quantity"), revenue=Sum(line_revenue))
        .order_by("-revenue", "product_id")[:limit]
    )
    return [
        ProductSales(
            product_id=row["product_id"],
            name=row["product__name"],
            units=row["units"],
            revenue=to_money(row["revenue"]),
        )
        for row in rows
    ]
