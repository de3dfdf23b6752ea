"""Instants: always timezone-aware UTC, whatever the database driver hands back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc_now() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)


def as_utc(value: Any) -> datetime:
    """A stored timestamp (datetime or ISO text; naive means UTC) as an aware UTC instant."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def as_utc_or_none(value: Any) -> datetime | None:
    """:func:`as_utc`, passing None through."""
    return None if value is None else as_utc(value)
