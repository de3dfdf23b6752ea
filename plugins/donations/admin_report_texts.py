"""Translated titles, descriptions, definitions and column names of the donations reports.

The report services return English definitions; staff read them here in their own language,
with the same figures (years, basis, dates) filled in.
"""

from __future__ import annotations

from typing import Any

from core.i18n import format_money
from core.i18n import gettext as _


def describe(key: str) -> tuple[str, str]:
    """A report's title and a one-line description of what it shows."""
    texts = {
        "donations.totals": (
            _("Giving totals"),
            _("Received giving by fund, campaign, appeal, fiscal year or month."),
        ),
        "donations.lybunt": (
            _("LYBUNT"),
            _("Donors who gave last year but unfortunately not this year."),
        ),
        "donations.sybunt": (
            _("SYBUNT"),
            _("Donors who gave some year but unfortunately not this year."),
        ),
        "donations.retention": (
            _("Donor and dollar retention"),
            _("How many of last year's donors, and how much of their giving, came back."),
        ),
        "donations.gain_loss": (
            _("Gain/loss"),
            _("New, recaptured, upgraded, same, downgraded and lapsed donors."),
        ),
        "donations.pyramid": (
            _("Donor pyramid"),
            _("Donors and money per giving band in the year."),
        ),
        "donations.rfm": (
            _("RFM scores"),
            _("Recency, frequency and monetary scores from 1 to 5 for each donor."),
        ),
        "donations.campaign_progress": (
            _("Campaign progress"),
            _("Money raised by each campaign against its goal."),
        ),
        "donations.upgrade_prospects": (
            _("Upgrade prospects"),
            _("Donors likely to give more, with the reasons for each score."),
        ),
    }
    return texts.get(key, (key, ""))


def _basis(basis: str) -> str:
    return _("fiscal") if basis == "fiscal" else _("calendar")


def definition(key: str, params: Any) -> str:
    """The rule behind a report's figures, with its parameters filled in."""
    year, previous, basis = params.year, params.year - 1, _basis(params.basis)
    if key == "donations.totals":
        return _(
            "Received gifts dated %(start)s to %(end)s in %(currency)s; fund totals use the "
            "gifts' fund splits.",
            start=params.date_from,
            end=params.date_to,
            currency=params.currency,
        )
    if key == "donations.lybunt":
        return _(
            "Gave in %(basis)s year %(previous)s and nothing in %(year)s; the amount is the "
            "%(previous)s total.",
            basis=basis,
            previous=previous,
            year=year,
        )
    if key == "donations.sybunt" and params.include_last_year:
        return _(
            "Gave in any %(basis)s year before %(year)s and nothing in %(year)s. The amount is "
            "lifetime giving before the year.",
            basis=basis,
            year=year,
        )
    if key == "donations.sybunt":
        return _(
            "Gave in a %(basis)s year before %(previous)s and nothing in %(previous)s or "
            "%(year)s (last year's donors are in LYBUNT). The amount is lifetime giving before "
            "the year.",
            basis=basis,
            previous=previous,
            year=year,
        )
    if key == "donations.retention":
        return _(
            "Donor retention = donors of %(previous)s who gave again in %(year)s ÷ donors of "
            "%(previous)s. Dollar retention = what those retained donors gave in %(year)s ÷ "
            "everything given in %(previous)s (%(basis)s years).",
            basis=basis,
            previous=previous,
            year=year,
        )
    if key == "donations.gain_loss":
        return _(
            "New: first gift ever this year. Recaptured: gave this year and before last year, "
            "but not last year. Upgraded, same, downgraded: gave both years, more, the same or "
            "less this year. Lapsed: gave last year, not this year (%(basis)s years %(previous)s "
            "and %(year)s).",
            basis=basis,
            previous=previous,
            year=year,
        )
    if key == "donations.pyramid":
        return _(
            "Donors grouped by their total giving in %(basis)s year %(year)s.",
            basis=basis,
            year=year,
        )
    if key == "donations.rfm":
        return _(
            "Recency (days since the last gift): up to 90 → 5, up to 180 → 4, up to 365 → 3, "
            "up to 730 → 2, otherwise 1. Frequency (number of gifts): 10 or more → 5, 5 or more "
            "→ 4, 3 or more → 3, 2 → 2, 1 → 1. Monetary (lifetime giving in major units): 5000 "
            "or more → 5, 1000 or more → 4, 250 or more → 3, 50 or more → 2, otherwise 1."
        )
    if key == "donations.campaign_progress":
        return _(
            "Received gifts coded to each campaign, against its goal, in %(currency)s.",
            currency=params.currency,
        )
    return _(
        "Points: 3 for giving three or more fiscal years in a row; 2 for giving more this year "
        "than last; 1 for a past gift at least twice the latest; 1 for five or more gifts; 1 for "
        "three or more other interactions."
    )


def labels() -> dict[str, str]:
    """Translated gain/loss categories."""
    return {
        "new": _("New"),
        "recaptured": _("Recaptured"),
        "upgraded": _("Upgraded"),
        "same": _("Same"),
        "downgraded": _("Downgraded"),
        "lapsed": _("Lapsed"),
    }


def band_text(band: str, currency: str) -> str:
    """A pyramid band in minor units (``10000-49999``, ``10000000+``) as money."""
    if band.endswith("+"):
        return _("%(low)s or more", low=format_money(int(band[:-1]), currency))
    low, _sep, high = band.partition("-")
    if not (low.isdigit() and high.isdigit()):
        return band
    return f"{format_money(int(low), currency)} - {format_money(int(high), currency)}"


def column_labels() -> dict[str, str]:
    """Translated column headings of every report."""
    return {
        "constituent_id": _("Contact number"),
        "name": _("Name"),
        "amount_minor": _("Amount"),
        "label": _("Group"),
        "total_minor": _("Total"),
        "gifts": _("Gifts"),
        "previous_donors": _("Previous donors"),
        "retained_donors": _("Retained donors"),
        "donor_retention_pct": _("Donor retention %"),
        "previous_minor": _("Given last year"),
        "retained_minor": _("Given by retained donors"),
        "dollar_retention_pct": _("Dollar retention %"),
        "category": _("Category"),
        "donors": _("Donors"),
        "this_year_minor": _("This year"),
        "last_year_minor": _("Last year"),
        "change_minor": _("Change"),
        "band": _("Band"),
        "campaign_id": _("Campaign number"),
        "goal_minor": _("Goal"),
        "raised_minor": _("Raised"),
        "percent": _("Percent of goal"),
        "recency_days": _("Days since last gift"),
        "lifetime_minor": _("Lifetime giving"),
        "r": _("R"),
        "f": _("F"),
        "m": _("M"),
        "rfm": _("RFM"),
        "score": _("Score"),
        "reasons": _("Reasons"),
    }
