"""Recording, changing and deleting interactions through the services, as staff and plugins do."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, ConfigDict, Field

from core import audit, db, hookimpl
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.interactions import service
from core.plugins.registry import PluginRegistry
from core.plugins.state import set_plugin_enabled
from core.plugins.types import InteractionType
from core.testing import create_test_user
from tests.core.interactions.helpers import (
    add_plugin,
    capture_events,
    hooks_namespace,
    make_constituent,
)


class GiftPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_minor: int = Field(ge=1, le=10**12)
    currency: str = Field(min_length=3, max_length=3)


def add_giving(registry: PluginRegistry) -> None:
    @hookimpl
    def steward_interaction_types() -> list[InteractionType]:
        return [InteractionType("giving.gift", "Gift", GiftPayload, default_channel="web")]

    add_plugin(
        registry, "giving", hooks_namespace(steward_interaction_types=steward_interaction_types)
    )


async def count_rows() -> int:
    return int(await db.fetch_value("SELECT COUNT(*) AS n FROM core_interaction") or 0)


async def test_record_fills_defaults_audits_and_emits(registry: PluginRegistry) -> None:
    events = capture_events(registry)
    person = await make_constituent()
    before = datetime.now(UTC)
    call = await service.record_interaction(
        constituent_id=person,
        interaction_type="core.call",
        subject="  Thank-you   call ",
        payload={"duration_seconds": 240, "outcome": "connected"},
    )
    assert call.channel == "phone"
    assert call.direction == "outbound"
    assert call.initiated_by == "system"  # the test runs as the system actor
    assert call.subject == "Thank-you call"
    assert call.source_plugin == "interactions"
    assert call.follow_up_status == "none"
    assert call.payload == {"duration_seconds": 240, "outcome": "connected", "phone_number": None}
    assert before <= call.occurred_at <= datetime.now(UTC)
    assert call.occurred_at.tzinfo is not None

    entries = await audit.entries_for(entity_type="interaction", entity_id=call.id)
    assert [e["action"] for e in entries] == ["create"]
    assert entries[0]["constituent_id"] == person
    assert entries[0]["after"]["subject"] == "Thank-you call"
    assert [e.name for e in events] == ["interaction.recorded"]
    assert events[0].payload["interaction_id"] == call.id
    assert events[0].payload["constituent_id"] == person


async def test_notes_are_internal_and_keep_explicit_values(registry: PluginRegistry) -> None:
    person = await make_constituent()
    when = datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    note = await service.record_interaction(
        constituent_id=person,
        interaction_type="core.note",
        body="Line one\r\nLine two\x00\n",
        occurred_at=when,
        initiated_by="constituent",
        purpose="stewardship",
    )
    assert note.direction == "internal"
    assert note.channel == "other"
    assert note.body == "Line one\nLine two"
    assert note.initiated_by == "constituent"
    assert note.occurred_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert (await service.get_interaction(note.id)).occurred_at == note.occurred_at


async def test_plugin_records_its_own_type_idempotently(registry: PluginRegistry) -> None:
    add_giving(registry)
    events = capture_events(registry)
    person = await make_constituent()
    other = await make_constituent("Grace Hopper")
    args = {
        "constituent_id": person,
        "interaction_type": "giving.gift",
        "payload": {"amount_minor": 2500, "currency": "EUR"},
        "direction": "inbound",
        "initiated_by": "constituent",
        "external_ref": "gift-1",
    }
    first = await service.record_interaction(**args)  # type: ignore[arg-type]
    again = await service.record_interaction(**args)  # type: ignore[arg-type]
    assert again.id == first.id
    assert first.source_plugin == "giving"
    assert first.channel == "web"
    assert first.payload == {"amount_minor": 2500, "currency": "EUR"}
    assert await count_rows() == 1
    assert [e.name for e in events] == ["interaction.recorded"]
    assert len(await audit.entries_for(entity_type="interaction")) == 1

    with pytest.raises(ConflictError, match="gift-1"):
        await service.record_interaction(**{**args, "constituent_id": other})  # type: ignore[arg-type]
    # The same reference from another plugin is another fact.
    call = await service.record_interaction(
        constituent_id=person, interaction_type="core.call", external_ref="gift-1"
    )
    assert call.id != first.id
    # Rows without a reference never clash.
    await service.record_interaction(constituent_id=person, interaction_type="core.note")
    await service.record_interaction(constituent_id=person, interaction_type="core.note")
    assert await count_rows() == 4


async def test_switched_off_plugin_cannot_record(registry: PluginRegistry) -> None:
    add_giving(registry)
    person = await make_constituent()
    await set_plugin_enabled("giving", False)
    registry.state.invalidate()
    with pytest.raises(InvalidInputError, match="which is off"):
        await service.record_interaction(
            constituent_id=person,
            interaction_type="giving.gift",
            payload={"amount_minor": 1, "currency": "EUR"},
        )
    assert await count_rows() == 0


async def test_every_invalid_field_is_reported(registry: PluginRegistry) -> None:
    person = await make_constituent()
    with pytest.raises(InvalidInputError) as caught:
        await service.record_interaction(
            constituent_id=person,
            interaction_type="core.call",
            channel="fax",
            direction="sideways",
            initiated_by="robot",
            subject="x" * 301,
            purpose="p" * 101,
            body="b" * 20_001,
            occurred_at=datetime(2024, 1, 1, 12, 0),  # naive
            follow_up_due=date(1850, 1, 1),
            external_ref="  ",
            payload={"duration_seconds": "long", "mood": "happy"},
        )
    assert set(caught.value.errors) == {
        "channel",
        "direction",
        "initiated_by",
        "subject",
        "purpose",
        "body",
        "occurred_at",
        "follow_up_due",
        "external_ref",
        "payload.duration_seconds",
        "payload.mood",
    }
    assert "time zone" in caught.value.errors["occurred_at"]
    assert await count_rows() == 0
    body = await service.record_interaction(
        constituent_id=person, interaction_type="core.note", body="b" * 20_000
    )
    assert len(body.body) == 20_000


async def test_missing_or_deleted_constituent_is_not_found(registry: PluginRegistry) -> None:
    gone = await make_constituent(deleted=True)
    for constituent_id in (gone, 999_999, 2**40):
        with pytest.raises(NotFoundError, match="no constituent"):
            await service.record_interaction(
                constituent_id=constituent_id, interaction_type="core.note"
            )


async def test_owner_must_be_an_active_staff_user(registry: PluginRegistry) -> None:
    person = await make_constituent()
    with pytest.raises(InvalidInputError) as caught:
        await service.record_interaction(
            constituent_id=person, interaction_type="core.note", owner_id=4242
        )
    assert caught.value.errors == {"owner_id": "no active staff user 4242"}
    staff = await create_test_user("owner@example.org", ["staff"])
    note = await service.record_interaction(
        constituent_id=person, interaction_type="core.note", owner_id=staff.user_id
    )
    assert note.owner_id == staff.user_id
    assert note.owner_name == "owner"


async def test_follow_up_rules_when_recording(registry: PluginRegistry) -> None:
    person = await make_constituent()
    due = date(2030, 1, 15)
    task = await service.record_interaction(
        constituent_id=person, interaction_type="core.call", follow_up_due=due
    )
    assert (task.follow_up_status, task.follow_up_due) == ("open", due)
    with pytest.raises(InvalidInputError, match="needs follow_up_status open"):
        await service.record_interaction(
            constituent_id=person,
            interaction_type="core.call",
            follow_up_status="none",
            follow_up_due=due,
        )
    with pytest.raises(InvalidInputError, match="must be none or open"):
        await service.record_interaction(
            constituent_id=person, interaction_type="core.call", follow_up_status="done"
        )


async def test_update_changes_fields_audits_and_emits(registry: PluginRegistry) -> None:
    person = await make_constituent()
    note = await service.record_interaction(
        constituent_id=person, interaction_type="core.note", subject="Old"
    )
    events = capture_events(registry)
    updated = await service.update_interaction(
        note.id, {"subject": "New", "body": "Met at the gala", "channel": "event"}
    )
    assert (updated.subject, updated.body, updated.channel) == ("New", "Met at the gala", "event")
    assert updated.updated_at >= note.updated_at
    entries = await audit.entries_for(entity_type="interaction", entity_id=note.id)
    assert entries[0]["action"] == "update"
    assert entries[0]["before"]["subject"] == "Old"
    assert entries[0]["after"]["subject"] == "New"
    assert entries[0]["constituent_id"] == person
    assert [e.name for e in events] == ["interaction.updated"]
    assert events[0].payload["changed"] == ["body", "channel", "subject"]

    same = await service.update_interaction(note.id, {"subject": "New"})
    assert same.updated_at == updated.updated_at
    assert len(await audit.entries_for(entity_type="interaction", entity_id=note.id)) == 2
    assert len(events) == 1


async def test_update_rejects_unknown_and_invalid_fields(registry: PluginRegistry) -> None:
    person = await make_constituent()
    note = await service.record_interaction(constituent_id=person, interaction_type="core.note")
    with pytest.raises(InvalidInputError) as caught:
        await service.update_interaction(
            note.id,
            {"payload": {}, "channel": "fax", "occurred_at": None, "owner_id": "me"},
        )
    assert set(caught.value.errors) == {"payload", "channel", "occurred_at", "owner_id"}
    assert "cannot be changed" in caught.value.errors["payload"]
    with pytest.raises(NotFoundError):
        await service.update_interaction(999_999, {"subject": "x"})


async def test_follow_up_lifecycle(registry: PluginRegistry) -> None:
    person = await make_constituent()
    call = await service.record_interaction(constituent_id=person, interaction_type="core.call")
    events = capture_events(registry)

    opened = await service.update_interaction(call.id, {"follow_up_due": date(2030, 2, 1)})
    assert opened.follow_up_status == "open"
    done = await service.complete_follow_up(call.id)
    assert done.follow_up_status == "done"
    assert done.follow_up_done_at is not None
    with pytest.raises(ConflictError, match="no open follow-up"):
        await service.complete_follow_up(call.id)
    with pytest.raises(ConflictError):
        await service.cancel_follow_up(call.id)

    reopened = await service.update_interaction(call.id, {"follow_up_status": "open"})
    assert (reopened.follow_up_done_at, reopened.follow_up_due) == (None, date(2030, 2, 1))
    cancelled = await service.cancel_follow_up(call.id)
    assert (cancelled.follow_up_status, cancelled.follow_up_done_at) == ("cancelled", None)
    cleared = await service.update_interaction(call.id, {"follow_up_status": "none"})
    assert (cleared.follow_up_status, cleared.follow_up_due) == ("none", None)
    with pytest.raises(InvalidInputError, match="needs follow_up_status open"):
        await service.update_interaction(
            call.id, {"follow_up_status": "none", "follow_up_due": date(2030, 3, 1)}
        )

    names = [e.name for e in events if e.name.startswith("follow_up.")]
    assert names == [
        "follow_up.opened",
        "follow_up.completed",
        "follow_up.opened",
        "follow_up.cancelled",
    ]


async def test_delete_is_soft_and_audited(registry: PluginRegistry) -> None:
    person = await make_constituent()
    note = await service.record_interaction(constituent_id=person, interaction_type="core.note")
    events = capture_events(registry)
    await service.delete_interaction(note.id)
    with pytest.raises(NotFoundError):
        await service.get_interaction(note.id)
    with pytest.raises(NotFoundError):
        await service.delete_interaction(note.id)
    deleted_at = await db.fetch_value(
        "SELECT deleted_at FROM core_interaction WHERE id = {}", note.id
    )
    assert deleted_at is not None
    entries = await audit.entries_for(entity_type="interaction", entity_id=note.id)
    assert entries[0]["action"] == "delete"
    assert [e.name for e in events] == ["interaction.deleted"]


async def test_interactions_of_a_deleted_constituent_are_hidden(registry: PluginRegistry) -> None:
    person = await make_constituent()
    note = await service.record_interaction(constituent_id=person, interaction_type="core.note")
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {} WHERE id = {}", datetime.now(UTC), person
    )
    with pytest.raises(NotFoundError):
        await service.get_interaction(note.id)


async def test_schedule_follow_up_records_an_open_task(registry: PluginRegistry) -> None:
    person = await make_constituent()
    staff = await create_test_user("fundraiser@example.org", ["staff"])
    task = await service.schedule_follow_up(
        constituent_id=person, owner_id=staff.user_id, due=date(2030, 5, 1), subject="Call back"
    )
    assert task.interaction_type == "core.task"
    assert (task.follow_up_status, task.follow_up_due) == ("open", date(2030, 5, 1))
    assert (task.owner_id, task.direction, task.subject) == (staff.user_id, "internal", "Call back")
    with pytest.raises(InvalidInputError) as caught:
        await service.schedule_follow_up(
            constituent_id=person, owner_id=None, due=date(2030, 5, 1), subject="  "
        )
    assert caught.value.errors == {"subject": "is required"}


async def test_concurrent_writes_with_one_reference_store_one_row(
    registry: PluginRegistry,
) -> None:
    add_giving(registry)
    person = await make_constituent()

    async def deliver() -> int:
        gift = await service.record_interaction(
            constituent_id=person,
            interaction_type="giving.gift",
            payload={"amount_minor": 500, "currency": "GBP"},
            external_ref="webhook-evt-1",
        )
        return gift.id

    ids = await asyncio.gather(*(deliver() for _ in range(6)))
    assert len(set(ids)) == 1
    assert await count_rows() == 1
