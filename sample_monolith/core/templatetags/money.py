from decimal import Decimal

from django import template

from core.money import format_money

register = template.Library()


@register.filter(name="money")
def money(amount: Decimal | None) -> str:
    """``{{ order.total|money }}`` renders an amount in the shop's currency."""
    return "" if amount is None else format_money(amount)
