"""Checking and cleaning the fields of an interaction, collecting every problem at once.

Services use these because plugins call them directly, without the API's input models.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from core.errors import InvalidInputError
from core.interactions.catalog import year_in_range

SUBJECT_MAX = 300
PURPOSE_MAX = 100
BODY_MAX = 20_000
EXTERNAL_REF_MAX = 200

_SPACES = re.compile(r"\s+")


class FieldErrors:
    """Problems found so far, keyed by field; :meth:`raise_if_any` reports them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        """Record a problem with a field (the first one per field is kept)."""
        self.errors.setdefault(name, message)

    def raise_if_any(self) -> None:
        """InvalidInputError (422) naming every field with a problem."""
        if self.errors:
            raise InvalidInputError(self.errors)


def _printable(value: str, keep: str = "") -> str:
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in keep)


def line(value: Any, name: str, max_length: int, errors: FieldErrors) -> str:
    """One line of text (subject, purpose): control characters dropped, spaces collapsed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, "must be text")
        return ""
    cleaned = _SPACES.sub(" ", _printable(value, keep=" \t\n")).strip()
    if len(cleaned) > max_length:
        errors.add(name, f"must be at most {max_length} characters")
    return cleaned


def body(value: Any, errors: FieldErrors, name: str = "body") -> str:
    """Free text: newlines kept, other control characters dropped, trailing space trimmed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, "must be text")
        return ""
    normalised = value.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _printable(normalised, keep="\n\t").strip()
    if len(cleaned) > BODY_MAX:
        errors.add(name, f"must be at most {BODY_MAX} characters")
    return cleaned


def choice(value: Any, name: str, choices: Sequence[str], errors: FieldErrors) -> str:
    """One of ``choices``."""
    if value not in choices:
        errors.add(name, f"must be one of {', '.join(choices)}")
        return choices[0]
    return str(value)


def instant(value: Any, name: str, errors: FieldErrors) -> datetime:
    """A timezone-aware instant, returned in UTC."""
    if not isinstance(value, datetime):
        errors.add(name, "must be a date and time")
        return datetime.now(UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        errors.add(name, "must include a time zone offset (e.g. 2024-05-01T10:00:00Z)")
        return datetime.now(UTC)
    if not year_in_range(value):
        # Also keeps astimezone() clear of year 1 and 9999, where it overflows.
        errors.add(name, "must be between the years 1900 and 2199")
        return datetime.now(UTC)
    return value.astimezone(UTC)


def day(value: Any, name: str, errors: FieldErrors) -> date | None:
    """A calendar day (or None)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add(name, "must be a calendar date (YYYY-MM-DD)")
        return None
    if not year_in_range(value):
        errors.add(name, "must be between the years 1900 and 2199")
    return value


def external_ref(value: Any, errors: FieldErrors) -> str | None:
    """A plugin's own identifier of the interaction (e.g. a gift id), or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        errors.add("external_ref", "must be non-empty text")
        return None
    cleaned = value.strip()
    if len(cleaned) > EXTERNAL_REF_MAX:
        errors.add("external_ref", f"must be at most {EXTERNAL_REF_MAX} characters")
    return cleaned


def identifier(value: Any, name: str, errors: FieldErrors) -> int | None:
    """A record id (or None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(name, "must be an integer id")
        return None
    return value
