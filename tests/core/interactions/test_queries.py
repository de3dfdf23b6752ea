"""Timelines and follow-up lists: order, pagination, filters, counts, hidden rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core import db
from core.errors import InvalidInputError, NotFoundError
from core.interactions import queries, service
from core.interactions.queries import TimelineFilters
from core.plugins.registry import PluginRegistry
from core.testing import create_test_user
from tests.core.interactions.helpers import make_constituent

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


async def seed_timeline(person: int) -> dict[str, int]:
    """Five interactions at known times (two share an instant) plus one deleted."""
    ids = {}
    for name, kind, hours, extra in [
        ("call", "core.call", 0, {}),
        ("email", "core.email", 24, {"direction": "inbound"}),
        ("meeting", "core.meeting", 48, {"payload": {"location": "Café"}}),
        ("note_a", "core.note", 72, {}),
        ("note_b", "core.note", 72, {"follow_up_due": date(2024, 4, 1)}),
        ("deleted", "core.letter", 96, {}),
    ]:
        interaction = await service.record_interaction(
            constituent_id=person,
            interaction_type=kind,
            occurred_at=T0 + timedelta(hours=hours),
            subject=name,
            **extra,  # type: ignore[arg-type]
        )
        ids[name] = interaction.id
    await service.delete_interaction(ids.pop("deleted"))
    return ids


async def test_timeline_is_newest_first_and_paginated(registry: PluginRegistry) -> None:
    person = await make_constituent()
    other = await make_constituent("Someone Else")
    ids = await seed_timeline(person)
    await service.record_interaction(constituent_id=other, interaction_type="core.note")

    page = await queries.timeline(person)
    assert page.total == 5
    # Same instant: the later id first.
    assert [i.subject for i in page.items] == ["note_b", "note_a", "meeting", "email", "call"]

    first = await queries.timeline(person, page=1, per_page=2)
    second = await queries.timeline(person, page=2, per_page=2)
    third = await queries.timeline(person, page=3, per_page=2)
    beyond = await queries.timeline(person, page=9, per_page=2)
    assert [i.id for i in first.items] == [ids["note_b"], ids["note_a"]]
    assert [i.id for i in second.items] == [ids["meeting"], ids["email"]]
    assert [i.id for i in third.items] == [ids["call"]]
    assert (beyond.items, beyond.total) == ([], 5)

    oldest = await queries.timeline(person, oldest_first=True)
    assert [i.subject for i in oldest.items] == ["call", "email", "meeting", "note_a", "note_b"]


async def test_timeline_filters(registry: PluginRegistry) -> None:
    person = await make_constituent()
    await seed_timeline(person)

    async def subjects(**filters: object) -> list[str]:
        page = await queries.timeline(person, filters=TimelineFilters(**filters))  # type: ignore[arg-type]
        return [i.subject for i in page.items]

    assert await subjects(channel="email") == ["email"]
    assert await subjects(interaction_type="core.note") == ["note_b", "note_a"]
    assert await subjects(plugin="interactions") == ["note_b", "note_a", "meeting", "email", "call"]
    assert await subjects(plugin="donations") == []
    assert await subjects(follow_up_status="open") == ["note_b"]
    # Inclusive days in the org time zone (UTC here).
    assert await subjects(date_from=date(2024, 3, 2), date_to=date(2024, 3, 3)) == [
        "meeting",
        "email",
    ]
    assert await subjects(date_from=date(2024, 3, 4)) == ["note_b", "note_a"]
    assert await subjects(date_to=date(2024, 3, 1)) == ["call"]


async def test_timeline_rejects_bad_filters_and_pages(registry: PluginRegistry) -> None:
    person = await make_constituent()
    with pytest.raises(InvalidInputError) as caught:
        await queries.timeline(
            person,
            filters=TimelineFilters(
                channel="fax",
                follow_up_status="maybe",
                date_from=date(2024, 2, 1),
                date_to=date(2024, 1, 1),
            ),
        )
    assert set(caught.value.errors) == {"channel", "follow_up_status", "date_from"}
    with pytest.raises(InvalidInputError) as caught:
        await queries.timeline(person, page=0, per_page=201)
    assert set(caught.value.errors) == {"page", "per_page"}


async def test_timeline_of_missing_or_deleted_constituent_is_not_found(
    registry: PluginRegistry,
) -> None:
    person = await make_constituent()
    await service.record_interaction(constituent_id=person, interaction_type="core.note")
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {} WHERE id = {}", datetime.now(UTC), person
    )
    for constituent_id in (person, 999_999, 2**40):
        with pytest.raises(NotFoundError, match="no constituent"):
            await queries.timeline(constituent_id)
    empty = await make_constituent("No Touches Yet")
    page = await queries.timeline(empty)
    assert (page.items, page.total) == ([], 0)


async def test_follow_ups_by_owner_with_overdue_counts(registry: PluginRegistry) -> None:
    me = await create_test_user("me@example.org", ["staff"])
    colleague = await create_test_user("colleague@example.org", ["staff"])
    person = await make_constituent("Ada Lovelace")
    hidden = await make_constituent("Hidden Person")
    today = queries.org_today()

    async def task(owner: int, due: date, subject: str, who: int = person) -> int:
        created = await service.schedule_follow_up(
            constituent_id=who, owner_id=owner, due=due, subject=subject
        )
        return created.id

    overdue = await task(me.user_id, today - timedelta(days=3), "overdue")
    due_today = await task(me.user_id, today, "today")
    later = await task(me.user_id, today + timedelta(days=10), "later")
    finished = await task(me.user_id, today - timedelta(days=5), "finished")
    await service.complete_follow_up(finished)
    removed = await task(me.user_id, today - timedelta(days=9), "removed")
    await service.delete_interaction(removed)
    await task(me.user_id, today - timedelta(days=9), "of a deleted person", who=hidden)
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {} WHERE id = {}", datetime.now(UTC), hidden
    )
    theirs = await task(colleague.user_id, today - timedelta(days=1), "theirs")

    mine = await queries.list_follow_ups(owner_id=me.user_id)
    assert [i.id for i in mine.items] == [overdue, due_today, later]
    assert mine.total == 3
    assert (mine.counts.open, mine.counts.overdue) == (3, 1)
    assert mine.items[0].constituent_name == "Ada Lovelace"
    assert mine.items[0].is_overdue(today)
    assert not mine.items[1].is_overdue(today)

    only_overdue = await queries.list_follow_ups(owner_id=me.user_id, overdue=True)
    assert [i.id for i in only_overdue.items] == [overdue]
    assert (only_overdue.total, only_overdue.counts.open) == (1, 3)

    everyone = await queries.list_follow_ups(owner_id=None, overdue=True)
    assert [i.id for i in everyone.items] == [overdue, theirs]
    assert (everyone.counts.open, everyone.counts.overdue) == (4, 2)

    soon = await queries.list_follow_ups(owner_id=me.user_id, due_before=today + timedelta(days=1))
    assert [i.id for i in soon.items] == [overdue, due_today]

    done = await queries.list_follow_ups(owner_id=me.user_id, status="done")
    assert [i.id for i in done.items] == [finished]

    paged = await queries.list_follow_ups(owner_id=me.user_id, page=2, per_page=2)
    assert ([i.id for i in paged.items], paged.total) == ([later], 3)

    # "Overdue" follows the day passed as today.
    tomorrow = await queries.list_follow_ups(
        owner_id=me.user_id, overdue=True, today=today + timedelta(days=1)
    )
    assert [i.id for i in tomorrow.items] == [overdue, due_today]
    assert tomorrow.counts.overdue == 2


async def test_follow_up_list_rejects_bad_arguments(registry: PluginRegistry) -> None:
    with pytest.raises(InvalidInputError, match="only open follow-ups can be overdue"):
        await queries.list_follow_ups(owner_id=None, status="done", overdue=True)
    with pytest.raises(InvalidInputError, match="must be one of open, done, cancelled"):
        await queries.list_follow_ups(owner_id=None, status="none")
    with pytest.raises(InvalidInputError):
        await queries.list_follow_ups(owner_id=2**40)


async def test_indexes_exist_and_the_timeline_uses_its_index(registry: PluginRegistry) -> None:
    if db.is_sqlite():
        rows = await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = {} AND tbl_name = {}",
            "index",
            "core_interaction",
        )
        names = {row["name"] for row in rows}
    else:
        rows = await db.fetch_all(
            "SELECT indexname FROM pg_indexes WHERE tablename = {}", "core_interaction"
        )
        names = {row["indexname"] for row in rows}
    assert {
        "core_interaction_timeline",
        "core_interaction_follow_ups",
        "core_interaction_external_ref",
    } <= names
    if db.is_sqlite():
        plan = await db.fetch_all(
            "EXPLAIN QUERY PLAN SELECT id FROM core_interaction i WHERE i.constituent_id = {} "
            "AND i.deleted_at IS NULL ORDER BY i.occurred_at DESC, i.id DESC LIMIT 50",
            1,
        )
        details = " ".join(str(row["detail"]) for row in plan)
        assert "core_interaction_timeline" in details
        assert "TEMP B-TREE" not in details  # the index supplies the order
