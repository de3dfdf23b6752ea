"""Relationship types and relationships: seeding, CRUD, validation, both points of view."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

import httpx
import pytest

from core import audit
from core.constituents import relations, relationship_types
from core.errors import ConflictError
from core.plugins.registry import PluginRegistry, current_registry
from tests.core.constituents.relations_helpers import (
    capture_events,
    errors_of,
    make_constituent,
    names_of,
    soft_delete,
)

API = "/api/v1"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


def today() -> date:
    return datetime.now(current_registry().settings.zone).date()


async def type_id(api: httpx.AsyncClient, key: str) -> int:
    response = await api.get(f"{API}/relationship-types", params={"per_page": 200})
    assert response.status_code == 200
    return next(t["id"] for t in response.json()["items"] if t["key"] == key)


async def relate(
    api: httpx.AsyncClient, constituent_id: int, related_id: int, key: str, **extra: object
) -> httpx.Response:
    body = {"type_id": await type_id(api, key), "related_id": related_id, **extra}
    return await api.post(f"{API}/constituents/{constituent_id}/relationships", json=body)


# -- relationship types ------------------------------------------------------------------


async def test_default_types_are_seeded_once(registry: PluginRegistry) -> None:
    added = await relationship_types.ensure_default_relationship_types()
    assert set(added) == {
        "spouse",
        "parent",
        "sibling",
        "employer",
        "board_member",
        "volunteer",
        "friend",
        "solicitor",
    }
    assert await relationship_types.ensure_default_relationship_types() == []
    page = await relationship_types.list_relationship_types(per_page=200)
    by_key = {t.key: t for t in page.items}
    assert page.total == 8
    assert by_key["spouse"].symmetric
    assert by_key["friend"].symmetric
    assert by_key["sibling"].label_a_to_b == by_key["sibling"].label_b_to_a
    assert (by_key["employer"].kind_a, by_key["employer"].kind_b) == ("organisation", "individual")
    assert (by_key["parent"].label_a_to_b, by_key["parent"].label_b_to_a) == (
        "Parent of",
        "Child of",
    )
    assert not by_key["parent"].symmetric


async def test_seeding_keeps_an_organisations_changes(registry: PluginRegistry) -> None:
    await relationship_types.ensure_default_relationship_types()
    friend = next(
        t
        for t in (await relationship_types.list_relationship_types(per_page=200)).items
        if t.key == "friend"
    )
    await relationship_types.update_relationship_type(friend.id, active=False)
    assert await relationship_types.ensure_default_relationship_types() == []
    assert not (await relationship_types.get_relationship_type(friend.id)).active


async def test_relationship_type_crud(api: httpx.AsyncClient) -> None:
    events = capture_events()
    created = await api.post(
        f"{API}/relationship-types",
        json={
            "key": "mentor",
            "label_a_to_b": "Mentor of",
            "label_b_to_a": "Mentee of",
            "kind_a": "individual",
            "kind_b": "individual",
        },
    )
    assert created.status_code == 201, created.text
    mentor = created.json()
    assert mentor["active"] is True
    assert mentor["symmetric"] is False

    patched = await api.patch(
        f"{API}/relationship-types/{mentor['id']}",
        json={"label_b_to_a": "Mentored by", "active": False},
    )
    assert patched.status_code == 200
    assert patched.json()["label_b_to_a"] == "Mentored by"
    assert patched.json()["active"] is False

    inactive = await api.get(f"{API}/relationship-types", params={"active": "false"})
    assert [t["key"] for t in inactive.json()["items"]] == ["mentor"]
    active = await api.get(f"{API}/relationship-types", params={"active": "true"})
    assert "mentor" not in {t["key"] for t in active.json()["items"]}
    assert active.json()["total"] == 8

    assert names_of(events) == ["relationship_type.created", "relationship_type.updated"]
    entries = await audit.entries_for(entity_type="relationship_type", entity_id=mentor["id"])
    assert [e["action"] for e in entries] == ["update", "create"]
    assert entries[0]["before"]["label_b_to_a"] == "Mentee of"
    assert entries[0]["after"]["label_b_to_a"] == "Mentored by"


async def test_symmetric_type_has_one_label(api: httpx.AsyncClient) -> None:
    created = await api.post(
        f"{API}/relationship-types",
        json={"key": "cousin", "label_a_to_b": "Cousin of", "symmetric": True},
    )
    assert created.status_code == 201
    assert created.json()["label_b_to_a"] == "Cousin of"

    clash = await api.post(
        f"{API}/relationship-types",
        json={
            "key": "twin",
            "label_a_to_b": "Twin of",
            "label_b_to_a": "Other twin of",
            "symmetric": True,
        },
    )
    assert clash.status_code == 422
    assert "label_b_to_a" in errors_of(clash.json())
    mixed = await api.post(
        f"{API}/relationship-types",
        json={"key": "x", "label_a_to_b": "X", "kind_a": "organisation", "symmetric": True},
    )
    assert mixed.status_code == 422
    assert "symmetric" in errors_of(mixed.json())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "Bad Key", "label_a_to_b": "A", "label_b_to_a": "B"}, "key"),
        ({"key": "ok", "label_a_to_b": "A" * 101, "label_b_to_a": "B"}, "label_a_to_b"),
        ({"key": "ok", "label_a_to_b": "A", "label_b_to_a": "B", "kind_a": "robot"}, "kind_a"),
        ({"key": "ok", "label_a_to_b": "A", "label_b_to_a": "B", "colour": "red"}, "colour"),
        ({"key": "ok", "label_a_to_b": "A"}, "label_b_to_a"),
        ({"key": "ok", "label_a_to_b": "   ", "label_b_to_a": "B"}, "label_a_to_b"),
    ],
)
async def test_bad_relationship_types_are_422(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await api.post(f"{API}/relationship-types", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(field in key for key in errors_of(response.json())), response.json()


async def test_duplicate_key_and_unknown_type(api: httpx.AsyncClient) -> None:
    duplicate = await api.post(
        f"{API}/relationship-types",
        json={"key": "spouse", "label_a_to_b": "Wife of", "label_b_to_a": "Husband of"},
    )
    assert duplicate.status_code == 409
    assert (await api.patch(f"{API}/relationship-types/99999", json={})).status_code == 404
    spouse = await type_id(api, "spouse")
    renamed = await api.patch(f"{API}/relationship-types/{spouse}", json={"key": "married"})
    assert renamed.status_code == 422


async def test_shape_of_a_used_type_is_frozen(api: httpx.AsyncClient) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    assert (await relate(api, ada, bob, "friend")).status_code == 201
    friend = await type_id(api, "friend")
    reshaped = await api.patch(f"{API}/relationship-types/{friend}", json={"symmetric": False})
    assert reshaped.status_code == 409
    relabelled = await api.patch(
        f"{API}/relationship-types/{friend}", json={"label_a_to_b": "Pal of"}
    )
    assert relabelled.status_code == 200
    # Symmetric types keep one label: relabelling A→B relabels B→A too.
    assert relabelled.json()["label_b_to_a"] == "Pal of"


async def test_managing_types_needs_its_permission(make_api_client: MakeClient) -> None:
    staff = await make_api_client(roles=["staff"])
    assert (await staff.get(f"{API}/relationship-types")).status_code == 200
    response = await staff.post(
        f"{API}/relationship-types", json={"key": "k", "label_a_to_b": "K", "symmetric": True}
    )
    assert response.status_code == 403


# -- relationships -----------------------------------------------------------------------


async def test_relationship_is_labelled_from_each_side(api: httpx.AsyncClient) -> None:
    events = capture_events()
    acme = await make_constituent("Acme Ltd", kind="organisation")
    ada = await make_constituent("Ada")
    created = await relate(api, acme, ada, "employer", start_date="2020-01-06", notes="CTO")
    assert created.status_code == 201, created.text
    view = created.json()
    assert (view["label"], view["side"], view["related_id"]) == ("Employer of", "a", ada)
    assert view["related_name"] == "Ada"
    assert view["active"] is True

    from_ada = (await api.get(f"{API}/constituents/{ada}/relationships")).json()
    assert from_ada["total"] == 1
    item = from_ada["items"][0]
    assert (item["label"], item["side"], item["related_id"]) == ("Employee of", "b", acme)
    assert item["related_kind"] == "organisation"
    assert item["start_date"] == "2020-01-06"
    assert item["notes"] == "CTO"

    assert names_of(events) == ["relationship.created"]
    assert events[0].payload["type_key"] == "employer"
    # One audit entry per party, so erasing either one redacts it.
    for party in (acme, ada):
        entries = await audit.entries_for(entity_type="relationship", constituent_id=party)
        assert [e["action"] for e in entries] == ["create"]


async def test_side_b_puts_the_path_constituent_at_the_end(api: httpx.AsyncClient) -> None:
    acme = await make_constituent("Acme Ltd", kind="organisation")
    ada = await make_constituent("Ada")
    created = await relate(api, ada, acme, "employer", side="b")
    assert created.status_code == 201, created.text
    assert created.json()["label"] == "Employee of"
    from_acme = (await api.get(f"{API}/constituents/{acme}/relationships")).json()
    assert from_acme["items"][0]["label"] == "Employer of"


async def test_symmetric_label_is_the_same_both_ways(api: httpx.AsyncClient) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    assert (await relate(api, ada, bob, "spouse")).status_code == 201
    for me, other in ((ada, bob), (bob, ada)):
        items = (await api.get(f"{API}/constituents/{me}/relationships")).json()["items"]
        assert [(i["label"], i["related_id"]) for i in items] == [("Spouse/partner of", other)]
    # The same pair the other way round is the same symmetric relationship.
    assert (await relate(api, bob, ada, "spouse")).status_code == 409


async def test_invalid_relationships(api: httpx.AsyncClient) -> None:
    acme = await make_constituent("Acme Ltd", kind="organisation")
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")

    to_self = await relate(api, ada, ada, "friend")
    assert to_self.status_code == 422
    assert "related_id" in errors_of(to_self.json())

    wrong_kind = await relate(api, ada, bob, "employer")
    assert wrong_kind.status_code == 422
    assert "organisation" in errors_of(wrong_kind.json())["type_id"]
    assert (await relate(api, acme, ada, "spouse")).status_code == 422

    backwards = await relate(
        api, ada, bob, "friend", start_date="2020-02-01", end_date="2020-01-01"
    )
    assert backwards.status_code == 422
    assert "end_date" in errors_of(backwards.json())

    url = f"{API}/constituents/{ada}/relationships"
    friend = await type_id(api, "friend")
    for body, field in (
        ({"type_id": friend, "related_id": bob, "notes": "x" * 501}, "notes"),
        ({"type_id": friend, "related_id": bob, "mood": "happy"}, "mood"),
        ({"type_id": friend, "related_id": bob, "side": "c"}, "side"),
        ({"type_id": friend}, "related_id"),
        ({"type_id": friend, "related_id": 0}, "related_id"),
        ({"type_id": friend, "related_id": bob, "start_date": "yesterday"}, "start_date"),
    ):
        response = await api.post(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert any(field in key for key in errors_of(response.json())), response.json()
    assert (await api.post(url, content=b"{not json")).status_code in (400, 422)


async def test_unknown_or_deleted_parties_are_404(api: httpx.AsyncClient) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    gone = await make_constituent("Gone", deleted=True)
    assert (await relate(api, ada, 999_999, "friend")).status_code == 404
    assert (await relate(api, gone, ada, "friend")).status_code == 404
    assert (await relate(api, ada, gone, "friend")).status_code == 404
    unknown_type = await api.post(
        f"{API}/constituents/{ada}/relationships", json={"type_id": 99_999, "related_id": bob}
    )
    assert unknown_type.status_code == 404
    assert (await api.get(f"{API}/constituents/999999/relationships")).status_code == 404
    assert (await api.get(f"{API}/constituents/{gone}/relationships")).status_code == 404
    huge = await api.get(f"{API}/constituents/99999999999/relationships")
    assert huge.status_code == 422

    created = await relate(api, ada, bob, "friend")
    await soft_delete(bob)
    assert (await api.get(f"{API}/constituents/{ada}/relationships")).json()["total"] == 0
    rel = created.json()["id"]
    assert (await api.post(f"{API}/relationships/{rel}/end")).status_code == 404


async def test_inactive_type_cannot_be_used(api: httpx.AsyncClient) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    friend = await type_id(api, "friend")
    await api.patch(f"{API}/relationship-types/{friend}", json={"active": False})
    response = await relate(api, ada, bob, "friend")
    assert response.status_code == 422
    assert "inactive" in errors_of(response.json())["type_id"]


async def test_end_filter_and_duplicates(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada, acme = await make_constituent("Ada"), await make_constituent("Acme", kind="organisation")
    first = await relate(api, ada, acme, "volunteer", start_date="2021-03-01")
    assert first.status_code == 201
    assert (await relate(api, ada, acme, "volunteer")).status_code == 409

    rel = first.json()["id"]
    ended = await api.post(f"{API}/relationships/{rel}/end")
    assert ended.status_code == 200, ended.text
    assert ended.json()["end_date"] == today().isoformat()
    assert ended.json()["active"] is False
    assert (await api.post(f"{API}/relationships/{rel}/end")).status_code == 409

    # Ended relationships are history; the same one can start again.
    again = await relate(api, ada, acme, "volunteer")
    assert again.status_code == 201
    url = f"{API}/constituents/{ada}/relationships"
    active = (await api.get(url, params={"status": "active"})).json()["items"]
    ended_items = (await api.get(url, params={"status": "ended"})).json()["items"]
    everything = (await api.get(url)).json()
    assert [i["id"] for i in active] == [again.json()["id"]]
    assert [i["id"] for i in ended_items] == [rel]
    assert everything["total"] == 2
    assert (await api.get(url, params={"status": "gone"})).status_code == 422
    assert names_of(events) == [
        "relationship.created",
        "relationship.ended",
        "relationship.created",
    ]
    entries = await audit.entries_for(entity_type="relationship", entity_id=rel)
    assert {e["action"] for e in entries} == {"create", "end"}


async def test_end_date_rules(api: httpx.AsyncClient) -> None:
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    rel = (await relate(api, ada, bob, "friend", start_date="2022-05-01")).json()["id"]
    early = await api.post(f"{API}/relationships/{rel}/end", json={"end_date": "2022-04-30"})
    assert early.status_code == 422
    future = (today() + timedelta(days=30)).isoformat()
    planned = await api.post(f"{API}/relationships/{rel}/end", json={"end_date": future})
    assert planned.status_code == 200
    # Ending in the future keeps it active until then.
    assert planned.json()["active"] is True
    bad = await api.post(f"{API}/relationships/{rel}/end", json={"when": "now"})
    assert bad.status_code == 422


async def test_delete_relationship(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    rel = (await relate(api, ada, bob, "sibling")).json()["id"]
    assert (await api.delete(f"{API}/relationships/{rel}")).status_code == 204
    assert (await api.delete(f"{API}/relationships/{rel}")).status_code == 404
    assert (await api.get(f"{API}/constituents/{ada}/relationships")).json()["total"] == 0
    assert names_of(events) == ["relationship.created", "relationship.deleted"]
    entries = await audit.entries_for(entity_type="relationship", constituent_id=bob)
    assert [e["action"] for e in entries] == ["delete", "create"]


async def test_paging_and_sorting(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    others = [await make_constituent(name) for name in ("Carol", "Bob", "Dan")]
    for other in others:
        assert (await relate(api, ada, other, "friend")).status_code == 201
    url = f"{API}/constituents/{ada}/relationships"
    page = (await api.get(url, params={"per_page": 2, "page": 2})).json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 2, 2)
    assert [i["related_name"] for i in page["items"]] == ["Dan"]
    desc = (await api.get(url, params={"sort": "-related_name"})).json()["items"]
    assert [i["related_name"] for i in desc] == ["Dan", "Carol", "Bob"]
    bad_sort = await api.get(url, params={"sort": "password"})
    assert bad_sort.status_code == 422
    assert "sort" in errors_of(bad_sort.json())
    assert (await api.get(url, params={"per_page": 201})).status_code == 422


async def test_viewer_reads_but_cannot_write(make_api_client: MakeClient) -> None:
    viewer = await make_api_client(roles=["viewer"])
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    assert (await viewer.get(f"{API}/constituents/{ada}/relationships")).status_code == 200
    friend = await type_id(viewer, "friend")
    response = await viewer.post(
        f"{API}/constituents/{ada}/relationships", json={"type_id": friend, "related_id": bob}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type_id": 1e999999, "related_id": 2}',
        b'{"type_id": 1, "related_id": ' + b"9" * 5000 + b"}",
        b'{"type_id": 1.5, "related_id": 2}',
        b'{"type_id": true, "related_id": 2}',
        b'{"type_id": "1", "related_id": 2}',
        b"[]",
        b"null",
    ],
)
async def test_odd_json_is_422_naming_the_field(api: httpx.AsyncClient, raw: bytes) -> None:
    ada = await make_constituent("Ada")
    response = await api.post(
        f"{API}/constituents/{ada}/relationships",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


async def test_concurrent_duplicates_create_one_relationship(registry: PluginRegistry) -> None:
    await relationship_types.ensure_default_relationship_types()
    friend = next(
        t.id
        for t in (await relationship_types.list_relationship_types(per_page=200)).items
        if t.key == "friend"
    )
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    results = await asyncio.gather(
        *(relations.create_relationship(ada, bob, friend) for _ in range(3)),
        *(relations.create_relationship(bob, ada, friend) for _ in range(3)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException))
    assert (await relations.list_relationships(ada)).total == 1
