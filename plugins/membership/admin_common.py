"""Helpers shared by the membership admin pages: permissions, choices, amounts, messages."""

from __future__ import annotations

from typing import Any

from babel.numbers import get_decimal_symbol

from core.i18n import current_locale
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS, MoneyError, parse_minor_units

BASE = "/admin/membership"
READ = {"permission": "membership.read"}
WRITE = {"permission": "membership.write"}
PER_PAGE = 50


def month_names() -> list[tuple[int, str]]:
    """Months 1-12 with translated names."""
    names = [
        _("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
        _("August"), _("September"), _("October"), _("November"), _("December"),
    ]  # fmt: skip
    return list(enumerate(names, start=1))


def duration_units() -> list[tuple[str, str]]:
    """Units of a level's duration."""
    return [("years", _("Years")), ("months", _("Months"))]


def period_types() -> list[tuple[str, str]]:
    """Rolling or fixed periods, explained."""
    return [
        ("rolling", _("Rolling (from the join date)")),
        ("fixed", _("Fixed (aligned to a start month)")),
    ]


def level_kinds() -> list[tuple[str, str]]:
    """Individual, family or organisation levels."""
    return [
        ("individual", _("Individual")),
        ("family", _("Family")),
        ("organisation", _("Organisation")),
    ]


def payment_methods() -> list[tuple[str, str]]:
    """How dues were paid."""
    return [
        ("cash", _("Cash")),
        ("cheque", _("Cheque")),
        ("card", _("Card")),
        ("bank_transfer", _("Bank transfer")),
        ("direct_debit", _("Direct debit")),
        ("online", _("Online")),
        ("other", _("Other")),
    ]


def lifecycles() -> list[tuple[str, str]]:
    """Membership lifecycle states."""
    return [
        ("active", _("Active")),
        ("pending", _("Pending payment")),
        ("cancelled", _("Cancelled")),
    ]


def currencies() -> list[tuple[str, str]]:
    """Every currency core knows, by code."""
    return [(code, code) for code in sorted(CURRENCY_EXPONENTS)]


def parse_amount(text: Any, currency: str, field: str, errors: dict[str, str]) -> int | None:
    """Minor units from a typed decimal amount (either decimal mark), or None and a message."""
    raw = "" if text is None else str(text).strip().replace(" ", "")
    if raw == "":
        return 0
    comma = get_decimal_symbol(current_locale()) == "," and "." not in raw
    try:
        minor = parse_minor_units(raw, currency, decimal_comma=comma)
    except MoneyError:
        errors[field] = _(
            "Enter an amount such as 25 or 25.50, with no more decimals than %(currency)s allows.",
            currency=currency,
        )
        return None
    if minor < 0:
        errors[field] = _("Enter an amount that is not negative.")
        return None
    return minor


def major_text(minor: int, currency: str) -> str:
    """Minor units as the plain decimal text a form field shows (``1250`` -> ``12.50``)."""
    places = CURRENCY_EXPONENTS.get(currency, 2)
    if places == 0:
        return str(minor)
    whole, part = divmod(abs(minor), 10**places)
    return f"{'-' if minor < 0 else ''}{whole}.{part:0{places}d}"


def service_message(message: str) -> str:
    """A service's English message in the reader's language (unknown ones unchanged)."""
    known = {
        "no such constituent": _("There is no contact with this number."),
        "this level is not offered any more": _("This level is not offered any more."),
        "this level cannot renew automatically": _("This level cannot renew automatically."),
        "the membership is already at this level": _("The membership is already at this level."),
        "the levels' dues are in different currencies": _(
            "The two levels' dues are in different currencies."
        ),
        "the override must end after today": _("The override must end after today."),
        "the member is already covered": _("The member is already covered."),
        "give both the rollover month and day, or neither": _(
            "Give both the rollover month and day, or neither."
        ),
        "the rollover day does not exist in that month": _(
            "The rollover day does not exist in that month."
        ),
        "a rollover date applies to fixed periods only": _(
            "A rollover date applies to fixed periods only."
        ),
        "only family and organisation levels have associated members": _(
            "Only family and organisation levels have associated members."
        ),
    }
    if message.startswith("use one of: "):
        return _("Use one of: %(statuses)s", statuses=message.removeprefix("use one of: "))
    return known.get(message, message)


def translated(errors: dict[str, Any]) -> dict[str, str]:
    """Service field errors translated, keyed by top-level field."""
    return {str(k).split(".")[0] or "__all__": service_message(str(v)) for k, v in errors.items()}
