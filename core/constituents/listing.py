"""Constituent lists: filters, allow-listed sorting and pagination in set-based SQL.

One query for the page and one for the total, whatever the filters; no Piccolo on this
hot path. ``q`` is a folded substring match on ``search_text`` (every word must occur);
full-text search lives in the search area.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from core import db
from core.constituents.common import LIFECYCLE_STAGES, like_pattern
from core.constituents.names import KINDS
from core.constituents.schemas import ConstituentPage, ConstituentSummary
from core.errors import InvalidInputError
from core.pagination import page_window
from core.validation import fold

# Public sort keys and the columns they order by (ties broken by id in the same direction).
SORTS: dict[str, str] = {
    "sort_name": "c.sort_name",
    "created_at": "c.created_at",
    "updated_at": "c.updated_at",
    "id": "c.id",
}
MAX_QUERY_WORDS = 8
SUMMARY_COLUMNS = (
    "c.id, c.kind, c.display_name, c.sort_name, c.lifecycle_stage, c.deceased, "
    "c.primary_email, c.primary_phone, c.primary_postcode, c.created_at, c.updated_at, "
    "c.deleted_at"
)


def order_by(sort: str) -> str:
    """The ``ORDER BY`` clause for ``sort`` / ``-sort``; InvalidInputError off the allow-list."""
    descending = sort.startswith("-")
    key = sort[1:] if descending else sort
    if key not in SORTS:
        allowed = ", ".join(SORTS)
        raise InvalidInputError({"sort": f"must be one of {allowed}, optionally prefixed by -"})
    direction = "DESC" if descending else "ASC"
    column = SORTS[key]
    if column == "c.id":
        return f"c.id {direction}"
    return f"{column} {direction}, c.id {direction}"


def _utc(value: datetime) -> datetime:
    # A naive instant from a query string is read as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Condition = tuple[str, list[Any]]


def filter_conditions(
    *,
    kind: str | None = None,
    lifecycle_stage: str | None = None,
    tag_id: int | None = None,
    deceased: bool | None = None,
    q: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    include_deleted: bool = False,
    extra: Sequence[Condition] = (),
) -> Condition:
    """The ``WHERE`` clause (empty or starting with a space) and arguments for the filters.

    ``extra`` holds further conditions on ``c.id`` with ``{}`` placeholders, such as the
    plugins' segment filters (:class:`core.plugins.types.SegmentFilter`); each is wrapped in
    parentheses and joined with ``AND``.
    """
    conditions: list[str] = []
    args: list[Any] = []
    if not include_deleted:
        conditions.append("c.deleted_at IS NULL")
    if kind is not None:
        if kind not in KINDS:
            raise InvalidInputError({"kind": f"must be one of {', '.join(KINDS)}"})
        conditions.append("c.kind = {}")
        args.append(kind)
    if lifecycle_stage is not None:
        if lifecycle_stage not in LIFECYCLE_STAGES:
            allowed = ", ".join(LIFECYCLE_STAGES)
            raise InvalidInputError({"lifecycle_stage": f"must be one of {allowed}"})
        conditions.append("c.lifecycle_stage = {}")
        args.append(lifecycle_stage)
    if tag_id is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM core_constituent_tag ct "
            "WHERE ct.constituent_id = c.id AND ct.tag_id = {})"
        )
        args.append(tag_id)
    if deceased is not None:
        conditions.append("c.deceased = {}")
        args.append(deceased)
    words = fold(q or "").split()
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidInputError({"q": f"use at most {MAX_QUERY_WORDS} words"})
    for word in words:
        conditions.append("c.search_text LIKE {} ESCAPE '\\'")
        args.append(like_pattern(word))
    if created_from is not None:
        conditions.append("c.created_at >= {}")
        args.append(_utc(created_from))
    if created_to is not None:
        conditions.append("c.created_at < {}")
        args.append(_utc(created_to))
    for sql, extra_args in extra:
        conditions.append(f"({sql})")
        args.extend(extra_args)
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    return where, args


async def list_constituents(
    *,
    kind: str | None = None,
    lifecycle_stage: str | None = None,
    tag_id: int | None = None,
    deceased: bool | None = None,
    q: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    include_deleted: bool = False,
    extra: Sequence[Condition] = (),
    sort: str = "sort_name",
    page: int = 1,
    per_page: int = 50,
) -> ConstituentPage:
    """A page of constituents matching every given filter.

    ``created_from`` is inclusive and ``created_to`` exclusive; deleted constituents are
    left out unless ``include_deleted``; ``extra`` as in :func:`filter_conditions`.
    """
    limit, offset = page_window(page, per_page)
    ordering = order_by(sort)
    where, args = filter_conditions(
        kind=kind,
        lifecycle_stage=lifecycle_stage,
        tag_id=tag_id,
        deceased=deceased,
        q=q,
        created_from=created_from,
        created_to=created_to,
        include_deleted=include_deleted,
        extra=extra,
    )
    total = await db.fetch_value("SELECT COUNT(*) AS n FROM core_constituent c" + where, *args)
    rows = await db.fetch_all(
        f"SELECT {SUMMARY_COLUMNS} FROM core_constituent c{where} "
        f"ORDER BY {ordering} LIMIT {{}} OFFSET {{}}",
        *args,
        limit,
        offset,
    )
    return ConstituentPage(
        items=[ConstituentSummary.model_validate(r) for r in rows],
        total=int(total or 0),
        page=page,
        per_page=per_page,
    )
