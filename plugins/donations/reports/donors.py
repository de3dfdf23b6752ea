"""Donor-movement reports: LYBUNT, SYBUNT, retention, gain/loss and the donor pyramid."""

from __future__ import annotations

from plugins.donations.reports import Report, Series
from plugins.donations.reports.lapsed import lybunt_rows, reads_rollups, retention_totals
from plugins.donations.reports.movement import lapsed_donors, retention_counts
from plugins.donations.reports.periods import Basis, giving_before, giving_in

DONOR_COLUMNS = ("constituent_id", "name", "amount_minor")
PYRAMID_BANDS = [0, 10_000, 50_000, 100_000, 500_000, 1_000_000, 10_000_000]  # minor units


async def lybunt(
    year: int,
    basis: Basis = "fiscal",
    currency: str = "USD",
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Report:
    """Donors who gave Last Year But Unfortunately Not This year.

    Every row by default; with ``limit`` one page of rows (biggest amount first) and
    ``total_rows``. Read from the per-year rollups when the basis's years are the stored
    fiscal years, from the gifts otherwise.
    """
    if reads_rollups(basis):
        rows, total = await lybunt_rows(year, currency, limit=limit, offset=offset)
    else:
        rows, total = await lapsed_donors(
            year, basis, currency, rule="lybunt", limit=limit, offset=offset
        )
    return Report.model_construct(
        key="donations.lybunt",
        title=f"LYBUNT {year}",
        definition=(
            f"Gave in {basis} year {year - 1} and nothing in {year}; amount = {year - 1} total."
        ),
        columns=list(DONOR_COLUMNS),
        rows=rows,
        series=[],
        total_rows=total,
    )


async def sybunt(
    year: int,
    basis: Basis = "fiscal",
    currency: str = "USD",
    include_last_year: bool = False,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Report:
    """Donors who gave Some Year But Unfortunately Not This year (paged like :func:`lybunt`)."""
    if include_last_year:
        definition = f"Gave in any {basis} year before {year} and nothing in {year}."
    else:
        definition = (
            f"Gave in a {basis} year before {year - 1}, nothing in {year - 1} or {year} "
            "(last year's donors are in LYBUNT)."
        )
    rule = "sybunt_all" if include_last_year else "sybunt"
    rows, total = await lapsed_donors(year, basis, currency, rule=rule, limit=limit, offset=offset)
    return Report.model_construct(
        key="donations.sybunt",
        title=f"SYBUNT {year}",
        definition=definition + " Amount = lifetime giving before the year.",
        columns=list(DONOR_COLUMNS),
        rows=rows,
        series=[],
        total_rows=total,
    )


async def retention(year: int, basis: Basis = "fiscal", currency: str = "USD") -> Report:
    """Donor retention and dollar retention from the previous year into ``year``.

    Read from the per-year rollups when the basis's years are the stored fiscal years.
    """
    if reads_rollups(basis):
        counts = await retention_totals(year, currency)
    else:
        counts = await retention_counts(year, basis, currency)
    previous, retained = counts["previous_donors"], counts["retained_donors"]
    last_total, kept_total = counts["previous_minor"], counts["retained_minor"]
    row = {
        "previous_donors": previous,
        "retained_donors": retained,
        "donor_retention_pct": round(100 * retained / previous, 1) if previous else 0.0,
        "previous_minor": last_total,
        "retained_minor": kept_total,
        "dollar_retention_pct": round(100 * kept_total / last_total, 1) if last_total else 0.0,
    }
    return Report(
        key="donations.retention",
        title=f"Retention {year - 1} → {year}",
        definition=(
            f"Donor retention = donors of {year - 1} who gave again in {year} / donors of "
            f"{year - 1}. Dollar retention = what those retained donors gave in {year} / "
            f"everything given in {year - 1}."
        ),
        columns=list(row),
        rows=[row],
    )


async def gain_loss(year: int, basis: Basis = "fiscal", currency: str = "USD") -> Report:
    """New, recaptured, upgraded, same, downgraded and lapsed donors with their amounts."""
    this = await giving_in(year, basis, currency)
    last = await giving_in(year - 1, basis, currency)
    before = await giving_before(year - 1, basis, currency)
    groups: dict[str, list[int]] = {
        k: [] for k in ("new", "recaptured", "upgraded", "same", "downgraded", "lapsed")
    }
    for donor in sorted(set(this) | set(last)):
        if donor not in this:
            groups["lapsed"].append(donor)
        elif donor not in last:
            groups["recaptured" if donor in before else "new"].append(donor)
        elif this[donor] > last[donor]:
            groups["upgraded"].append(donor)
        elif this[donor] < last[donor]:
            groups["downgraded"].append(donor)
        else:
            groups["same"].append(donor)
    rows = [
        {
            "category": name,
            "donors": len(ids),
            "this_year_minor": sum(this.get(i, 0) for i in ids),
            "last_year_minor": sum(last.get(i, 0) for i in ids),
            "change_minor": sum(this.get(i, 0) - last.get(i, 0) for i in ids),
        }
        for name, ids in groups.items()
    ]
    return Report(
        key="donations.gain_loss",
        title=f"Gain/loss {year - 1} → {year}",
        definition=(
            "new: first gift ever this year; recaptured: gave this year and before last year "
            "but not last year; upgraded/same/downgraded: gave both years, more/equal/less this "
            "year; lapsed: gave last year, not this year."
        ),
        columns=list(rows[0]),
        rows=rows,
        series=[
            Series(name="change", labels=list(groups), values=[r["change_minor"] for r in rows])
        ],
    )


def band_label(low: int, high: int | None) -> str:
    """A pyramid band's label in minor units."""
    return f"{low}+" if high is None else f"{low}-{high - 1}"


async def pyramid(year: int, basis: Basis = "fiscal", currency: str = "USD") -> Report:
    """Donors and money per giving band in a year (the donor pyramid)."""
    this = await giving_in(year, basis, currency)
    rows = []
    for index, low in enumerate(PYRAMID_BANDS):
        high = PYRAMID_BANDS[index + 1] if index + 1 < len(PYRAMID_BANDS) else None
        ids = [i for i, v in this.items() if v >= low and (high is None or v < high)]
        rows.append(
            {
                "band": band_label(low, high),
                "donors": len(ids),
                "total_minor": sum(this[i] for i in ids),
            }
        )
    rows.reverse()  # biggest givers on top
    return Report(
        key="donations.pyramid",
        title=f"Donor pyramid {year}",
        definition="Donors grouped by their total giving in the year (bands in minor units).",
        columns=["band", "donors", "total_minor"],
        rows=rows,
        series=[
            Series(
                name="donors", labels=[r["band"] for r in rows], values=[r["donors"] for r in rows]
            )
        ],
    )
