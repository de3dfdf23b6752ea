"""Money is exact integer minor units with a currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import Money, MoneyError, parse_minor_units


@pytest.mark.parametrize(
    ("text", "currency", "comma", "minor"),
    [
        ("12.50", "USD", False, 1250),
        ("1,234.56", "USD", False, 123456),
        ("1.234,56", "EUR", True, 123456),
        ("1500", "JPY", False, 1500),
        ("0.001", "KWD", False, 1),
        ("-3", "GBP", False, -300),
    ],
)
def test_parse_exact_amounts(text: str, currency: str, comma: bool, minor: int) -> None:
    assert parse_minor_units(text, currency, decimal_comma=comma) == minor


@pytest.mark.parametrize(
    "text", ["12.345", "1e5", "NaN", "inf", "", "12.5.0", "1" + "0" * 30, "1E+999999"]
)
def test_parse_refuses_inexact_or_absurd(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_minor_units(text, "USD")


def test_arithmetic_keeps_currency_and_refuses_mixing() -> None:
    total = Money(1050, "EUR") + Money(250, "EUR")
    assert total == Money(1300, "EUR")
    assert str(total) == "13.00 EUR"
    assert total.to_decimal() == Decimal("13.00")
    with pytest.raises(MoneyError, match="cannot combine"):
        total + Money(1, "USD")


def test_money_refuses_floats_and_unknown_currency() -> None:
    with pytest.raises(MoneyError):
        Money(10.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(True, "USD")
    with pytest.raises(MoneyError):
        Money(1, "ABC")
