"""Paging and sorting shared by the auth lists (users, roles, tokens)."""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import InvalidInputError


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
