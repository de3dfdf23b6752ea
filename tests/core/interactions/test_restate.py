"""A plugin's timeline item brought up to date with the record it stands for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import audit
from core.errors import InvalidInputError, NotFoundError
from core.interactions import service
from core.interactions.restate import restate_interaction
from core.plugins.registry import PluginRegistry
from tests.core.interactions.helpers import make_constituent


async def _visit(person: int) -> int:
    item = await service.record_interaction(
        constituent_id=person,
        interaction_type="core.meeting",
        payload={"location": "Museum café"},
        occurred_at=datetime(2024, 6, 1, 12, tzinfo=UTC),
        external_ref="visit-1",
    )
    return item.id


async def test_payload_constituent_and_time_follow_the_record(registry: PluginRegistry) -> None:
    person, other = await make_constituent(), await make_constituent("Someone Else")
    item_id = await _visit(person)
    plugin = (await service.get_interaction(item_id)).source_plugin
    moved = await restate_interaction(
        plugin,
        "visit-1",
        payload={"location": "Library"},
        constituent_id=other,
        occurred_at=datetime(2024, 6, 2, 9, tzinfo=UTC),
    )
    assert moved is not None
    assert (moved.id, moved.constituent_id, moved.payload["location"]) == (
        item_id,
        other,
        "Library",
    )
    assert moved.occurred_at == datetime(2024, 6, 2, 9, tzinfo=UTC)
    entries = await audit.entries_for(entity_type="interaction", entity_id=item_id)
    assert [e["action"] for e in entries][:2] == ["update", "create"]
    again = await restate_interaction(plugin, "visit-1", payload={"location": "Library"})
    assert again is not None
    assert len(await audit.entries_for(entity_type="interaction", entity_id=item_id)) == 2


async def test_unknown_items_bad_payloads_and_missing_people(registry: PluginRegistry) -> None:
    person = await make_constituent()
    await _visit(person)
    plugin = (await service.get_interaction(await _visit(person))).source_plugin
    assert await restate_interaction(plugin, "no-such-ref", payload={}) is None
    assert await restate_interaction("another_plugin", "visit-1", payload={}) is None
    with pytest.raises(InvalidInputError) as refused:
        await restate_interaction(plugin, "visit-1", payload={"location": 12, "extra": True})
    assert any(key.startswith("payload") for key in refused.value.errors)
    with pytest.raises(NotFoundError):
        await restate_interaction(plugin, "visit-1", constituent_id=999_999)
