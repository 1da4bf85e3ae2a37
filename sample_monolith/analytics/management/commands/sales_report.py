from argparse import ArgumentParser
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from analytics.reports import sales_summary, top_products
from core.money import format_money


def _day_start(value: str) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(value), time.min))


class Command(BaseCommand):
    help = "Print revenue, discounts, refunds and the best-selling products."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--since", type=_day_start, help="first day (YYYY-MM-DD), included")
        parser.add_argument("--until", type=_day_start, help="last day (YYYY-MM-DD), excluded")
        parser.add_argument("--top", type=int, default=5, help="how many products to list")

    def handle(self, *args: Any, since: datetime | None, until: datetime | None, top: int,
               **options: Any) -> None:
        summary = sales_summary(since, until)
        self.stdout.write(f"Orders:              {summary.orders}")
        self.stdout.write(f"Revenue:             {format_money(summary.revenue)}")
        self.stdout.write(f"Discounts given:     {format_money(summary.discounts)}")
        self.stdout.write(f"Refunded:            {format_money(summary.refunded)}")
        self.stdout.write(f"Average order value: {format_money(summary.average_order_value)}")
        self.stdout.write("Top products:")
        for rank, product in enumerate(top_products(top), start=1):
            self.stdout.write(
                f"{rank:>3}. {product.name} — {product.units} units, "
                f"{format_money(product.revenue)}"
            )
