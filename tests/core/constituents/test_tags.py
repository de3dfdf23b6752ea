"""Tags: define, rename, delete; put on and take off constituents idempotently."""

from __future__ import annotations

import pytest

from core.constituents import service, tags
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.record_helpers import (
    MARIA,
    audit_actions,
    capture_dispatched,
    count,
    names_of,
)


async def test_tag_names_are_unique_ignoring_case_and_accents(registry: PluginRegistry) -> None:
    tag = await tags.create_tag({"name": "  Café   regulars ", "description": "Drop-in"})
    assert tag.name == "Café regulars"
    with pytest.raises(ConflictError):
        await tags.create_tag({"name": "CAFE REGULARS"})
    other = await tags.create_tag({"name": "Volunteers"})
    with pytest.raises(ConflictError):
        await tags.update_tag(other.id, {"name": "café Regulars"})
    with pytest.raises(InvalidInputError):
        await tags.create_tag({"name": "   "})


async def test_rename_and_delete(registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = capture_dispatched(monkeypatch)
    tag = await tags.create_tag({"name": "Gala 2024"})
    renamed = await tags.update_tag(tag.id, {"name": "Gala 2025"})
    assert renamed.name == "Gala 2025"
    assert renamed.description == ""
    described = await tags.update_tag(tag.id, {"description": "Invitees"})
    assert described.name == "Gala 2025"
    cid = (await service.create_constituent({**MARIA, "tags": [tag.id]})).id
    await tags.delete_tag(tag.id)
    assert await count("core_constituent_tag") == 0
    assert (await service.get_constituent(cid)).tags == []
    with pytest.raises(NotFoundError):
        await tags.get_tag(tag.id)
    assert names_of(seen)[:3] == ["tag.created", "tag.changed", "tag.changed"]
    assert names_of(seen)[-1] == "tag.deleted"


async def test_tagging_is_idempotent_and_audited_once(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = (await service.create_constituent(MARIA)).id
    tag = await tags.create_tag({"name": "Major donor"})
    seen = capture_dispatched(monkeypatch)
    first = await tags.tag_constituent(cid, tag.id)
    again = await tags.tag_constituent(cid, tag.id)
    assert [t.name for t in first] == [t.name for t in again] == ["Major donor"]
    assert await count("core_constituent_tag") == 1
    await tags.untag_constituent(cid, tag.id)
    await tags.untag_constituent(cid, tag.id)
    assert await count("core_constituent_tag") == 0
    assert names_of(seen) == ["constituent.tagged", "constituent.untagged"]
    actions = [a for a in await audit_actions(cid) if a[0] in {"tag", "untag"}]
    assert actions == [("tag", "constituent"), ("untag", "constituent")]
    with pytest.raises(NotFoundError):
        await tags.tag_constituent(cid, 999)
    with pytest.raises(NotFoundError):
        await tags.tag_constituent(4242, tag.id)


async def test_list_tags_counts_live_constituents(registry: PluginRegistry) -> None:
    donor = await tags.create_tag({"name": "Donor"})
    await tags.create_tag({"name": "Alumni"})
    kept = await service.create_constituent({**MARIA, "tags": [donor.id]})
    gone = await service.create_constituent(
        {"kind": "individual", "last_name": "X", "tags": [donor.id]}
    )
    await service.soft_delete_constituent(gone.id)
    page = await tags.list_tags()
    assert [(t.name, t.constituent_count) for t in page.items] == [("Alumni", 0), ("Donor", 1)]
    assert page.total == 2
    filtered = await tags.list_tags("don")
    assert [t.name for t in filtered.items] == ["Donor"]
    second = await tags.list_tags(page=2, per_page=1)
    assert [t.name for t in second.items] == ["Donor"]
    assert second.total == 2
    assert kept.tags[0].id == donor.id
