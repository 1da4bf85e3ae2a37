"""A monolith function the bridge under test may call."""

from decimal import Decimal


def total(prices: list[Decimal], quantity: int) -> Decimal:
    return sum(prices, Decimal(0)) * quantity
