"""Membership reports computed from the term history.

The term table records every join, renewal, rejoin and level change with its dates, so
coverage on any past day can be rebuilt: a membership covers a day when one of its terms
does (a level change cuts the previous term short; a cancellation ends coverage on its
date; pending memberships never cover). Reports read all terms in one query and work in
Python, which stays fast for tens of thousands of members.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel

from core import db
from core.clock import as_utc
from plugins.membership.common import as_int, org, org_today
from plugins.membership.periods import add_months
from plugins.membership.store import required_date


@dataclass(frozen=True)
class Span:
    """A covered span of one membership at one level: ``start <= day < end``."""

    membership_id: int
    level_id: int
    kind: str
    on_date: date
    start: date
    end: date
    grace_days: int


class StatusOverTime(BaseModel):
    """Memberships in each state at each month end (oldest first)."""

    months: list[str]
    member: list[int]
    grace: list[int]
    lapsed: list[int]


class MonthActivity(BaseModel):
    """Joins, renewals and lapses in one month."""

    month: str
    joined: int
    renewed: int
    lapsed: int


class LevelSeries(BaseModel):
    """Members of one level at each month end."""

    level_id: int
    level_name: str
    counts: list[int]


class MembersOverTime(BaseModel):
    """Members by level at each month end (``months`` labels, oldest first)."""

    months: list[str]
    series: list[LevelSeries]
    totals: list[int]


class Retention(BaseModel):
    """Renewals due in the last year and how many were renewed, for one level."""

    level_id: int
    level_name: str
    due: int
    renewed: int
    percent: float


class StatusCount(BaseModel):
    """Memberships of one level in one status now."""

    level_name: str
    status: str
    count: int


async def _spans() -> dict[int, list[Span]]:
    rows = await db.fetch_all(
        "SELECT t.membership_id, t.level_id, t.kind, t.on_date, t.start_date, t.end_date, "
        "l.grace_days, m.lifecycle, m.cancelled_at FROM membership_term t "
        "JOIN membership_membership m ON m.id = t.membership_id "
        "JOIN membership_level l ON l.id = t.level_id WHERE m.lifecycle <> 'pending' "
        "ORDER BY t.membership_id, t.id"
    )
    zone = org().zone
    by_membership: dict[int, list[Span]] = defaultdict(list)
    for row in rows:
        start, end = required_date(row["start_date"]), required_date(row["end_date"])
        on = required_date(row["on_date"])
        grace = as_int(row["grace_days"])
        if row["cancelled_at"] is not None:
            cancelled = as_utc(row["cancelled_at"]).astimezone(zone).date()
            if cancelled < end:
                end, grace = cancelled, 0  # no grace after a cancellation
        spans = by_membership[int(row["membership_id"])]
        if spans and row["kind"] in ("upgrade", "downgrade"):
            last = spans[-1]
            spans[-1] = Span(
                last.membership_id,
                last.level_id,
                last.kind,
                last.on_date,
                last.start,
                min(last.end, start),
                last.grace_days,
            )
        spans.append(
            Span(
                int(row["membership_id"]),
                int(row["level_id"]),
                str(row["kind"]),
                on,
                start,
                end,
                grace,
            )
        )
    return by_membership


def _month_ends(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -k) - timedelta(days=1) for k in range(months - 1, 0, -1)] + [today]


async def _level_names() -> dict[int, str]:
    rows = await db.fetch_all("SELECT id, name FROM membership_level ORDER BY tier, name")
    return {int(r["id"]): str(r["name"]) for r in rows}


async def members_over_time(months: int = 12, today: date | None = None) -> MembersOverTime:
    """Members covered on each of the last ``months`` month ends (today for this month)."""
    day = today or org_today()
    ends = _month_ends(day, months)
    names = await _level_names()
    counts: dict[int, list[int]] = {level: [0] * len(ends) for level in names}
    for spans in (await _spans()).values():
        for index, end in enumerate(ends):
            covering = [s for s in spans if s.start <= end < s.end]
            if covering:
                counts.setdefault(covering[-1].level_id, [0] * len(ends))[index] += 1
    series = [
        LevelSeries(level_id=level, level_name=names.get(level, str(level)), counts=values)
        for level, values in counts.items()
        if any(values)
    ]
    totals = [sum(s.counts[i] for s in series) for i in range(len(ends))]
    return MembersOverTime(months=[e.strftime("%Y-%m") for e in ends], series=series, totals=totals)


def _state_on(spans: list[Span], day: date) -> str | None:
    """``member``, ``grace``, ``lapsed`` or None (not joined yet) for one membership."""
    started = [s for s in spans if s.start <= day]
    if not started:
        return None
    if any(s.start <= day < s.end for s in started):
        return "member"
    last = max(started, key=lambda s: s.end)
    if day < last.end + timedelta(days=last.grace_days):
        return "grace"
    return "lapsed"


async def status_over_time(months: int = 12, today: date | None = None) -> StatusOverTime:
    """Memberships covered, in grace and lapsed at each of the last ``months`` month ends.

    Grace here means "after the last paid term, within its grace days"; a cancelled
    membership counts as lapsed from its cancellation.
    """
    day = today or org_today()
    ends = _month_ends(day, months)
    counts = {state: [0] * len(ends) for state in ("member", "grace", "lapsed")}
    for spans in (await _spans()).values():
        for index, end in enumerate(ends):
            state = _state_on(spans, end)
            if state is not None:
                counts[state][index] += 1
    return StatusOverTime(months=[e.strftime("%Y-%m") for e in ends], **counts)


def _lapse_dates(spans: list[Span], today: date) -> list[tuple[date, int]]:
    """(day it lapsed, level) for each break in a membership's coverage up to today."""
    lapses = []
    for index, span in enumerate(spans):
        following = spans[index + 1] if index + 1 < len(spans) else None
        if following is not None and following.kind in ("upgrade", "downgrade", "renew"):
            continue
        lapse = span.end + timedelta(days=span.grace_days)
        if lapse <= today and (following is None or following.start >= lapse):
            lapses.append((lapse, span.level_id))
    return lapses


