"""Helpers shared by the relationship, household and consent services.

Kept apart from those services so that :mod:`core.constituents.relations` can gather the
merge and export functions of all three without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from core import db
from core.context import current_actor
from core.errors import InvalidInputError, NotFoundError
from core.plugins.registry import current_registry
from core.validation import clean_text

KINDS = ("individual", "organisation", "household")


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return datetime.now(current_registry().settings.zone).date()


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def actor_label() -> str:
    """Who is acting, as stored in ``recorded_by`` / ``created_by`` columns."""
    return current_actor().label[:200]


def clean_field(value: str | None, max_length: int, field: str) -> str | None:
    """:func:`core.validation.clean_text` with its error keyed by ``field``."""
    try:
        return clean_text(value, max_length=max_length)
    except InvalidInputError as exc:
        raise InvalidInputError({field: exc.errors.get("", str(exc))}) from exc


def as_date(value: Any) -> date | None:
    """A date from a driver value (SQLite returns text where an expression hides the type)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


def as_instant(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from a driver value (text or datetime)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        # Piccolo stores SQLite instants as UTC text; only the offset is lost.
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_bool(value: Any) -> bool:
    """A boolean from a driver value (SQLite returns 0/1 where an expression hides the type)."""
    return value in (True, 1, "1", "t", "true")


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text for exports, or None."""
    return None if value is None else value.isoformat()


async def find_constituent(constituent_id: int) -> dict[str, Any] | None:
    """The constituent's id, kind, display name and deceased flag, unless missing or deleted."""
    row = await db.fetch_one(
        "SELECT id, kind, display_name, deceased FROM core_constituent "
        "WHERE id = {} AND deleted_at IS NULL",
        constituent_id,
    )
    if row is not None:
        row["deceased"] = as_bool(row["deceased"])
    return row


async def require_constituent(constituent_id: int) -> dict[str, Any]:
    """Like :func:`find_constituent`, raising NotFoundError for unknown or deleted ids."""
    row = await find_constituent(constituent_id)
    if row is None:
        raise NotFoundError(f"constituent {constituent_id} not found")
    return row


async def lock_constituents(ids: Iterable[int]) -> None:
    """Serialise concurrent changes that touch these constituents until the transaction ends.

    SQLite transactions from :func:`core.db.transaction` are ``IMMEDIATE`` and already hold the
    write lock; PostgreSQL needs row locks, taken in id order so two writers cannot deadlock.
    """
    if db.is_sqlite():
        return
    for constituent_id in sorted(set(ids)):
        await db.fetch_all(
            "SELECT id FROM core_constituent WHERE id = {} FOR UPDATE", constituent_id
        )


def order_by(sort: str, columns: dict[str, str], tie_breaker: str) -> str:
    """An ``ORDER BY`` body for ``field`` / ``-field`` from an allow-list of columns.

    NULLs sort last in both directions on SQLite and PostgreSQL (their defaults differ), and
    ``tie_breaker`` (a unique column) keeps pages from overlapping.
    """
    field = sort.removeprefix("-")
    if field not in columns:
        allowed = ", ".join(sorted(columns))
        raise InvalidInputError({"sort": f"unknown sort field {field!r}; use one of {allowed}"})
    column = columns[field]
    direction = "DESC" if sort.startswith("-") else "ASC"
    return (
        f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column} {direction}, "
        f"{tie_breaker} {direction}"
    )
