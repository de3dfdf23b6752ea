"""Merging duplicate constituents: what moves, the merge history, undo, and refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from core import audit, db, hookimpl
from core.constituents import consent, households, merge, privacy, relations, service
from core.constituents.relationship_types import (
    ensure_default_relationship_types,
    list_relationship_types,
)
from core.errors import ConflictError
from core.interactions import service as interactions
from tests.core.constituents.record_helpers import (
    add_test_plugin,
    capture_dispatched,
    count,
    errors_of,
    names_of,
)

BASE = "/api/v1/constituents"


async def _tag(api: httpx.AsyncClient, name: str) -> int:
    response = await api.post("/api/v1/tags", json={"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _field(api: httpx.AsyncClient, key: str, field_type: str = "text") -> None:
    response = await api.post(
        "/api/v1/custom-fields", json={"key": key, "label": key, "field_type": field_type}
    )
    assert response.status_code == 201, response.text


async def _create(api: httpx.AsyncClient, **values: Any) -> dict[str, Any]:
    response = await api.post(BASE, json={"kind": "individual", **values})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _friend_type() -> int:
    await ensure_default_relationship_types()
    types = (await list_relationship_types(per_page=200)).items
    return next(t.id for t in types if t.key == "friend")


async def _pair(api: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """A survivor and a duplicate with overlapping contacts, tags and custom values."""
    tags = {"donor": await _tag(api, "Donor"), "volunteer": await _tag(api, "Volunteer")}
    await _field(api, "shoe_size", "number")
    await _field(api, "team")
    survivor = await _create(
        api,
        first_name="Ada",
        last_name="Lovelace",
        emails=[{"email": "ada@example.org", "is_primary": True}],
        tags=[tags["donor"]],
        custom_fields={"shoe_size": 38},
    )
    merged = await _create(
        api,
        first_name="Augusta Ada",
        last_name="Lovelace",
        birth_date="1815-12-10",
        notes="Met at the gala",
        emails=[
            {"email": "countess@example.org", "is_primary": True},
            {"email": "ada@example.org"},
        ],
        phones=[{"number": "+44 20 7946 0018"}],
        addresses=[{"line1": "12 St James's Square", "postcode": "SW1Y 4JH", "country": "GB"}],
        tags=[tags["donor"], tags["volunteer"]],
        custom_fields={"shoe_size": 40, "team": "red"},
    )
    return survivor, merged, tags


async def test_merge_moves_everything_and_undo_puts_it_back(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    survivor, merged, tags = await _pair(api)
    sid, mid = survivor["id"], merged["id"]
    friend = await _create(api, first_name="Charles", last_name="Babbage")
    relationship = await relations.create_relationship(mid, friend["id"], await _friend_type())
    household = await households.create_household("Lovelace household", [mid], mid)
    note = await interactions.record_interaction(constituent_id=mid, interaction_type="core.note")
    await consent.record_consent(
        mid, channel="email", purpose="newsletter", status="granted", method="paper", wording="Yes"
    )
    seen = capture_dispatched(monkeypatch)

    response = await api.post(
        f"{BASE}/{sid}/merge", json={"merged_id": mid, "field_choices": {"first_name": "merged"}}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    merge_id = body["merge_id"]
    after = body["survivor"]
    assert after["first_name"] == "Augusta Ada"
    assert after["display_name"] == "Augusta Ada Lovelace"
    assert after["birth_date"] == "1815-12-10"  # empty on the survivor: filled
    assert after["notes"] == "Met at the gala"
    assert [(e["email"], e["is_primary"]) for e in after["emails"]] == [
        ("ada@example.org", True),
        ("countess@example.org", False),
    ]
    assert after["primary_email"] == "ada@example.org"
    assert [p["number"] for p in after["phones"]] == ["+442079460018"]
    assert after["addresses"][0]["is_primary"] is True  # the survivor had none
    assert sorted(t["id"] for t in after["tags"]) == sorted(tags.values())
    assert after["custom_fields"] == {"shoe_size": "38", "team": "red"}  # survivor wins
    assert (await api.get(f"{BASE}/{mid}")).status_code == 404
    hidden = (await api.get(f"{BASE}/{mid}", params={"include_deleted": "true"})).json()
    assert hidden["merged_into_id"] == sid
    assert hidden["deleted_at"] is not None
    assert [v.related_id for v in (await relations.list_relationships(sid)).items] == [friend["id"]]
    assert [m.household_id for m in (await households.households_of(sid)).items] == [household.id]
    assert await count("core_interaction", "constituent_id = {}", sid) == 1
    assert await count("core_consent", "constituent_id = {}", sid) == 1
    assert "constituent.merged" in names_of(seen)
    merge_entries = await audit.entries_for(entity_type="constituent", constituent_id=mid)
    assert merge_entries[0]["action"] == "merge"
    history = (await api.get(f"{BASE}/{sid}/merges")).json()
    assert [(h["merge_id"], h["merged_id"], h["undone"]) for h in history] == [
        (merge_id, mid, False)
    ]
    assert history[0]["merged_by"]

    undone = await api.post(f"/api/v1/merges/{merge_id}/undo")

    assert undone.status_code == 200, undone.text
    result = undone.json()
    # Plugins that move rows on merge (donations' gifts, volunteers' sign-ups...) have no
    # undo hook yet: undo names every one of them, in plugin order.
    assert result["plugins_not_reversed"] == [
        name for name in await merge.merge_hook_plugins() if name != "interactions"
    ]
    assert "donations" in result["plugins_not_reversed"]
    assert result["restored"]["id"] == mid
    assert result["restored"]["merged_into_id"] is None
    assert [(e["email"], e["is_primary"]) for e in result["restored"]["emails"]] == [
        ("countess@example.org", True),
        ("ada@example.org", False),
    ]
    assert len(result["restored"]["phones"]) == 1
    assert len(result["restored"]["addresses"]) == 1
    assert sorted(t["id"] for t in result["restored"]["tags"]) == sorted(tags.values())
    assert result["restored"]["custom_fields"] == {"shoe_size": "40", "team": "red"}
    back = (await api.get(f"{BASE}/{sid}")).json()
    assert back["first_name"] == "Ada"
    assert back["display_name"] == "Ada Lovelace"
    assert back["birth_date"] is None
    assert back["notes"] == ""
    assert [e["email"] for e in back["emails"]] == ["ada@example.org"]
    assert back["phones"] == []
    assert back["addresses"] == []
    assert [t["id"] for t in back["tags"]] == [tags["donor"]]
    assert back["custom_fields"] == {"shoe_size": "38"}
    assert [v.id for v in (await relations.list_relationships(mid)).items] == [relationship.id]
    assert (await relations.list_relationships(sid)).total == 0
    assert [m.household_id for m in (await households.households_of(mid)).items] == [household.id]
    assert (await households.households_of(sid)).total == 0
    assert (
        await db.fetch_value("SELECT constituent_id FROM core_interaction WHERE id = {}", note.id)
        == mid
    )
    assert await count("core_consent", "constituent_id = {}", mid) == 1
    assert "constituent.unmerged" in names_of(seen)
    history = (await api.get(f"{BASE}/{sid}/merges")).json()
    assert [(h["merge_id"], h["undone"]) for h in history] == [(merge_id, True)]
    again = await api.post(f"/api/v1/merges/{merge_id}/undo")
    assert again.status_code == 409
    assert "already undone" in again.text


async def test_chosen_custom_value_overwrites_and_undo_restores_it(
    api: httpx.AsyncClient,
) -> None:
    survivor, merged, _ = await _pair(api)
    result = await merge.merge_constituents(
        survivor["id"], merged["id"], {"custom_fields.shoe_size": "merged", "notes": "survivor"}
    )
    assert result.survivor.custom_fields == {"shoe_size": "40", "team": "red"}
    assert result.survivor.notes == "Met at the gala"  # survivor's notes were empty
    assert result.survivor.first_name == "Ada"  # survivor wins by default
    undone = await merge.undo_merge(result.merge_id)
    assert (await service.get_constituent(survivor["id"])).custom_fields == {"shoe_size": "38"}
    assert undone.restored.custom_fields == {"shoe_size": "40", "team": "red"}


async def test_a_failing_plugin_merge_hook_rolls_everything_back(api: httpx.AsyncClient) -> None:
    survivor, merged, _ = await _pair(api)
    note = await interactions.record_interaction(
        constituent_id=merged["id"], interaction_type="core.note"
    )
    calls: list[tuple[int, int]] = []

    @hookimpl
    def steward_constituent_merge(survivor_id: int, merged_id: int) -> None:
        calls.append((survivor_id, merged_id))
        raise RuntimeError("badge store is down")

    add_test_plugin("badges", steward_constituent_merge=steward_constituent_merge)
    audit_rows = await count("core_audit_log")

    with pytest.raises(RuntimeError, match="badge store is down"):
        await merge.merge_constituents(survivor["id"], merged["id"], {"first_name": "merged"})

    assert calls == [(survivor["id"], merged["id"])]
    assert await count("core_audit_log") == audit_rows
    assert (await service.get_constituent(merged["id"])).deleted_at is None
    assert await count("core_email", "constituent_id = {}", merged["id"]) == 2
    assert await count("core_constituent_tag", "constituent_id = {}", merged["id"]) == 2
    assert (await service.get_constituent(survivor["id"])).first_name == "Ada"
    assert (
        await db.fetch_value("SELECT constituent_id FROM core_interaction WHERE id = {}", note.id)
        == merged["id"]
    )


async def test_undo_names_plugins_whose_merge_it_cannot_reverse(api: httpx.AsyncClient) -> None:
    survivor, merged, _ = await _pair(api)
    calls: list[tuple[int, int]] = []

    @hookimpl
    def steward_constituent_merge(survivor_id: int, merged_id: int) -> None:
        calls.append((survivor_id, merged_id))

    add_test_plugin("badges", steward_constituent_merge=steward_constituent_merge)
    result = await merge.merge_constituents(survivor["id"], merged["id"], None)
    assert calls == [(survivor["id"], merged["id"])]
    undone = await merge.undo_merge(result.merge_id)
    # Every first-party plugin with a merge hook (donations, volunteers...), then the test one.
    assert undone.plugins_not_reversed[0] == "donations"
    assert undone.plugins_not_reversed[-1] == "badges"
    entry = (await audit.entries_for(entity_type="constituent_merge", entity_id=result.merge_id))[0]
    assert entry["action"] == "unmerge"
    assert entry["after"]["plugins_not_reversed"] == undone.plugins_not_reversed


async def test_undo_is_refused_once_the_merged_record_is_erased(api: httpx.AsyncClient) -> None:
    survivor, merged, _ = await _pair(api)
    result = await merge.merge_constituents(survivor["id"], merged["id"])
    await privacy.erase_personal_data(merged["id"])
    with pytest.raises(ConflictError, match="erased"):
        await merge.undo_merge(result.merge_id)
    response = await api.post(f"/api/v1/merges/{result.merge_id}/undo")
    assert response.status_code == 409


async def test_households_merge_with_households_and_members_follow(
    api: httpx.AsyncClient,
) -> None:
    first = await _create(api, first_name="Ann", last_name="One")
    second = await _create(api, first_name="Bob", last_name="Two")
    kept = await households.create_household("The Ones", [first["id"]], first["id"])
    dup = await households.create_household("The Ones (dup)", [second["id"]], second["id"])
    response = await api.post(f"{BASE}/{kept.id}/merge", json={"merged_id": dup.id})
    assert response.status_code == 200, response.text
    members = (await households.list_members(kept.id)).items
    assert sorted(m.member_id for m in members) == sorted([first["id"], second["id"]])
    assert [m.member_id for m in members if m.is_primary_contact] == [first["id"]]
    person = await api.post(f"{BASE}/{kept.id}/merge", json={"merged_id": first["id"]})
    assert person.status_code == 422
    assert "same kind" in errors_of(person.json())["merged_id"]


async def test_bad_merge_requests_are_refused_with_reasons(api: httpx.AsyncClient) -> None:
    survivor, merged, _ = await _pair(api)
    sid, mid = survivor["id"], merged["id"]
    acme = (await api.post(BASE, json={"kind": "organisation", "organisation_name": "Acme"})).json()
    gone = await _create(api, last_name="Gone")
    assert (await api.delete(f"{BASE}/{gone['id']}")).status_code == 204

    async def refused(path_id: int, body: dict[str, Any], status: int = 422) -> dict[str, str]:
        response = await api.post(f"{BASE}/{path_id}/merge", json=body)
        assert response.status_code == status, response.text
        return errors_of(response.json())

    assert "itself" in (await refused(sid, {"merged_id": sid}))["merged_id"]
    assert "same kind" in (await refused(sid, {"merged_id": acme["id"]}))["merged_id"]
    assert "no constituent" in (await refused(sid, {"merged_id": 999999}))["merged_id"]
    assert "no constituent" in (await refused(sid, {"merged_id": gone["id"]}))["merged_id"]
    await refused(999999, {"merged_id": mid}, status=404)
    await refused(gone["id"], {"merged_id": mid}, status=404)
    unknown = await refused(sid, {"merged_id": mid, "field_choices": {"password": "merged"}})
    assert "cannot be chosen" in unknown["field_choices.password"]
    custom = await refused(
        sid, {"merged_id": mid, "field_choices": {"custom_fields.nope": "merged"}}
    )
    assert "no custom field" in custom["field_choices.custom_fields.nope"]
    for body in (
        {"merged_id": mid, "field_choices": {"first_name": "both"}},
        {"merged_id": mid, "extra": 1},
        {"merged_id": 0},
        {"merged_id": 2_147_483_648},
        {"merged_id": 1.0},
        {},
    ):
        response = await api.post(f"{BASE}/{sid}/merge", json=body)
        assert response.status_code in (400, 422), (body, response.text)
    assert (await api.post("/api/v1/merges/999999/undo")).status_code == 404
    assert (await service.get_constituent(mid)).deleted_at is None
    assert await count("core_audit_log", "entity_type = {}", "constituent_merge") == 0


async def test_merging_needs_the_merge_permission(
    api: httpx.AsyncClient,
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]],
) -> None:
    survivor, merged, _ = await _pair(api)
    staff = await make_api_client(roles=["staff"])
    manager = await make_api_client(roles=["manager"])
    denied = await staff.post(f"{BASE}/{survivor['id']}/merge", json={"merged_id": merged["id"]})
    assert denied.status_code == 403
    assert (await staff.get(f"{BASE}/{survivor['id']}/merges")).json() == []
    done = await manager.post(f"{BASE}/{survivor['id']}/merge", json={"merged_id": merged["id"]})
    assert done.status_code == 200, done.text
    merge_id = done.json()["merge_id"]
    assert (await staff.post(f"/api/v1/merges/{merge_id}/undo")).status_code == 403
    assert (await manager.post(f"/api/v1/merges/{merge_id}/undo")).status_code == 200
