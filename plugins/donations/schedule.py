"""Calendar arithmetic for instalments and recurring gifts."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

MONTHS = {"monthly": 1, "quarterly": 3, "annually": 12}


def add_months(day: date, months: int, anchor_day: int | None = None) -> date:
    """``day`` plus ``months``, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor_day or day.day, last))


def next_occurrence(day: date, frequency: str, anchor_day: int | None = None) -> date:
    """The date after ``day`` for a frequency (weekly, monthly, quarterly, annually)."""
    if frequency == "weekly":
        return day + timedelta(days=7)
    return add_months(day, MONTHS[frequency], anchor_day)


def occurrences(start: date, frequency: str, until: date) -> list[date]:
    """Every date from ``start`` (inclusive) before ``until`` (exclusive)."""
    dates, day = [], start
    while day < until:
        dates.append(day)
        day = next_occurrence(day, frequency, start.day)
    return dates


def split_evenly(amount_minor: int, count: int) -> list[int]:
    """``count`` parts adding up to ``amount_minor``, the remainder on the last part."""
    base = amount_minor // count
    return [base] * (count - 1) + [amount_minor - base * (count - 1)]
