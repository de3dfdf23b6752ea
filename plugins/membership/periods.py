"""Membership date arithmetic: pure functions, no database.

Conventions (see ``docs/membership.md``):

- ``end`` is the day a membership *expires*; the member is covered on every day before it.
- A **rolling** period runs from the join (or rejoin) date for the level's duration. Month
  arithmetic clamps to the month's last day (31 January + 1 month = 28 or 29 February), and
  renewals count months from the period's anchor, so a member who joined on 31 January
  renews to 31 March, not 28 March.
- A **fixed** period is aligned to a grid of periods starting on day 1 of the level's start
  month (1 January for calendar years). Joining puts the member in the period that contains
  the join date; joining on or after that period's *rollover date* (a month and day, e.g.
  1 October) runs to the end of the *next* period instead.
- **Grace**: from ``end`` (inclusive) to ``end + grace_days`` (exclusive) the membership is in
  grace; renewing then still continues the period. From ``end + grace_days`` it has lapsed
  and renewing starts a new continuous period.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodType = Literal["rolling", "fixed"]
Lifecycle = Literal["pending", "active", "cancelled"]
Anchor = Literal["join", "start", "end", "grace_end"]


@dataclass(frozen=True)
class PeriodSpec:
    """How a level lays out its periods."""

    months: int
    period_type: PeriodType = "rolling"
    fixed_start_month: int = 1
    rollover_month: int | None = None
    rollover_day: int | None = None
    grace_days: int = 0


@dataclass(frozen=True)
class Period:
    """A span of membership: covered from ``start`` up to the day before ``end``."""

    start: date
    end: date


@dataclass(frozen=True)
class Renewal:
    """The outcome of a renewal: the new dates and whether the period continued."""

    period_start: date
    term_start: date
    end: date
    continued: bool


@dataclass(frozen=True)
class Rule:
    """A status rule: ``status`` when ``anchor + from_days <= today < anchor + until_days``."""

    status: str
    lifecycle: str = "active"
    anchor: Anchor = "end"
    from_days: int | None = None
    until_days: int | None = None
    counts_as_member: bool = False


@dataclass(frozen=True)
class Dates:
    """The dates a status depends on."""

    join: date
    start: date
    end: date
    grace_days: int


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> int | None:
    """Whole months ``k`` with ``add_months(start, k) == end``, or None if there is none."""
    k = (end.year - start.year) * 12 + (end.month - start.month)
    for candidate in (k - 1, k, k + 1):
        if candidate >= 0 and add_months(start, candidate) == end:
            return candidate
    return None


def _fixed_period_containing(spec: PeriodSpec, day: date) -> Period:
    """The grid period (day 1 of the start month, every ``months``) containing ``day``."""
    start = date(day.year, spec.fixed_start_month, 1)
    while start > day:
        start = add_months(start, -spec.months)
    while add_months(start, spec.months) <= day:
        start = add_months(start, spec.months)
    return Period(start, add_months(start, spec.months))


def rollover_date(spec: PeriodSpec, period: Period) -> date | None:
    """The rollover date falling inside a fixed period, or None when the level has none."""
    if spec.rollover_month is None or spec.rollover_day is None:
        return None
    for year in (period.start.year, period.start.year + 1, period.start.year + 2):
        last = calendar.monthrange(year, spec.rollover_month)[1]
        candidate = date(year, spec.rollover_month, min(spec.rollover_day, last))
        if period.start <= candidate < period.end:
            return candidate
    return None


def first_period(spec: PeriodSpec, join: date) -> Period:
    """The period a member joining on ``join`` gets: covered from ``join`` to the end."""
    if spec.period_type == "rolling":
        return Period(join, add_months(join, spec.months))
    grid = _fixed_period_containing(spec, join)
    rollover = rollover_date(spec, grid)
    end = grid.end
    if rollover is not None and join >= rollover:
        end = add_months(grid.end, spec.months)
    return Period(join, end)


def grace_end(end: date, grace_days: int) -> date:
    """The first day after grace: the membership has lapsed from this day."""
    return end + timedelta(days=grace_days)


def extend(spec: PeriodSpec, period_start: date, end: date) -> date:
    """The end date after one more period, counted from the rolling anchor when aligned."""
    if spec.period_type == "rolling":
        whole = months_between(period_start, end)
        if whole is not None:
            return add_months(period_start, whole + spec.months)
    return add_months(end, spec.months)


def renew(spec: PeriodSpec, period_start: date, end: date, today: date) -> Renewal:
    """Renew on ``today``: before the grace period ends the period continues, else restarts."""
    if today < grace_end(end, spec.grace_days):
        return Renewal(period_start, end, extend(spec, period_start, end), continued=True)
    fresh = first_period(spec, today)
    return Renewal(fresh.start, fresh.start, fresh.end, continued=False)


def pro_rata_credit(paid_minor: int, term_start: date, end: date, today: date) -> int:
    """Unused value of the current term on ``today`` (whole days, rounded down).

    A term not yet started is credited in full; one already over, nothing.
    """
    total = (end - term_start).days
    if total <= 0 or paid_minor <= 0:
        return 0
    remaining = min(max((end - today).days, 0), total)
    return paid_minor * remaining // total


def credit_for_terms(terms: list[tuple[int, date, date]], today: date) -> int:
    """Unused value on ``today`` of paid terms given as ``(dues_minor, start, end)``.

    A renewal made early adds a term that has not started yet: it is credited in full.
    """
    return sum(pro_rata_credit(paid, start, end, today) for paid, start, end in terms)


@dataclass(frozen=True)
class LevelChange:
    """A mid-term change of level: credit for the old terms and what the new one costs.

    ``unused_credit_minor`` is the credit the new dues do not absorb (a downgrade); it is
    carried into the new term as ``credit_days`` extra days, already counted in ``period``.
    """

    credit_minor: int
    dues_minor: int
    due_minor: int
    unused_credit_minor: int
    credit_days: int
    period: Period


MAX_CARRIED_DAYS = 36_525  # about a century: keeps the end date a valid date


def carried_days(unused_minor: int, dues_minor: int, term: Period) -> int:
    """Whole days ``unused_minor`` buys at the daily rate of ``dues_minor`` over ``term``.

    The daily rate is the dues divided by the term's days, so the days are
    ``unused * days // dues`` (rounded down, in integers: no rate is ever rounded), at most
    :data:`MAX_CARRIED_DAYS`. A free level has no daily rate and carries nothing.
    """
    days = (term.end - term.start).days
    if unused_minor <= 0 or dues_minor <= 0 or days <= 0:
        return 0
    return min(unused_minor * days // dues_minor, MAX_CARRIED_DAYS)


def change_level(
    credit_minor: int, new_dues_minor: int, new_spec: PeriodSpec, today: date
) -> LevelChange:
    """Switch level on ``today``: a new term starts and the unused old value is credited.

    The amount due is the new dues less the credit, never below zero. Credit the new dues
    do not absorb (a downgrade) is carried into the new level as extra time: the new term
    ends :func:`carried_days` later.
    """
    due = max(new_dues_minor - credit_minor, 0)
    unused = max(credit_minor - new_dues_minor, 0)
    term = first_period(new_spec, today)
    extra = carried_days(unused, new_dues_minor, term)
    period = Period(term.start, term.end + timedelta(days=extra))
    return LevelChange(credit_minor, new_dues_minor, due, unused, extra, period)


def _anchor_day(anchor: str, dates: Dates) -> date:
    if anchor == "join":
        return dates.join
    if anchor == "start":
        return dates.start
    if anchor == "end":
        return dates.end
    if anchor == "grace_end":
        return grace_end(dates.end, dates.grace_days)
    raise ValueError(f"unknown anchor {anchor!r}")


def rule_applies(rule: Rule, lifecycle: str, dates: Dates, today: date) -> bool:
    """True when the rule's lifecycle matches and ``today`` falls in its window."""
    if rule.lifecycle not in ("any", lifecycle):
        return False
    day = _anchor_day(rule.anchor, dates)
    if rule.from_days is not None and today < day + timedelta(days=rule.from_days):
        return False
    return not (rule.until_days is not None and today >= day + timedelta(days=rule.until_days))


def evaluate(rules: list[Rule], lifecycle: str, dates: Dates, today: date) -> tuple[str, bool]:
    """The first matching rule's status and whether it counts as a member.

    With no matching rule the membership is ``expired`` and not a member, so a gap in a
    hand-edited rule set never silently grants membership.
    """
    for rule in rules:
        if rule_applies(rule, lifecycle, dates, today):
            return rule.status, rule.counts_as_member
    return "expired", False
