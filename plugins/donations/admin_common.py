"""Helpers shared by the donations admin pages: permissions, choices, names and amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import get_decimal_symbol

from core.i18n import current_locale
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS, MoneyError, parse_minor_units
from plugins.donations.common import MAX_ID as MAX_ID
from plugins.donations.reports.periods import names

BASE = "/admin/donations"
READ = {"permission": "donations.read"}
WRITE = {"permission": "donations.write"}
MANAGE = {"permission": "donations.manage"}
PER_PAGE = 50


@dataclass(frozen=True)
class Pager:
    """What the ``m.pager`` macro needs."""

    number: int
    has_previous: bool
    has_next: bool

    @classmethod
    def of(cls, page: int, per_page: int, total: int) -> Pager:
        """The pager of page ``page`` of ``total`` rows."""
        return cls(page, page > 1, page * per_page < total)


def payment_methods() -> list[tuple[str, str]]:
    """Payment methods with translated labels."""
    return [
        ("cash", _("Cash")),
        ("cheque", _("Cheque")),
        ("card", _("Card")),
        ("bank_transfer", _("Bank transfer")),
        ("direct_debit", _("Direct debit")),
        ("online", _("Online")),
        ("in_kind", _("In kind")),
        ("stock", _("Stock")),
        ("other", _("Other")),
    ]


def statuses() -> list[tuple[str, str]]:
    """Gift statuses with translated labels."""
    return [
        ("received", _("Received")),
        ("pledged", _("Pledged")),
        ("refunded", _("Refunded")),
        ("failed", _("Failed")),
        ("written_off", _("Written off")),
    ]


def credit_types() -> dict[str, str]:
    """Soft-credit and tribute types with translated labels."""
    return {
        "in_honour": _("In honour"),
        "in_memory": _("In memory"),
        "solicitor": _("Solicitor"),
        "matched": _("Matched"),
        "household": _("Household"),
    }


def channels() -> list[tuple[str, str]]:
    """Appeal channels with translated labels."""
    return [
        ("mail", _("Mail")),
        ("email", _("Email")),
        ("phone", _("Phone")),
        ("event", _("Event")),
        ("web", _("Web")),
        ("social", _("Social media")),
        ("in_person", _("In person")),
        ("other", _("Other")),
    ]


def currencies() -> list[tuple[str, str]]:
    """Every currency core knows, by code."""
    return [(code, code) for code in sorted(CURRENCY_EXPONENTS)]


def service_message(message: str) -> str:
    """A service's English field message in the reader's language (unknown ones unchanged)."""
    known = {
        "no such constituent": _("There is no contact with this number."),
        "no such fund": _("There is no such fund."),
        "no such campaign": _("There is no such campaign."),
        "no such appeal": _("There is no such appeal."),
        "no such record": _("There is no such record."),
        "the appeal belongs to another campaign": _("The appeal belongs to another campaign."),
        "the splits must add up to the gift's amount": _(
            "The funds' amounts must add up to the gift's amount."
        ),
        "cannot exceed the gift's amount": _("This cannot be more than the gift's amount."),
        "an in-kind gift needs a description": _("An in-kind gift needs a description."),
        "a fund may appear only once": _("Each fund may appear only once."),
        "no such gift": _("There is no gift with this number."),
        "the donor already has the credit": _("The donor already has the credit for this gift."),
        "the employer cannot match its own gift": _("An employer cannot match its own gift."),
        "must not be before start_date": _("The end date must not be before the start date."),
    }
    if message.startswith("this batch is in "):
        return _(
            "This batch is in %(currency)s.", currency=message.removeprefix("this batch is in ")
        )
    return known.get(message, message)


def form_errors_of(errors: dict[str, Any]) -> dict[str, str]:
    """Service field errors keyed by the form's field names, translated."""
    aliases = {"amount_minor": "amount", "splits": "fund_id", "goal_minor": "goal",
               "cost_minor": "cost", "control_minor": "control_amount"}  # fmt: skip
    out: dict[str, str] = {}
    for key, value in errors.items():
        field = str(key).split(".")[0]
        if str(key).startswith("splits.") and str(key).endswith("fund_id"):
            field = "fund_id"
        out.setdefault(aliases.get(field, field), service_message(str(value)))
    return out


def parse_amount(text: Any, currency: str, field: str, errors: dict[str, str]) -> int | None:
    """Minor units from a typed decimal amount, or None with a message in ``errors``."""
    if text is None or str(text).strip() == "":
        errors[field] = _("This field is required.")
        return None
    try:
        minor = parse_minor_units(normalise_amount(str(text)), currency)
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


def normalise_amount(text: str) -> str:
    """Typed amount text with ``.`` as the decimal mark and no grouping.

    Accepts ``1,250.50`` and ``1.250,50``; a lone separator followed by exactly three digits
    is read the way the reader's language writes numbers (``1.250`` is 1250 in Spanish).
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") + cleaned.count(".") == 1:
        mark = "," if "," in cleaned else "."
        if len(cleaned) - cleaned.index(mark) - 1 == 3 and mark != _decimal_symbol():
            mark = ""  # a thousands separator
    else:
        mark = ""  # no separator, or repeated grouping separators
    whole, _sep, fraction = cleaned.rpartition(mark) if mark else (cleaned, "", "")
    groups = re.split(r"[,.]", whole)
    if any(len(g) != 3 for g in groups[1:]):
        return cleaned  # not a grouped number: let the parser refuse it
    return "".join(groups) + (f".{fraction}" if mark else "")


def _decimal_symbol() -> str:
    return str(get_decimal_symbol(current_locale()))


def major_text(minor: int, currency: str) -> str:
    """Minor units as the plain decimal text a form field shows (``1250`` → ``12.50``)."""
    places = CURRENCY_EXPONENTS.get(currency, 2)
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{part:0{places}d}"


async def donor_names(ids: list[int]) -> dict[int, str]:
    """Display names of constituents by id."""
    return await names(sorted(set(ids)))


def iso(day: date | None) -> str:
    """A date as ``YYYY-MM-DD`` (empty for None)."""
    return day.isoformat() if day else ""
