"""Membership lists with filters and paging (one query per page, plus one count)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from core import db
from core.pagination import Page, page_window
from plugins.membership import store
from plugins.membership.common import org_today
from plugins.membership.models import Membership

SORTS = {
    "end_date": "m.end_date, m.id",
    "-end_date": "m.end_date DESC, m.id DESC",
    "name": "c.sort_name, m.id",
    "join_date": "m.join_date, m.id",
    "-join_date": "m.join_date DESC, m.id DESC",
}


class MembershipFilter(BaseModel):
    """Filters of the memberships list; every one optional."""

    status: str | None = Field(default=None, max_length=20)
    level_id: int | None = Field(default=None, ge=1)
    member_id: int | None = Field(default=None, ge=1)
    lifecycle: str | None = Field(default=None, pattern=r"^(pending|active|cancelled)$")
    source: str | None = Field(default=None, pattern=r"^(staff|portal|import)$")
    expiring_within_days: int | None = Field(default=None, ge=0, le=3660)
    counts_as_member: bool | None = None
    search: str | None = Field(default=None, max_length=200)
    sort: str = Field(default="end_date", pattern=r"^-?(end_date|name|join_date)$")


def _where(f: MembershipFilter, today: date) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    simple = {
        "m.status": f.status,
        "m.level_id": f.level_id,
        "m.member_id": f.member_id,
        "m.lifecycle": f.lifecycle,
        "m.source": f.source,
        "m.counts_as_member": f.counts_as_member,
    }
    for column, value in simple.items():
        if value is not None:
            clauses.append(f"{column} = {{}}")
            args.append(value)
    if f.expiring_within_days is not None:
        clauses.append("m.lifecycle = 'active' AND m.end_date >= {} AND m.end_date <= {}")
        args += [today, today + timedelta(days=f.expiring_within_days)]
    if f.search:
        clauses.append("LOWER(c.display_name) LIKE {}")
        args.append(f"%{f.search.strip().lower()}%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


async def list_memberships(
    filters: MembershipFilter, page: int = 1, per_page: int = 50
) -> Page[Membership]:
    """One page of memberships matching the filters, and how many match."""
    limit, offset = page_window(page, per_page)
    where, args = _where(filters, org_today())
    total = await db.fetch_value(
        "SELECT COUNT(*) FROM membership_membership m JOIN core_constituent c "
        f"ON c.id = m.member_id{where}",
        *args,
    )
    rows = await db.fetch_all(
        f"{store.MEMBERSHIP_SELECT}{where} ORDER BY {SORTS[filters.sort]} LIMIT {{}} OFFSET {{}}",
        *args,
        limit,
        offset,
    )
    return Page(
        items=[store.membership_from_row(r) for r in rows],
        total=int(total or 0),
        page=page,
        per_page=per_page,
    )
