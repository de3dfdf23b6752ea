"""Set-based lookups by lists of keys, shaped for each engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core import db


def in_condition(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``column`` is one of ``values``, in the form each engine plans well.

    PostgreSQL gets one array parameter: its plan does not depend on the list's length and
    stays a hash or index lookup even while a freshly bulk-loaded table has no statistics
    (a 1,000-item ``IN`` list then made a sequential scan compare every row to every item).
    """
    if db.is_sqlite():
        return f"{column} IN ({', '.join('{}' for _ in values)})", list(values)
    return f"{column} = ANY({{}})", [list(values)]


async def fetch_where_in(
    select: str, column: str, values: Sequence[Any], suffix: str = ""
) -> list[dict[str, Any]]:
    """Rows of ``select WHERE column IN values suffix``, chunked under the driver's limits."""
    rows: list[dict[str, Any]] = []
    size = db.chunk_size_for(1)
    for start in range(0, len(values), size):
        condition, args = in_condition(column, values[start : start + size])
        rows.extend(await db.fetch_all(f"{select} WHERE {condition} {suffix}", *args))
    return rows
