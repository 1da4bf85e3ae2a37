from django.db import models

from orders.models import Order


class SalesOrderQuerySet(models.QuerySet["SalesOrder"]):
    def completed(self) -> "SalesOrderQuerySet":
        """Orders that brought money in: paid or shipped, never cancelled or pending."""
        return self.filter(status__in=[Order.Status.PAID, Order.Status.SHIPPED])


class SalesOrder(Order):
    """Orders seen as sales: a proxy, so reporting adds behaviour without another table."""

    objects = SalesOrderQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "sales order"
