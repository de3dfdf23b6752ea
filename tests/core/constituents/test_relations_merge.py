"""Re-pointing relationships, households and consent at a merge, and the personal-data export."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from core import audit
from core.constituents import consent, households, relations
from core.constituents.relationship_types import (
    ensure_default_relationship_types,
    list_relationship_types,
)
from core.errors import InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry, current_registry
from tests.core.constituents.relations_helpers import make_constituent, soft_delete


def today() -> date:
    return datetime.now(current_registry().settings.zone).date()


async def type_ids() -> dict[str, int]:
    await ensure_default_relationship_types()
    return {t.key: t.id for t in (await list_relationship_types(per_page=200)).items}


async def related(constituent_id: int) -> list[tuple[str, int, bool]]:
    page = await relations.list_relationships(constituent_id, sort="created_at")
    return [(v.label, v.related_id, v.active) for v in page.items]


async def test_relationships_follow_the_survivor(registry: PluginRegistry) -> None:
    types = await type_ids()
    survivor, merged = await make_constituent("Ada"), await make_constituent("Ada L.")
    xavier, yves = await make_constituent("Xavier"), await make_constituent("Yves")
    acme = await make_constituent("Acme", kind="organisation")

    kept = await relations.create_relationship(survivor, xavier, types["friend"])
    repeat = await relations.create_relationship(merged, xavier, types["friend"])
    to_self = await relations.create_relationship(survivor, merged, types["spouse"])
    job = await relations.create_relationship(acme, merged, types["employer"])
    old = await relations.create_relationship(
        merged, yves, types["friend"], end_date=today() - timedelta(days=3)
    )
    await relations.create_relationship(survivor, yves, types["friend"])

    report = await relations.repoint_relations(survivor, merged)

    assert sorted(report["relationships_moved"]) == sorted([job.id, old.id])
    removed = {r["id"]: r for r in report["relationships_removed"]}
    assert set(removed) == {repeat.id, to_self.id}
    assert removed[to_self.id]["constituent_b_id"] == merged  # as it was, for an undo
    assert await related(survivor) == [
        ("Friend of", xavier, True),
        ("Employee of", acme, True),
        ("Friend of", yves, False),
        ("Friend of", yves, True),
    ]
    assert (await relations.list_relationships(merged)).total == 0
    assert kept.id not in report["relationships_moved"]
    entries = await audit.entries_for(entity_type="relations", entity_id=merged)
    assert entries[0]["action"] == "merge"
    assert entries[0]["constituent_id"] == survivor


async def test_memberships_follow_the_survivor(registry: PluginRegistry) -> None:
    survivor, merged = await make_constituent("Ada"), await make_constituent("Ada L.")
    first = await households.create_household("First", [survivor], survivor)
    second = await households.create_household("Second", [merged], merged)

    report = await relations.repoint_relations(survivor, merged)

    mine = (await households.households_of(survivor)).items
    assert [(m.household_id, m.current) for m in mine] == [(first.id, True), (second.id, False)]
    assert report["memberships_closed"] == [second.members[0].id]
    assert mine[1].left_on == today()
    assert (await households.list_members(second.id)).total == 0
    assert (await households.households_of(merged)).total == 0


async def test_duplicate_membership_in_the_same_household_is_dropped(
    registry: PluginRegistry,
) -> None:
    survivor, merged = await make_constituent("Ada"), await make_constituent("Ada L.")
    bob = await make_constituent("Bob")
    home = await households.create_household("Home", [survivor, merged, bob], merged)

    report = await relations.repoint_relations(survivor, merged)

    assert [r["member_id"] for r in report["memberships_removed"]] == [merged]
    current = (await households.list_members(home.id)).items
    assert sorted(m.member_id for m in current) == sorted([survivor, bob])
    # The dropped row was the primary contact; the survivor takes the role over.
    assert [m.member_id for m in current if m.is_primary_contact] == [survivor]


async def test_merging_households_keeps_one_primary_contact(registry: PluginRegistry) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    first = await households.create_household("The Lovelaces", [ada], ada)
    second = await households.create_household("Lovelace family", [bob], bob)

    report = await relations.repoint_relations(first.id, second.id)

    current = (await households.list_members(first.id)).items
    assert sorted(m.member_id for m in current) == sorted([ada, bob])
    assert [m.member_id for m in current if m.is_primary_contact] == [ada]
    assert report["primary_contacts_unset"] == [second.members[0].id]


async def test_consent_and_blocks_follow_the_survivor(registry: PluginRegistry) -> None:
    survivor, merged = await make_constituent("Ada"), await make_constituent("Ada L.")
    now = datetime.now(current_registry().settings.zone)
    await consent.record_consent(
        survivor,
        channel="email",
        purpose="newsletter",
        status="granted",
        method="web_form",
        wording="Yes please",
        occurred_at=now - timedelta(days=10),
    )
    withdrawal = await consent.record_consent(
        merged,
        channel="email",
        purpose="newsletter",
        status="withdrawn",
        method="phone",
        wording="Stop emailing me",
        occurred_at=now - timedelta(days=2),
    )
    block = await consent.block_contact(merged, "sms", "asked")

    report = await relations.repoint_relations(survivor, merged)

    assert report["consent_moved"] == [withdrawal.id]
    assert report["contact_blocks_moved"] == [block.id]
    assert await consent.consent_status(survivor, "email", "newsletter") == "withdrawn"
    assert (await consent.consent_log(survivor)).total == 2
    assert await consent.is_blocked(survivor, "sms")


async def test_merge_refuses_itself(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    with pytest.raises(InvalidInputError):
        await relations.repoint_relations(ada, ada)


async def test_export_relations(registry: PluginRegistry) -> None:
    types = await type_ids()
    ada = await make_constituent("Ada")
    acme = await make_constituent("Acme", kind="organisation")
    await relations.create_relationship(
        acme, ada, types["employer"], start_date=date(2020, 1, 6), notes="CTO"
    )
    home = await households.create_household("Home", [ada], ada)
    await consent.record_consent(
        ada,
        channel="mail",
        purpose="fundraising",
        status="granted",
        method="paper",
        wording="  Tick to hear from us\n",
    )
    block = await consent.block_contact(ada, "phone", "no calls")
    await consent.lift_block(block.id)
    await soft_delete(ada)  # an export also covers records in the bin

    exported = await relations.export_relations(ada)

    json.dumps(exported)  # plain, JSON-ready values
    [relationship] = exported["relationships"]
    assert relationship["label"] == "Employee of"
    assert relationship["related_id"] == acme
    assert relationship["related_name"] == "Acme"
    assert relationship["start_date"] == "2020-01-06"
    [membership] = exported["household_memberships"]
    assert membership["household_id"] == home.id
    assert membership["household_name"] == "Home"
    assert membership["is_primary_contact"] is True
    [entry] = exported["consent"]
    assert entry["wording"] == "  Tick to hear from us\n"
    assert entry["recorded_by"] == "system"
    [exported_block] = exported["contact_blocks"]
    assert exported_block["lifted_at"] is not None
    with pytest.raises(NotFoundError):
        await relations.export_relations(999_999)
