"""Segment filters this plugin adds to constituent lists: gave in a period, lifetime over X,
LYBUNT. Each returns a SQL condition on ``c.id`` with ``{}`` placeholders."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from plugins.donations.common import current_fiscal_year
from plugins.donations.models import Input, Minor


class GavePeriod(Input):
    """Received a gift dated within the period (organisation dates, inclusive)."""

    date_from: date
    date_to: date


class LifetimeOver(Input):
    """Lifetime giving of at least ``amount_minor`` in ``currency``."""

    amount_minor: Minor
    currency: str = Field(default="USD", min_length=3, max_length=3)


class Lybunt(Input):
    """Gave last fiscal year but not this one (``fiscal_year`` default: the current one)."""

    fiscal_year: int | None = Field(default=None, ge=1900, le=2200)


def _value(model: type[Input], value: Any) -> Any:
    return value if isinstance(value, model) else model.model_validate(value)


def gave_in_period(value: Any) -> tuple[str, list[Any]]:
    """Constituents with a received gift in the period."""
    v = _value(GavePeriod, value)
    return (
        "c.id IN (SELECT donor_id FROM donations_gift WHERE status = 'received' AND "
        "deleted_at IS NULL AND gift_date >= {} AND gift_date <= {})",
        [v.date_from, v.date_to],
    )


def lifetime_over(value: Any) -> tuple[str, list[Any]]:
    """Constituents whose lifetime giving reaches the amount."""
    v = _value(LifetimeOver, value)
    return (
        "c.id IN (SELECT constituent_id FROM donations_donor_total WHERE currency = {} "
        "AND lifetime_minor >= {})",
        [v.currency.upper(), v.amount_minor],
    )


def lybunt(value: Any) -> tuple[str, list[Any]]:
    """Constituents who gave last fiscal year and not this one (from the year rollup)."""
    v = _value(Lybunt, value or {})
    year = v.fiscal_year or current_fiscal_year()
    return (
        "c.id IN (SELECT constituent_id FROM donations_donor_year WHERE fiscal_year = {}) "
        "AND c.id NOT IN (SELECT constituent_id FROM donations_donor_year WHERE fiscal_year = {})",
        [year - 1, year],
    )
