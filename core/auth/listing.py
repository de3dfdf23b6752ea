"""Paging and sorting shared by the auth lists (users, roles, tokens)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.errors import InvalidInputError

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the total number of matching rows."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int


def offset_of(page: int, per_page: int) -> int:
    """The row offset of a 1-based page; InvalidInputError for out-of-range values."""
    if page < 1:
        raise InvalidInputError({"page": "must be at least 1"})
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInputError({"per_page": f"must be between 1 and {MAX_PER_PAGE}"})
    return (page - 1) * per_page


def order_by(
    sort: str,
    columns: Mapping[str, str],
    nullable: frozenset[str] = frozenset(),
    tiebreak: str = "id",
) -> str:
    """An ``ORDER BY`` body for ``field`` / ``-field`` from an allow-list of columns.

    Nullable columns sort their NULLs last in both directions on SQLite and PostgreSQL
    (their defaults differ), and ``tiebreak`` (the primary key) keeps pages from overlapping.
    """
    field = sort.removeprefix("-")
    if field not in columns:
        allowed = ", ".join(sorted(columns))
        raise InvalidInputError({"sort": f"unknown sort field {field!r}; use one of {allowed}"})
    column = columns[field]
    direction = "DESC" if sort.startswith("-") else "ASC"
    parts = [f"{column} {direction}", f"{tiebreak} {direction}"]
    if field in nullable:
        parts.insert(0, f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")
    return ", ".join(parts)


def like_pattern(text: str) -> str:
    """A lower-cased ``LIKE`` pattern matching ``text`` anywhere (use with ``ESCAPE '\\'``)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
