"""Helpers shared by the constituent service modules: loading, derived columns, errors.

Not part of the public service API; other areas call :mod:`core.constituents.service` and
its sibling modules instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from core import db
from core.constituents.names import NameParts, build_search_text
from core.errors import InvalidInputError, NotFoundError
from core.plugins.registry import current_registry
from core.validation import clean_text

CONSTITUENT_COLUMNS = (
    "id",
    "kind",
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "preferred_name",
    "organisation_name",
    "household_name",
    "display_name",
    "sort_name",
    "lifecycle_stage",
    "birth_date",
    "deceased",
    "deceased_date",
    "primary_email",
    "primary_phone",
    "primary_postcode",
    "source",
    "external_id",
    "notes",
    "created_at",
    "updated_at",
    "deleted_at",
    "merged_into_id",
)
# The fixed lifecycle stages (documented in core.constituents.service).
LIFECYCLE_STAGES: dict[str, str] = {
    "prospect": "Known to us, not yet a supporter",
    "active": "Currently gives, is a member or volunteers",
    "lapsed": "Was active and has stopped; may be won back",
    "former": "No longer a supporter and not to be won back",
    "do_not_solicit": "May be kept informed but never asked for money",
}
SELECT_CONSTITUENT = "SELECT " + ", ".join(CONSTITUENT_COLUMNS) + " FROM core_constituent"


def now() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today in the organisation's time zone."""
    return datetime.now(current_registry().settings.zone).date()


def default_country() -> str:
    """The country phone numbers without ``+country`` are read in."""
    return current_registry().settings.default_country


def clean(value: str | None, max_length: int, field: str) -> str | None:
    """:func:`core.validation.clean_text` with the error keyed by ``field``."""
    try:
        return clean_text(value, max_length=max_length)
    except InvalidInputError as exc:
        raise InvalidInputError({field: exc.errors.get("", str(exc))}) from exc


def prefixed(prefix: str, exc: InvalidInputError) -> dict[str, str]:
    """The errors of ``exc`` with their field paths under ``prefix`` (``emails.0``)."""
    if not prefix:
        return dict(exc.errors)
    return {(f"{prefix}.{key}" if key else prefix): message for key, message in exc.errors.items()}


class ErrorCollector:
    """Gathers field errors so one response reports every problem of a request."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Record a problem with ``field`` (the first message per field wins)."""
        self.errors.setdefault(field, message)

    def merge(self, prefix: str, exc: InvalidInputError) -> None:
        """Record every problem of ``exc`` under ``prefix``."""
        for field, message in prefixed(prefix, exc).items():
            self.add(field, message)

    def raise_if_any(self) -> None:
        """Raise one :class:`InvalidInputError` carrying every recorded problem."""
        if self.errors:
            raise InvalidInputError(self.errors)


async def fetch_constituent(
    constituent_id: int, *, include_deleted: bool = False, lock: bool = False
) -> dict[str, Any]:
    """The constituent's row; :class:`NotFoundError` when missing or (by default) deleted.

    With ``lock`` (inside a transaction, before changing the constituent or its contact
    details) concurrent writers to the same constituent wait for each other, so primaries
    and read-modify-write updates stay consistent. SQLite's IMMEDIATE transactions already
    serialise writers; PostgreSQL needs ``FOR UPDATE``.
    """
    sql = SELECT_CONSTITUENT + " WHERE id = {}"
    if lock and not db.is_sqlite():
        sql += " FOR UPDATE"
    row = await db.fetch_one(sql, constituent_id)
    if row is None or (row["deleted_at"] is not None and not include_deleted):
        raise NotFoundError(f"no constituent with id {constituent_id}")
    return row


def audit_snapshot(row: Mapping[str, Any]) -> dict[str, Any]:
    """The constituent columns worth auditing (derived search text left out)."""
    return {key: row[key] for key in CONSTITUENT_COLUMNS if key in row}


async def refresh_derived(constituent_id: int) -> None:
    """Recompute primary email, phone, postcode and search text from the contact tables.

    Runs inside the caller's transaction after any change to names or contact details.
    """
    row = await db.fetch_one(SELECT_CONSTITUENT + " WHERE id = {}", constituent_id)
    if row is None:
        raise NotFoundError(f"no constituent with id {constituent_id}")
    emails = await db.fetch_all(
        "SELECT email, is_primary FROM core_email WHERE constituent_id = {} ORDER BY id",
        constituent_id,
    )
    phone = await db.fetch_value(
        "SELECT number FROM core_phone WHERE constituent_id = {} AND is_primary = {} "
        "ORDER BY id LIMIT 1",
        constituent_id,
        True,
    )
    addresses = await db.fetch_all(
        "SELECT postcode, is_primary FROM core_address WHERE constituent_id = {} ORDER BY id",
        constituent_id,
    )
    primary_email = next((e["email"] for e in emails if e["is_primary"]), None)
    primary_postcode = next((a["postcode"] for a in addresses if a["is_primary"]), None)
    search_text = build_search_text(
        NameParts.from_row(row),
        [e["email"] for e in emails],
        [a["postcode"] for a in addresses],
    )
    await db.execute(
        "UPDATE core_constituent SET primary_email = {}, primary_phone = {}, "
        "primary_postcode = {}, search_text = {}, updated_at = {} WHERE id = {}",
        primary_email,
        phone,
        primary_postcode,
        search_text,
        now(),
        constituent_id,
    )


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere, with ``%``, ``_`` and ``\\`` escaped.

    Use with ``LIKE {} ESCAPE '\\'``.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def touch(constituent_id: int) -> None:
    """Mark the constituent as changed now (tags and custom values change it too)."""
    await db.execute(
        "UPDATE core_constituent SET updated_at = {} WHERE id = {}", now(), constituent_id
    )