async def activity_by_month(months: int = 12, today: date | None = None) -> list[MonthActivity]:
    """Joins, renewals (rejoins included) and lapses in each of the last ``months`` months."""
    day = today or org_today()
    labels = [
        add_months(day.replace(day=1), -k).strftime("%Y-%m") for k in range(months - 1, -1, -1)
    ]
    joined: Counter[str] = Counter()
    renewed: Counter[str] = Counter()
    lapsed: Counter[str] = Counter()
    for spans in (await _spans()).values():
        for span in spans:
            month = span.on_date.strftime("%Y-%m")
            if span.kind == "join":
                joined[month] += 1
            elif span.kind in ("renew", "rejoin"):
                renewed[month] += 1
        for lapse, _level in _lapse_dates(spans, day):
            lapsed[lapse.strftime("%Y-%m")] += 1
    return [
        MonthActivity(month=m, joined=joined[m], renewed=renewed[m], lapsed=lapsed[m])
        for m in labels
    ]


async def retention_by_level(today: date | None = None) -> list[Retention]:
    """Of the terms whose grace ended in the last 365 days, the share renewed, by level."""
    day = today or org_today()
    names = await _level_names()
    due: Counter[int] = Counter()
    kept: Counter[int] = Counter()
    for spans in (await _spans()).values():
        for index, span in enumerate(spans):
            following = spans[index + 1] if index + 1 < len(spans) else None
            if following is not None and following.kind in ("upgrade", "downgrade"):
                continue
            decided = span.end + timedelta(days=span.grace_days)
            if not day - timedelta(days=365) < decided <= day:
                continue
            due[span.level_id] += 1
            if following is not None and following.kind == "renew":
                kept[span.level_id] += 1
    return [
        Retention(
            level_id=level,
            level_name=name,
            due=due[level],
            renewed=kept[level],
            percent=round(100 * kept[level] / due[level], 1) if due[level] else 0.0,
        )
        for level, name in names.items()
    ]


async def status_by_level() -> list[StatusCount]:
    """How many memberships of each level are in each status now."""
    rows = await db.fetch_all(
        "SELECT l.name, m.status, COUNT(*) AS n FROM membership_membership m "
        "JOIN membership_level l ON l.id = m.level_id GROUP BY l.tier, l.name, m.status "
        "ORDER BY l.tier, l.name, m.status"
    )
    return [
        StatusCount(level_name=str(r["name"]), status=str(r["status"]), count=as_int(r["n"]))
        for r in rows
    ]
