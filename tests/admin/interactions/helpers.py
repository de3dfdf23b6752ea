"""Helpers for the admin interactions tests: constituents and follow-ups made directly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from core import db
from core.interactions import service


async def make_person(name: str = "Ada Lovelace", *, created_at: datetime | None = None) -> int:
    """A constituent row inserted directly (``created_at`` may be set for the month card)."""
    now = datetime.now(UTC)
    row = await db.fetch_one(
        "INSERT INTO core_constituent (kind, display_name, sort_name, search_text, created_at, "
        "updated_at, deleted_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
        "individual",
        name,
        name.lower(),
        name.lower(),
        created_at or now,
        now,
        None,
    )
    assert row is not None
    return int(row["id"])


async def follow_up(person: int, owner_id: int, due: date, subject: str) -> int:
    """An open follow-up (a task) of ``owner_id`` due on ``due``."""
    task = await service.schedule_follow_up(
        constituent_id=person, owner_id=owner_id, due=due, subject=subject
    )
    return task.id


def section(html: str, marker: str, end_marker: str | None = None) -> str:
    """The part of a page from ``marker`` up to ``end_marker`` (or the end)."""
    start = html.index(marker)
    end = html.index(end_marker, start) if end_marker else len(html)
    return html[start:end]


def count_of(html: str, card_key: str) -> int:
    """The ``data-count`` of a dashboard card."""
    block = section(html, f'data-card="{card_key}"')
    match = re.search(r'data-count="(\d+)"', block)
    assert match is not None, block[:500]
    return int(match.group(1))
