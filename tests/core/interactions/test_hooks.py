"""The interactions plugin's lifecycle hooks, called through the registry as core calls them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import audit, db
from core.interactions import queries, service
from core.plugins.registry import PluginRegistry
from core.plugins.types import ErasureReport, ExportSection
from tests.core.interactions.helpers import make_constituent


async def test_permissions_and_event_types_are_declared(registry: PluginRegistry) -> None:
    permissions = {p.name for p in await registry.collect("steward_permissions")}
    assert {"interactions.read", "interactions.write"} <= permissions
    events = {e.name for e in await registry.collect("steward_event_types")}
    assert {
        "interaction.recorded",
        "interaction.updated",
        "interaction.deleted",
        "follow_up.opened",
        "follow_up.completed",
        "follow_up.cancelled",
    } <= events


async def test_personal_data_export_lists_every_interaction(registry: PluginRegistry) -> None:
    person = await make_constituent()
    other = await make_constituent("Someone Else")
    kept = await service.record_interaction(
        constituent_id=person,
        interaction_type="core.meeting",
        subject="Lunch",
        occurred_at=datetime(2024, 6, 1, 12, tzinfo=UTC),
        payload={"location": "Museum café"},
    )
    removed = await service.record_interaction(
        constituent_id=person, interaction_type="core.note", body="Private remark"
    )
    await service.delete_interaction(removed.id)
    await service.record_interaction(constituent_id=other, interaction_type="core.note")

    sections = await registry.collect("steward_personal_data_export", constituent_id=person)
    ours = [s for s in sections if isinstance(s, ExportSection) and s.plugin == "interactions"]
    assert len(ours) == 1
    records = ours[0].records["interactions"]
    assert [r["id"] for r in records] == [kept.id, removed.id]
    assert records[0]["payload"]["location"] == "Museum café"
    assert records[0]["occurred_at"] == "2024-06-01T12:00:00+00:00"
    assert records[1]["body"] == "Private remark"
    assert records[1]["deleted_at"] is not None


async def test_personal_data_erasure_blanks_content_and_reports(registry: PluginRegistry) -> None:
    person = await make_constituent()
    other = await make_constituent("Someone Else")
    for subject in ("Call about legacy", "Home visit"):
        await service.record_interaction(
            constituent_id=person,
            interaction_type="core.call",
            subject=subject,
            body="Spoke about her late husband",
            purpose="legacy",
            payload={"phone_number": "+34911234567"},
            external_ref=subject,
        )
    untouched = await service.record_interaction(
        constituent_id=other, interaction_type="core.note", subject="Keep me"
    )

    async with db.transaction():  # core runs erasure inside one transaction
        reports = await registry.collect("steward_personal_data_erasure", constituent_id=person)
    ours = [r for r in reports if isinstance(r, ErasureReport) and r.plugin == "interactions"]
    assert len(ours) == 1
    assert ours[0].erased == {"interactions": 2}
    assert "kept without content" in ours[0].retained["interactions"]

    # Other plugins' hooks (the constituents plugin's) may delete the person, so read the rows.
    rows = await db.fetch_all(
        "SELECT interaction_type, subject, body, purpose, payload, external_ref "
        "FROM core_interaction WHERE constituent_id = {}",
        person,
    )
    assert [dict(r) for r in rows] == [
        {
            "interaction_type": "core.call",
            "subject": "",
            "body": "",
            "purpose": "",
            "payload": "{}",
            "external_ref": None,
        }
    ] * 2
    assert (await service.get_interaction(untouched.id)).subject == "Keep me"
    entries = await audit.entries_for(entity_type="interaction", constituent_id=person)
    assert entries[0]["action"] == "erase"


async def test_erasure_rolls_back_with_the_surrounding_transaction(
    registry: PluginRegistry,
) -> None:
    person = await make_constituent()
    await service.record_interaction(
        constituent_id=person, interaction_type="core.note", subject="Still here"
    )

    async def erase_then_fail() -> None:
        async with db.transaction():
            await registry.collect("steward_personal_data_erasure", constituent_id=person)
            raise RuntimeError("another plugin failed")

    with pytest.raises(RuntimeError, match="another plugin failed"):
        await erase_then_fail()
    assert (await queries.timeline(person)).items[0].subject == "Still here"


async def test_constituent_merge_moves_interactions_to_the_survivor(
    registry: PluginRegistry,
) -> None:
    survivor = await make_constituent("Ada Lovelace")
    merged = await make_constituent("A. Lovelace")
    mine = await service.record_interaction(constituent_id=survivor, interaction_type="core.note")
    moved = [
        await service.record_interaction(
            constituent_id=merged, interaction_type="core.call", external_ref=f"call-{n}"
        )
        for n in range(2)
    ]
    async with db.transaction():
        await registry.call_each(
            "steward_constituent_merge", isolate=False, survivor_id=survivor, merged_id=merged
        )
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {}, merged_into_id = {} WHERE id = {}",
        datetime.now(UTC),
        survivor,
        merged,
    )
    page = await queries.timeline(survivor)
    assert sorted(i.id for i in page.items) == sorted([mine.id, *(m.id for m in moved)])
    entries = await audit.entries_for(entity_type="interaction", constituent_id=survivor)
    merge = next(e for e in entries if e["action"] == "merge")
    assert merge["before"]["interaction_ids"] == [m.id for m in moved]
    assert merge["after"]["constituent_id"] == survivor
    # A replayed plugin write now resolves to the survivor's interaction.
    replay = await service.record_interaction(
        constituent_id=survivor, interaction_type="core.call", external_ref="call-0"
    )
    assert replay.id == moved[0].id
