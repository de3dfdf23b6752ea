"""Python values from what the database drivers hand back.

SQLite returns dates and timestamps as ISO text and booleans as 0/1; asyncpg returns
``SUM`` of a BIGINT as ``Decimal``. Services that read raw rows turn them into plain values
here, so the same code runs on both databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def as_int(value: Any) -> int:
    """An integer from a driver value; None (an empty SUM) is 0."""
    return 0 if value is None else int(value)


def as_date(value: Any) -> date | None:
    """A calendar date from a driver value (SQLite may return ISO text), or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_instant(value: Any) -> datetime | None:
    """An aware UTC instant from a driver value (naive means UTC), or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
