"""Every report this plugin registers, with defaults so ``build()`` alone works."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from plugins.donations.common import current_fiscal_year, org
from plugins.donations.reports import Report, donors, totals
from plugins.donations.reports.periods import Basis


def _currency(currency: str | None) -> str:
    return (currency or org().default_currency).upper()


def _year(year: int | None) -> int:
    return year or current_fiscal_year()


def _yearly(
    report: Callable[..., Awaitable[Report]],
) -> Callable[..., Awaitable[Report]]:
    async def build(
        year: int | None = None, basis: Basis = "fiscal", currency: str | None = None, **extra: Any
    ) -> Report:
        return await report(_year(year), basis, _currency(currency), **extra)

    build.__doc__ = report.__doc__
    return build


async def totals_report(
    dimension: totals.Dimension = "fund",
    date_from: date | None = None,
    date_to: date | None = None,
    currency: str | None = None,
) -> Report:
    """Totals by fund, campaign, appeal, fiscal year or month (default: this fiscal year).

    ``date_from`` and ``date_to`` are inclusive; the fiscal year's end is exclusive, so the
    default stops the day before it.
    """
    start, end = org().fiscal_year_bounds(current_fiscal_year())
    return await totals.totals_by(
        dimension, date_from or start, date_to or end - timedelta(days=1), _currency(currency)
    )


async def campaign_report(currency: str | None = None) -> Report:
    """Campaign progress against goal."""
    return await totals.campaign_progress(_currency(currency))


async def rfm_report(
    currency: str | None = None,
    as_of: date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Report:
    """RFM scores (every row, or one page with ``limit``)."""
    return await totals.rfm(_currency(currency), as_of, limit=limit, offset=offset)


async def prospects_report(currency: str | None = None) -> Report:
    """Upgrade prospects."""
    return await totals.upgrade_prospects(_currency(currency))


REPORTS: dict[str, tuple[str, Callable[..., Awaitable[Report]]]] = {
    "donations.totals": ("Giving totals", totals_report),
    "donations.lybunt": ("LYBUNT", _yearly(donors.lybunt)),
    "donations.sybunt": ("SYBUNT", _yearly(donors.sybunt)),
    "donations.retention": ("Donor and dollar retention", _yearly(donors.retention)),
    "donations.gain_loss": ("Gain/loss", _yearly(donors.gain_loss)),
    "donations.pyramid": ("Donor pyramid", _yearly(donors.pyramid)),
    "donations.rfm": ("RFM scores", rfm_report),
    "donations.campaign_progress": ("Campaign progress", campaign_report),
    "donations.upgrade_prospects": ("Upgrade prospects", prospects_report),
}
