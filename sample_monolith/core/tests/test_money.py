from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import format_money, to_money


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.5"), None, "€1,234.50"),
        (Decimal("-3"), "USD", "-$3.00"),
        ("0.005", "GBP", "£0.01"),
        (7, "CHF", "7.00 CHF"),
    ],
)
def test_format_money(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_to_money_rounds_half_up_not_to_even():
    assert to_money(Decimal("2.675")) == Decimal("2.68")
    assert to_money(Decimal("0.125")) == Decimal("0.13")


def test_money_template_filter():
    template = Template("{% load money %}{{ amount|money }}|{{ missing|money }}")

    assert template.render(Context({"amount": Decimal("9.5"), "missing": None})) == "€9.50|"
