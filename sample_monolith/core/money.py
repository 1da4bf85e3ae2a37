"""Money helpers shared by every app, so amounts round and print the same everywhere."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def to_money(amount: Decimal | int | str) -> Decimal:
    """Round to cents the way accountants do (half up), not Python's banker's rounding."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str, currency: str | None = None) -> str:
    """``format_money(Decimal("1234.5"))`` -> ``"€1,234.50"`` in the shop's currency."""
    code = currency or settings.SHOP_CURRENCY
    value = to_money(amount)
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{abs(value):,.2f} {code}"
    return f"{sign}{symbol}{abs(value):,.2f}"
