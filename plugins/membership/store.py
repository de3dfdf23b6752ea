"""Row access for memberships, terms and associates (raw SQL behind typed functions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core import db
from core.clock import as_utc, as_utc_or_none
from core.errors import NotFoundError
from plugins.membership.common import as_date, as_int
from plugins.membership.models import Associate, Membership, Term

MEMBERSHIP_SELECT = (
    "SELECT m.*, l.name AS level_name, c.display_name AS member_name "
    "FROM membership_membership m JOIN membership_level l ON l.id = m.level_id "
    "JOIN core_constituent c ON c.id = m.member_id"
)


def required_date(value: Any) -> date:
    """A date from a driver value that must not be missing."""
    day = as_date(value)
    if day is None:
        raise ValueError("a required date is missing")
    return day


def membership_from_row(row: dict[str, Any]) -> Membership:
    """A :class:`Membership` from a row of :data:`MEMBERSHIP_SELECT`."""
    return Membership(
        id=int(row["id"]),
        member_id=int(row["member_id"]),
        member_name=str(row["member_name"] or ""),
        level_id=int(row["level_id"]),
        level_name=str(row["level_name"]),
        join_date=required_date(row["join_date"]),
        period_start=required_date(row["period_start"]),
        term_start=required_date(row["term_start"]),
        end_date=required_date(row["end_date"]),
        lifecycle=str(row["lifecycle"]),
        status=str(row["status"]),
        counts_as_member=bool(row["counts_as_member"]),
        source=str(row["source"]),
        gift_id=None if row["gift_id"] is None else int(row["gift_id"]),
        override_status=row["override_status"],
        override_reason=str(row["override_reason"] or ""),
        override_until=as_date(row["override_until"]),
        auto_renew=bool(row["auto_renew"]),
        directory_opt_in=bool(row["directory_opt_in"]),
        external_id=row["external_id"],
        cancelled_at=as_utc_or_none(row["cancelled_at"]),
        version=int(row["version"]),
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )


async def fetch_membership(membership_id: int, *, lock: bool = False) -> Membership:
    """One membership; ``lock`` takes a row lock on PostgreSQL (SQLite's write lock is held).

    Raises NotFoundError.
    """
    if lock and not db.is_sqlite():
        await db.execute(
            "SELECT id FROM membership_membership WHERE id = {} FOR UPDATE", membership_id
        )
    row = await db.fetch_one(f"{MEMBERSHIP_SELECT} WHERE m.id = {{}}", membership_id)
    if row is None:
        raise NotFoundError(f"no membership {membership_id}")
    return membership_from_row(row)


async def memberships_of(member_id: int) -> list[Membership]:
    """A constituent's memberships, newest first."""
    rows = await db.fetch_all(
        f"{MEMBERSHIP_SELECT} WHERE m.member_id = {{}} ORDER BY m.end_date DESC, m.id DESC",
        member_id,
    )
    return [membership_from_row(r) for r in rows]


async def open_membership_of(member_id: int) -> Membership | None:
    """The constituent's membership that is not cancelled, if any (at most one)."""
    row = await db.fetch_one(
        f"{MEMBERSHIP_SELECT} WHERE m.member_id = {{}} AND m.lifecycle <> 'cancelled' "
        "ORDER BY m.id DESC LIMIT 1",
        member_id,
    )
    return None if row is None else membership_from_row(row)


async def insert_membership(values: dict[str, Any], now: datetime) -> int:
    """Insert a membership row and return its id."""
    columns = [*values, "version", "created_at", "updated_at"]
    marks = ", ".join("{}" for _ in columns)
    row = await db.fetch_one(
        f"INSERT INTO membership_membership ({', '.join(columns)}) VALUES ({marks}) RETURNING id",
        *values.values(),
        1,
        now,
        now,
    )
    assert row is not None
    return int(row["id"])


async def update_membership(
    membership_id: int, version: int, values: dict[str, Any], now: datetime
) -> bool:
    """Write ``values`` if the row is still at ``version``; False when another change won."""
    assignments = ", ".join(f"{name} = {{}}" for name in values)
    row = await db.fetch_one(
        f"UPDATE membership_membership SET {assignments}, version = version + 1, "
        "updated_at = {} WHERE id = {} AND version = {} RETURNING id",
        *values.values(),
        now,
        membership_id,
        version,
    )
    return row is not None


async def insert_term(values: dict[str, Any], now: datetime) -> int:
    """Record one join, renewal, rejoin or level change and return its id."""
    columns = [*values, "created_at"]
    marks = ", ".join("{}" for _ in columns)
    row = await db.fetch_one(
        f"INSERT INTO membership_term ({', '.join(columns)}) VALUES ({marks}) RETURNING id",
        *values.values(),
        now,
    )
    assert row is not None
    return int(row["id"])


async def set_term_gift(term_id: int, gift_id: int) -> None:
    """Link a term to the dues gift recorded for it."""
    await db.execute("UPDATE membership_term SET gift_id = {} WHERE id = {}", gift_id, term_id)


def _term(row: dict[str, Any]) -> Term:
    return Term(
        id=int(row["id"]),
        membership_id=int(row["membership_id"]),
        kind=str(row["kind"]),
        on_date=required_date(row["on_date"]),
        level_id=int(row["level_id"]),
        start_date=required_date(row["start_date"]),
        end_date=required_date(row["end_date"]),
        dues_minor=as_int(row["dues_minor"]),
        credit_minor=as_int(row["credit_minor"]),
        due_minor=as_int(row["due_minor"]),
        currency=str(row["currency"]),
        gift_id=None if row["gift_id"] is None else int(row["gift_id"]),
        credit_days=as_int(row["credit_days"]),
        created_at=as_utc(row["created_at"]),
    )


async def terms_of(membership_id: int) -> list[Term]:
    """A membership's history, oldest first."""
    rows = await db.fetch_all(
        "SELECT * FROM membership_term WHERE membership_id = {} ORDER BY id", membership_id
    )
    return [_term(r) for r in rows]


async def latest_term(membership_id: int) -> Term | None:
    """The most recent term (what was last paid for)."""
    row = await db.fetch_one(
        "SELECT * FROM membership_term WHERE membership_id = {} ORDER BY id DESC LIMIT 1",
        membership_id,
    )
    return None if row is None else _term(row)


async def associates_of(membership_id: int) -> list[Associate]:
    """The people inheriting a membership, in the order they were added."""
    rows = await db.fetch_all(
        "SELECT a.*, c.display_name FROM membership_associate a JOIN core_constituent c "
        "ON c.id = a.constituent_id WHERE a.membership_id = {} ORDER BY a.id",
        membership_id,
    )
    return [
        Associate(
            id=int(r["id"]),
            membership_id=int(r["membership_id"]),
            constituent_id=int(r["constituent_id"]),
            name=str(r["display_name"] or ""),
            added_at=as_utc(r["added_at"]),
        )
        for r in rows
    ]
