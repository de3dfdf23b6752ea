"""The one money type: integer minor units plus an ISO 4217 currency code.

Never a float, never a database ``Numeric`` on SQLite. Parsing accepts user text such as
``"1,234.56"`` or, for day-first locales, ``"1.234,56"`` and refuses anything that is not an
exact amount in the currency's minor units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Exponent (number of minor-unit digits) of the currencies an organisation is likely to use.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "NZD": 2, "CHF": 2, "SEK": 2,
    "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2, "MXN": 2, "ARS": 2, "BRL": 2,
    "CLP": 0, "COP": 2, "PEN": 2, "UYU": 2, "BOB": 2, "PYG": 0, "CRC": 2, "GTQ": 2,
    "DOP": 2, "ZAR": 2, "INR": 2, "JPY": 0, "KRW": 0, "CNY": 2, "HKD": 2, "SGD": 2,
    "ILS": 2, "TRY": 2, "KES": 2, "NGN": 2, "GHS": 2, "PHP": 2, "IDR": 2, "THB": 2,
    "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

MAX_MINOR_UNITS = 10**15  # a quadrillion minor units: far above any real gift, far below int64


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly."""


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency, in minor units (cents for USD, yen for JPY)."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise MoneyError("amount must be an integer number of minor units")
        if abs(self.minor) > MAX_MINOR_UNITS:
            raise MoneyError("amount is out of range")
        if self.currency not in CURRENCY_EXPONENTS:
            raise MoneyError(f"unknown currency {self.currency!r}")

    @property
    def exponent(self) -> int:
        """Number of minor-unit digits of this currency."""
        return CURRENCY_EXPONENTS[self.currency]

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly."""
        return Decimal(self.minor).scaleb(-self.exponent)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return f"{self.to_decimal():.{self.exponent}f} {self.currency}"

    @classmethod
    def parse(cls, text: str, currency: str, *, decimal_comma: bool = False) -> Money:
        """Parse a user-typed amount in major units, e.g. ``"1,234.50"``."""
        return cls(parse_minor_units(text, currency, decimal_comma=decimal_comma), currency)


_AMOUNT = re.compile(r"^-?\d{1,16}(\.\d{1,6})?$")


def parse_minor_units(text: str, currency: str, *, decimal_comma: bool = False) -> int:
    """Turn ``"12.50"`` into ``1250`` for a two-digit currency, refusing inexact values."""
    code = currency.upper()
    if code not in CURRENCY_EXPONENTS:
        raise MoneyError(f"unknown currency {currency!r}")
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    if not _AMOUNT.match(cleaned):
        raise MoneyError(f"{text!r} is not an amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyError(f"{text!r} is not an amount") from exc
    minor = value.scaleb(CURRENCY_EXPONENTS[code])
    if minor != minor.to_integral_value():
        raise MoneyError(f"{text!r} has more decimals than {code} allows")
    result = int(minor)
    if abs(result) > MAX_MINOR_UNITS:
        raise MoneyError("amount is out of range")
    return result
