"""Table-driven tests of membership date arithmetic (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.membership.periods import (
    MAX_CARRIED_DAYS,
    Dates,
    Period,
    PeriodSpec,
    Rule,
    add_months,
    carried_days,
    change_level,
    credit_for_terms,
    evaluate,
    first_period,
    months_between,
    pro_rata_credit,
    renew,
)

D = date
YEAR = PeriodSpec(months=12, grace_days=30)
MONTH = PeriodSpec(months=1, grace_days=10)
CALENDAR = PeriodSpec(months=12, period_type="fixed", fixed_start_month=1, grace_days=30)
CALENDAR_ROLLOVER = PeriodSpec(
    months=12, period_type="fixed", rollover_month=10, rollover_day=1, grace_days=30
)
SEASON = PeriodSpec(  # September-to-August season, rollover 1 June
    months=12, period_type="fixed", fixed_start_month=9, rollover_month=6, rollover_day=1
)
QUARTER = PeriodSpec(months=3, period_type="fixed", fixed_start_month=1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month-end join, common year
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # month-end join, leap year
        (D(2026, 1, 31), 2, D(2026, 3, 31)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # leap day + 1 year
        (D(2028, 2, 29), 48, D(2032, 2, 29)),  # leap day + 4 years
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # year boundary
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 31), D(2026, 2, 28), 1),
        (D(2026, 1, 31), D(2026, 3, 31), 2),
        (D(2026, 1, 15), D(2027, 1, 15), 12),
        (D(2026, 1, 15), D(2026, 2, 14), None),
    ],
)
def test_months_between(start: date, end: date, expected: int | None) -> None:
    assert months_between(start, end) == expected


@pytest.mark.parametrize(
    ("spec", "join", "start", "end"),
    [
        # rolling: from the join date
        (YEAR, D(2026, 3, 15), D(2026, 3, 15), D(2027, 3, 15)),
        (MONTH, D(2026, 1, 31), D(2026, 1, 31), D(2026, 2, 28)),
        (MONTH, D(2028, 1, 31), D(2028, 1, 31), D(2028, 2, 29)),
        (YEAR, D(2028, 2, 29), D(2028, 2, 29), D(2029, 2, 28)),
        # fixed calendar year, no rollover: ends on 1 January next year
        (CALENDAR, D(2026, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
        (CALENDAR, D(2026, 12, 31), D(2026, 12, 31), D(2027, 1, 1)),
        # rollover 1 October: before it this year, on or after it to the end of next year
        (CALENDAR_ROLLOVER, D(2026, 9, 30), D(2026, 9, 30), D(2027, 1, 1)),
        (CALENDAR_ROLLOVER, D(2026, 10, 1), D(2026, 10, 1), D(2028, 1, 1)),
        (CALENDAR_ROLLOVER, D(2026, 12, 31), D(2026, 12, 31), D(2028, 1, 1)),
        # a season starting in September, rollover 1 June
        (SEASON, D(2026, 8, 31), D(2026, 8, 31), D(2027, 9, 1)),  # after 1 June rollover
        (SEASON, D(2026, 5, 31), D(2026, 5, 31), D(2026, 9, 1)),  # before it
        (SEASON, D(2026, 9, 1), D(2026, 9, 1), D(2027, 9, 1)),
        (SEASON, D(2027, 5, 31), D(2027, 5, 31), D(2027, 9, 1)),
        (SEASON, D(2027, 6, 1), D(2027, 6, 1), D(2028, 9, 1)),
        # quarterly fixed periods
        (QUARTER, D(2026, 5, 20), D(2026, 5, 20), D(2026, 7, 1)),
        (QUARTER, D(2028, 2, 29), D(2028, 2, 29), D(2028, 4, 1)),
    ],
)
def test_first_period(spec: PeriodSpec, join: date, start: date, end: date) -> None:
    period = first_period(spec, join)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("spec", "period_start", "end", "today", "expected_start", "expected_end", "continued"),
    [
        # while current: the end date moves on by one period
        (
            YEAR,
            D(2026, 3, 15),
            D(2027, 3, 15),
            D(2026, 12, 1),
            D(2026, 3, 15),
            D(2028, 3, 15),
            True,
        ),
        # month-end anchor: renewals keep the 31st where the month has one
        (
            MONTH,
            D(2026, 1, 31),
            D(2026, 2, 28),
            D(2026, 2, 20),
            D(2026, 1, 31),
            D(2026, 3, 31),
            True,
        ),
        (
            MONTH,
            D(2026, 1, 31),
            D(2026, 3, 31),
            D(2026, 3, 1),
            D(2026, 1, 31),
            D(2026, 4, 30),
            True,
        ),
        # leap day anchor comes back in a leap year
        (YEAR, D(2028, 2, 29), D(2031, 2, 28), D(2031, 1, 1), D(2028, 2, 29), D(2032, 2, 29), True),
        # in grace (on the end date and the last grace day): still continues
        (
            YEAR,
            D(2026, 3, 15),
            D(2027, 3, 15),
            D(2027, 3, 15),
            D(2026, 3, 15),
            D(2028, 3, 15),
            True,
        ),
        (
            YEAR,
            D(2026, 3, 15),
            D(2027, 3, 15),
            D(2027, 4, 13),
            D(2026, 3, 15),
            D(2028, 3, 15),
            True,
        ),
        # lapsed (the day grace ends): a new period from today
        (
            YEAR,
            D(2026, 3, 15),
            D(2027, 3, 15),
            D(2027, 4, 14),
            D(2027, 4, 14),
            D(2028, 4, 14),
            False,
        ),
        # fixed calendar years: renewals add a year to the aligned end
        (
            CALENDAR,
            D(2026, 6, 1),
            D(2027, 1, 1),
            D(2026, 11, 1),
            D(2026, 6, 1),
            D(2028, 1, 1),
            True,
        ),
        # fixed, lapsed, rejoining after the rollover runs to the end of the next year
        (
            CALENDAR_ROLLOVER,
            D(2025, 6, 1),
            D(2026, 1, 1),
            D(2026, 10, 5),
            D(2026, 10, 5),
            D(2028, 1, 1),
            False,
        ),
    ],
)
def test_renew(
    spec: PeriodSpec,
    period_start: date,
    end: date,
    today: date,
    expected_start: date,
    expected_end: date,
    continued: bool,
) -> None:
    result = renew(spec, period_start, end, today)
    assert (result.period_start, result.end, result.continued) == (
        expected_start,
        expected_end,
        continued,
    )
    assert result.term_start == (end if continued else today)


@pytest.mark.parametrize(
    ("paid", "term_start", "end", "today", "credit"),
    [
        (12000, D(2026, 1, 1), D(2027, 1, 1), D(2026, 1, 1), 12000),  # unused: all of it
        (36500, D(2026, 1, 1), D(2027, 1, 1), D(2026, 7, 2), 18300),  # 183 of 365 days
        (36600, D(2028, 1, 1), D(2029, 1, 1), D(2028, 3, 1), 30600),  # leap year: 306/366
        (12000, D(2026, 1, 1), D(2027, 1, 1), D(2027, 2, 1), 0),  # already over
        (12000, D(2026, 1, 1), D(2027, 1, 1), D(2025, 12, 1), 12000),  # not started
        (0, D(2026, 1, 1), D(2027, 1, 1), D(2026, 6, 1), 0),  # free level
        (1000, D(2026, 1, 1), D(2026, 1, 4), D(2026, 1, 2), 666),  # rounds down
    ],
)
def test_pro_rata_credit(paid: int, term_start: date, end: date, today: date, credit: int) -> None:
    assert pro_rata_credit(paid, term_start, end, today) == credit


def test_upgrade_and_downgrade() -> None:
    # Half way through a 100.00 year (183 of 365 days left), upgrade to 250.00.
    credit = credit_for_terms([(10000, D(2026, 1, 1), D(2027, 1, 1))], D(2026, 7, 2))
    up = change_level(credit, 25000, YEAR, D(2026, 7, 2))
    assert (up.credit_minor, up.due_minor, up.unused_credit_minor) == (5013, 19987, 0)
    assert (up.period.start, up.period.end) == (D(2026, 7, 2), D(2027, 7, 2))
    # 334 of 365 days left of a 250.00 year, downgrade to 50.00: credit to spare.
    credit = credit_for_terms([(25000, D(2026, 1, 1), D(2027, 1, 1))], D(2026, 2, 1))
    down = change_level(credit, 5000, CALENDAR, D(2026, 2, 1))
    assert (down.credit_minor, down.due_minor, down.unused_credit_minor) == (22876, 0, 17876)
    # The 178.76 left buys 1194 days at 50.00 per 334-day term: carried as extra time.
    assert down.credit_days == 17876 * 334 // 5000 == 1194
    assert down.period.end == D(2030, 4, 9)


@pytest.mark.parametrize(
    ("unused", "dues", "start", "end", "days"),
    [
        (18250, 36500, D(2026, 3, 1), D(2027, 3, 1), 182),  # half a year's worth, rounded down
        (36600, 36600, D(2028, 1, 1), D(2029, 1, 1), 366),  # a whole leap year
        (1000, 2800, D(2026, 1, 31), D(2026, 2, 28), 10),  # month end, 28-day February
        (2900, 2900, D(2028, 1, 31), D(2028, 2, 29), 29),  # month end, leap February
        (99, 36500, D(2026, 1, 1), D(2027, 1, 1), 0),  # less than one day's worth
        (5000, 0, D(2026, 1, 1), D(2027, 1, 1), 0),  # a free level has no daily rate
        (0, 5000, D(2026, 1, 1), D(2027, 1, 1), 0),  # nothing to carry
        (10**15, 1, D(2026, 1, 1), D(2027, 1, 1), MAX_CARRIED_DAYS),  # capped
    ],
)
def test_carried_days(unused: int, dues: int, start: date, end: date, days: int) -> None:
    assert carried_days(unused, dues, Period(start, end)) == days


@pytest.mark.parametrize(
    ("old", "on", "dues", "spec", "expected"),
    [
        # 250.00 rolling year, 183 of 365 days left, down to 50.00: 75.34 carried = 549 days.
        ((25000, D(2026, 1, 1), D(2027, 1, 1)), D(2026, 7, 2), 5000, YEAR,
         (12534, 0, 7534, 549, D(2029, 1, 1))),
        # Monthly from 31 January (28-day February), 18 days left, down to 10.00 a month.
        ((3000, D(2026, 1, 31), D(2026, 2, 28)), D(2026, 2, 10), 1000, MONTH,
         (1928, 0, 928, 25, D(2026, 4, 4))),
        # Leap year term (366 days), 306 left; the new rolling year has 365 days.
        ((36600, D(2028, 1, 1), D(2029, 1, 1)), D(2028, 3, 1), 12200, YEAR,
         (30600, 0, 18400, 550, D(2030, 9, 2))),
        # Changed on 29 February with one day left: the credit does not cover the new dues.
        ((36500, D(2027, 3, 1), D(2028, 3, 1)), D(2028, 2, 29), 100, MONTH,
         (99, 1, 0, 0, D(2028, 3, 29))),
        # Down to a free level: nothing can be bought with the credit.
        ((25000, D(2026, 1, 1), D(2027, 1, 1)), D(2026, 2, 1), 0, YEAR,
         (22876, 0, 22876, 0, D(2027, 2, 1))),
    ],
)  # fmt: skip
def test_downgrade_carries_credit_as_days(
    old: tuple[int, date, date],
    on: date,
    dues: int,
    spec: PeriodSpec,
    expected: tuple[int, int, int, int, date],
) -> None:
    change = change_level(credit_for_terms([old], on), dues, spec, on)
    got = (
        change.credit_minor,
        change.due_minor,
        change.unused_credit_minor,
        change.credit_days,
        change.period.end,
    )
    assert got == expected
    assert change.period.start == on


DEFAULT_RULES = [
    Rule("pending", lifecycle="pending", anchor="start"),
    Rule("cancelled", lifecycle="cancelled", anchor="start"),
    Rule("pending", anchor="start", until_days=0),
    Rule("expired", anchor="grace_end", from_days=0),
    Rule("grace", anchor="end", from_days=0, counts_as_member=True),
    Rule("new", anchor="join", from_days=0, until_days=90, counts_as_member=True),
    Rule("current", anchor="start", from_days=0, counts_as_member=True),
]
JOINED = Dates(join=D(2026, 1, 31), start=D(2026, 1, 31), end=D(2027, 1, 31), grace_days=30)


@pytest.mark.parametrize(
    ("lifecycle", "dates", "today", "status", "counts"),
    [
        ("pending", JOINED, D(2026, 2, 1), "pending", False),
        ("cancelled", JOINED, D(2026, 2, 1), "cancelled", False),
        ("active", JOINED, D(2026, 1, 30), "pending", False),  # before the start
        ("active", JOINED, D(2026, 1, 31), "new", True),  # join day
        ("active", JOINED, D(2026, 4, 30), "new", True),  # day 89
        ("active", JOINED, D(2026, 5, 1), "current", True),  # day 90
        ("active", JOINED, D(2027, 1, 30), "current", True),  # last covered day
        ("active", JOINED, D(2027, 1, 31), "grace", True),  # end date: grace begins
        ("active", JOINED, D(2027, 3, 1), "grace", True),  # last grace day (29 days on)
        ("active", JOINED, D(2027, 3, 2), "expired", False),  # grace over
        # leap-year grace window: 30 days from 31 January 2028 ends on 1 March
        (
            "active",
            Dates(D(2027, 1, 31), D(2027, 1, 31), D(2028, 1, 31), 30),
            D(2028, 2, 29),
            "grace",
            True,
        ),
        (
            "active",
            Dates(D(2027, 1, 31), D(2027, 1, 31), D(2028, 1, 31), 30),
            D(2028, 3, 1),
            "expired",
            False,
        ),
        # no grace: expired on the end date itself
        (
            "active",
            Dates(D(2026, 1, 1), D(2026, 1, 1), D(2027, 1, 1), 0),
            D(2027, 1, 1),
            "expired",
            False,
        ),
    ],
)
def test_status_rules(lifecycle: str, dates: Dates, today: date, status: str, counts: bool) -> None:
    assert evaluate(DEFAULT_RULES, lifecycle, dates, today) == (status, counts)


def test_no_matching_rule_is_not_membership() -> None:
    assert evaluate([], "active", JOINED, D(2026, 6, 1)) == ("expired", False)


def test_credit_after_early_renewal() -> None:
    # Renewed early: the current year half used, the next one not started (credited in full).
    terms = [(10000, D(2026, 1, 1), D(2027, 1, 1)), (10000, D(2027, 1, 1), D(2028, 1, 1))]
    assert credit_for_terms(terms, D(2026, 7, 2)) == 5013 + 10000
