"""Volunteer hours: self-reported entries, coordinator approval, dated hourly rates, totals.

The value of volunteer time uses the hourly rate in force on each entry's work date
(``volunteers_rate``, history kept). Rates are added, never edited: the first rate may be
dated any day, later ones must start after the latest rate and not before today, so a value
already reported never changes. Values are shown separately from any money received: they
are not revenue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.volunteers.common import MAX_ID, as_date, as_int, config, org, org_today

RATE_OF_ENTRY = (
    "(SELECT r.id FROM volunteers_rate r WHERE r.effective_from <= h.work_date "
    "ORDER BY r.effective_from DESC LIMIT 1)"
)


class HoursIn(BaseModel):
    """Hours reported by a volunteer (or entered by staff)."""

    model_config = ConfigDict(extra="forbid")
    constituent_id: int = Field(ge=1, le=MAX_ID)
    opportunity_id: int = Field(ge=1, le=MAX_ID)
    work_date: date
    minutes: int = Field(ge=1, le=24 * 60)
    note: str = Field(default="", max_length=1000)


class RateIn(BaseModel):
    """A new hourly value from a date on."""

    model_config = ConfigDict(extra="forbid")
    effective_from: date
    rate_minor: int = Field(ge=0, le=10**9)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rate:
    """A stored hourly rate."""

    id: int
    effective_from: date
    rate_minor: int
    currency: str


@dataclass(frozen=True)
class Total:
    """Approved minutes and their value for one group (person, opportunity or month)."""

    key: str
    minutes: int
    value_minor: int
    currency: str

    @property
    def hours(self) -> float:
        """Minutes as hours (for display)."""
        return round(self.minutes / 60, 2)


async def record_hours(data: HoursIn, *, source: str = "self") -> int:
    """Store hours; self-reported ones wait for approval, staff and imported ones do not."""
    if source not in ("self", "staff", "import"):
        raise InvalidInputError({"source": "must be self, staff or import"})
    if source == "self" and data.minutes > config().max_self_report_minutes:
        raise InvalidInputError({"minutes": "longer than one entry may be"})
    if data.work_date > org_today():
        raise InvalidInputError({"work_date": "must not be in the future"})
    status = "pending" if source == "self" else "approved"
    async with unit_of_work():
        if not await db.fetch_one(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
            data.constituent_id,
        ):
            raise InvalidInputError({"constituent_id": "no such constituent"})
        if not await db.fetch_one(
            "SELECT id FROM volunteers_opportunity WHERE id = {}", data.opportunity_id
        ):
            raise InvalidInputError({"opportunity_id": "no such opportunity"})
        now = utc_now()
        row = await db.fetch_one(
            "INSERT INTO volunteers_hours (constituent_id, opportunity_id, shift_id, signup_id, "
            "work_date, minutes, source, status, note, approver_user_id, decided_at, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "RETURNING id",
            data.constituent_id,
            data.opportunity_id,
            None,
            None,
            data.work_date,
            data.minutes,
            source,
            status,
            data.note.strip(),
            None,
            now if status == "approved" else None,
            now,
            now,
        )
        assert row is not None
        entry_id = int(row["id"])
        await audit.record_change(
            "create",
            "volunteers_hours",
            entry_id,
            after={**data.model_dump(), "source": source, "status": status},
            constituent_id=data.constituent_id,
        )
        await emit(
            "volunteers.hours_recorded",
            {"hours_id": entry_id, "constituent_id": data.constituent_id, "status": status},
        )
    return entry_id


async def decide_hours(entry_id: int, *, approve: bool, user_id: int | None) -> None:
    """Approve or reject a pending entry (a decided one cannot be decided again)."""
    async with unit_of_work():
        row = await db.fetch_one("SELECT * FROM volunteers_hours WHERE id = {}", entry_id)
        if row is None:
            raise NotFoundError(f"no hours entry with id {entry_id}")
        if row["status"] != "pending":
            raise ConflictError("these hours were already decided")
        status = "approved" if approve else "rejected"
        now = utc_now()
        await db.execute(
            "UPDATE volunteers_hours SET status = {}, approver_user_id = {}, decided_at = {}, "
            "updated_at = {} WHERE id = {} AND status = 'pending'",
            status,
            user_id,
            now,
            now,
            entry_id,
        )
        await audit.record_change(
            status,
            "volunteers_hours",
            entry_id,
            before={"status": "pending"},
            after={"status": status, "approver_user_id": user_id},
            constituent_id=int(row["constituent_id"]),
        )
        await emit("volunteers.hours_decided", {"hours_id": entry_id, "status": status})


async def pending_hours(limit: int = 200) -> list[dict[str, Any]]:
    """Self-reported hours waiting for a decision, oldest first."""
    rows = await db.fetch_all(
        "SELECT h.id, h.constituent_id, h.work_date, h.minutes, h.note, c.display_name, "
        "o.title FROM volunteers_hours h JOIN core_constituent c ON c.id = h.constituent_id "
        "JOIN volunteers_opportunity o ON o.id = h.opportunity_id WHERE h.status = 'pending' "
        "ORDER BY h.created_at, h.id LIMIT {}",
        limit,
    )
    for row in rows:
        row["work_date"] = as_date(row["work_date"])
    return rows


async def list_rates() -> list[Rate]:
    """Every hourly rate, newest first."""
    rows = await db.fetch_all("SELECT * FROM volunteers_rate ORDER BY effective_from DESC")
    return [
        Rate(
            id=int(r["id"]),
            effective_from=as_date(r["effective_from"]) or date.min,
            rate_minor=as_int(r["rate_minor"]),
            currency=r["currency"],
        )
        for r in rows
    ]


async def add_rate(data: RateIn) -> Rate:
    """Add an hourly rate; later rates may not reach back before today or the latest rate."""
    if data.currency != org().default_currency:
        raise InvalidInputError({"currency": f"must be {org().default_currency}"})
    async with unit_of_work():
        rates = await list_rates()
        if rates:
            latest = rates[0].effective_from
            if data.effective_from <= latest:
                raise InvalidInputError({"effective_from": "must be after the latest rate"})
            if data.effective_from < org_today():
                raise InvalidInputError(
                    {"effective_from": "must not be in the past, so reported values stay"}
                )
        row = await db.fetch_one(
            "INSERT INTO volunteers_rate (effective_from, rate_minor, currency, created_at) "
            "VALUES ({}, {}, {}, {}) RETURNING id",
            data.effective_from,
            data.rate_minor,
            data.currency,
            utc_now(),
        )
        assert row is not None
        await audit.record_change("create", "volunteers_rate", row["id"], after=data.model_dump())
    return Rate(int(row["id"]), data.effective_from, data.rate_minor, data.currency)


def _value(minutes: int, rate_minor: int) -> int:
    # Half-up rounding of minutes x rate / 60 in integers.
    return (minutes * rate_minor * 2 + 60) // 120


async def totals(
    group: str,
    *,
    start: date | None = None,
    end: date | None = None,
    constituent_id: int | None = None,
    opportunity_id: int | None = None,
) -> list[Total]:
    """Approved minutes and value grouped by ``person``, ``opportunity``, ``month`` or ``all``.

    ``start``/``end`` bound the work date (inclusive). Each group's value adds its entries
    at the rate of their own work date.
    """
    keys = {
        "person": "CAST(h.constituent_id AS VARCHAR(20))",
        "opportunity": "CAST(h.opportunity_id AS VARCHAR(20))",
        "month": "SUBSTR(CAST(h.work_date AS VARCHAR(20)), 1, 7)",
        "all": "'all'",
    }
    if group not in keys:
        raise InvalidInputError({"group": "must be person, opportunity, month or all"})
    conditions: list[str] = ["h.status = 'approved'"]
    args: list[Any] = []
    for column, value, op in (
        ("h.work_date", start, ">="),
        ("h.work_date", end, "<="),
        ("h.constituent_id", constituent_id, "="),
        ("h.opportunity_id", opportunity_id, "="),
    ):
        if value is not None:
            conditions.append(f"{column} {op} {{}}")
            args.append(value)
    rows = await db.fetch_all(
        f"SELECT {keys[group]} AS k, {RATE_OF_ENTRY} AS rate_id, SUM(h.minutes) AS minutes "
        "FROM volunteers_hours h WHERE " + " AND ".join(conditions) + " GROUP BY 1, 2",
        *args,
    )
    rates = {r.id: r for r in await list_rates()}
    currency = next(iter(rates.values())).currency if rates else org().default_currency
    merged: dict[str, list[int]] = {}
    for row in rows:
        minutes = as_int(row["minutes"])
        rate = rates.get(as_int(row["rate_id"])) if row["rate_id"] is not None else None
        bucket = merged.setdefault(str(row["k"]), [0, 0])
        bucket[0] += minutes
        bucket[1] += _value(minutes, rate.rate_minor) if rate else 0
    return [Total(k, v[0], v[1], currency) for k, v in sorted(merged.items())]


async def person_total(constituent_id: int) -> Total:
    """One person's approved hours and their value to date."""
    found = await totals("all", constituent_id=constituent_id)
    if found:
        return found[0]
    return Total("all", 0, 0, await value_currency())


async def value_currency() -> str:
    """The currency volunteer time is valued in (the rates', else the organisation's)."""
    rates = await list_rates()
    return rates[0].currency if rates else org().default_currency
