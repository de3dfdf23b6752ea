"""Households: members with history, one household per person, roles and primary contact."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from core import audit
from core.constituents import households
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry, current_registry
from core.settings import Settings
from core.testing import base_settings
from tests.core.constituents.relations_helpers import (
    capture_events,
    errors_of,
    make_constituent,
    names_of,
    restore,
    soft_delete,
)

API = "/api/v1"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    """Test settings; a test may choose the organisation's time zone by parametrizing."""
    return base_settings(database_url, time_zone=getattr(request, "param", "UTC"))


def org_today() -> str:
    return datetime.now(current_registry().settings.zone).date().isoformat()


async def members(
    api: httpx.AsyncClient, household: int, *, history: bool = False
) -> list[dict[str, object]]:
    response = await api.get(
        f"{API}/households/{household}/members", params={"history": str(history).lower()}
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def test_create_household_with_people(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada, bob, cy = [await make_constituent(n) for n in ("Ada", "Bob", "Cy")]
    response = await api.post(
        f"{API}/households",
        json={
            "name": "The Lovelace Household",
            "member_ids": [ada, bob, cy],
            "primary_contact_id": bob,
            "roles": {str(ada): "head", str(cy): "child"},
        },
    )
    assert response.status_code == 201, response.text
    household = response.json()
    assert household["name"] == "The Lovelace Household"
    roles = {m["member_id"]: (m["role"], m["is_primary_contact"]) for m in household["members"]}
    assert roles == {ada: ("head", False), bob: ("member", True), cy: ("child", False)}
    assert all(m["joined_on"] == org_today() for m in household["members"])

    listed = await members(api, household["id"])
    assert listed[0]["member_id"] == bob  # the primary contact comes first
    assert {m["member_id"] for m in listed} == {ada, bob, cy}
    assert all(m["current"] for m in listed)

    assert names_of(events) == [
        "constituent.created",
        *["household.member_added"] * 3,
        "household.created",
    ]
    assert events[-1].payload["member_ids"] == [ada, bob, cy]
    created = await audit.entries_for(entity_type="constituent", entity_id=household["id"])
    assert created[0]["action"] == "create"
    assert created[0]["after"]["kind"] == "household"
    joins = await audit.entries_for(entity_type="household_member", constituent_id=ada)
    assert [e["action"] for e in joins] == ["join"]


async def test_household_is_a_constituent(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{API}/households", json={"name": "  The   Smiths "})
    assert response.status_code == 201
    household = response.json()
    assert household["name"] == "The Smiths"
    assert household["members"] == []
    # It has relationships and households endpoints like any constituent.
    assert (await api.get(f"{API}/constituents/{household['id']}/relationships")).status_code == 200


async def test_joining_another_household_closes_the_first(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada = await make_constituent("Ada")
    first = (
        await api.post(f"{API}/households", json={"name": "First", "member_ids": [ada]})
    ).json()
    second = (await api.post(f"{API}/households", json={"name": "Second"})).json()

    moved = await api.post(
        f"{API}/households/{second['id']}/members", json={"member_id": ada, "role": "head"}
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["household_name"] == "Second"

    assert await members(api, first["id"]) == []
    history = await members(api, first["id"], history=True)
    assert [(m["member_id"], m["left_on"], m["current"]) for m in history] == [
        (ada, org_today(), False)
    ]

    mine = (await api.get(f"{API}/constituents/{ada}/households")).json()
    assert mine["total"] == 2
    assert [(m["household_id"], m["current"]) for m in mine["items"]] == [
        (second["id"], True),
        (first["id"], False),
    ]
    assert names_of(events)[-2:] == ["household.member_removed", "household.member_added"]
    assert events[-2].payload["reason"] == "moved"


@pytest.mark.parametrize("settings", ["Pacific/Kiritimati", "Pacific/Pago_Pago"], indirect=True)
async def test_dates_are_in_the_organisations_time_zone(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    # UTC+14 and UTC-11 are never on the same date, so one of these runs fails if the
    # service used UTC (or the server's zone) instead of the organisation's.
    expected = datetime.now(ZoneInfo(settings.time_zone)).date().isoformat()
    ada = await make_constituent("Ada")
    household = (await api.post(f"{API}/households", json={"name": "H"})).json()["id"]
    joined = await api.post(f"{API}/households/{household}/members", json={"member_id": ada})
    assert joined.json()["joined_on"] == expected
    left = await api.delete(f"{API}/households/{household}/members/{ada}")
    assert left.json()["left_on"] == expected


async def test_remove_member_keeps_history(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    household = (
        await api.post(f"{API}/households", json={"name": "H", "member_ids": [ada, bob]})
    ).json()["id"]
    removed = await api.delete(f"{API}/households/{household}/members/{ada}")
    assert removed.status_code == 200
    assert removed.json()["left_on"] == org_today()
    assert removed.json()["current"] is False
    assert [m["member_id"] for m in await members(api, household)] == [bob]
    assert len(await members(api, household, history=True)) == 2
    again = await api.delete(f"{API}/households/{household}/members/{ada}")
    assert again.status_code == 404
    assert names_of(events)[-1] == "household.member_removed"
    assert events[-1].payload["reason"] == "removed"
    entries = await audit.entries_for(entity_type="household_member", constituent_id=ada)
    assert entries[0]["action"] == "leave"
    assert entries[0]["before"]["left_on"] is None
    assert entries[0]["after"]["left_on"] == org_today()

    # Rejoining starts a new membership; the old one stays in the history.
    rejoined = await api.post(f"{API}/households/{household}/members", json={"member_id": ada})
    assert rejoined.status_code == 201
    assert len(await members(api, household, history=True)) == 3


async def test_roles_and_a_single_primary_contact(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada, bob = await make_constituent("Ada"), await make_constituent("Bob")
    household = (
        await api.post(
            f"{API}/households",
            json={"name": "H", "member_ids": [ada, bob], "primary_contact_id": ada},
        )
    ).json()["id"]
    url = f"{API}/households/{household}/members"
    made_primary = await api.patch(f"{url}/{bob}", json={"is_primary_contact": True})
    assert made_primary.status_code == 200
    assert made_primary.json()["is_primary_contact"] is True
    primaries = [m["member_id"] for m in await members(api, household) if m["is_primary_contact"]]
    assert primaries == [bob]

    role = await api.patch(f"{url}/{ada}", json={"role": "partner"})
    assert role.json()["role"] == "partner"
    assert names_of(events)[-2:] == ["household.member_updated", "household.member_updated"]
    entries = await audit.entries_for(entity_type="household_member", constituent_id=ada)
    assert [e["action"] for e in entries[:2]] == ["update", "update"]
    assert entries[0]["after"]["role"] == "partner"
    assert entries[1]["after"]["is_primary_contact"] is False

    # Joining as primary contact takes the flag from whoever had it.
    cy = await make_constituent("Cy")
    await api.post(url, json={"member_id": cy, "is_primary_contact": True})
    primaries = [m["member_id"] for m in await members(api, household) if m["is_primary_contact"]]
    assert primaries == [cy]

    for body in ({}, {"role": "lodger"}, {"role": "head", "age": 3}):
        response = await api.patch(f"{url}/{ada}", json=body)
        assert response.status_code == 422, (body, response.text)
    assert (await api.patch(f"{url}/999999", json={"role": "head"})).status_code == 404


async def test_invalid_memberships(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    acme = await make_constituent("Acme", kind="organisation")
    household = (await api.post(f"{API}/households", json={"name": "H"})).json()["id"]
    url = f"{API}/households/{household}/members"

    organisation = await api.post(url, json={"member_id": acme})
    assert organisation.status_code == 422
    assert "member_id" in errors_of(organisation.json())
    other_household = (await api.post(f"{API}/households", json={"name": "H2"})).json()["id"]
    assert (await api.post(url, json={"member_id": other_household})).status_code == 422

    assert (await api.post(url, json={"member_id": 999_999})).status_code == 404
    assert (await api.post(url, json={"member_id": ada, "role": "king"})).status_code == 422
    assert (await api.post(url, json={"member_id": ada, "x": 1})).status_code == 422
    assert (await api.post(url, json={"member_id": "ada"})).status_code == 422

    assert (await api.post(url, json={"member_id": ada})).status_code == 201
    assert (await api.post(url, json={"member_id": ada})).status_code == 409

    # Only households have members: an individual's id is not a household.
    assert (await api.get(f"{API}/households/{ada}/members")).status_code == 404
    assert (
        await api.post(f"{API}/households/{ada}/members", json={"member_id": ada})
    ).status_code == 404
    assert (await api.get(f"{API}/households/999999/members")).status_code == 404
    await soft_delete(household)
    assert (await api.get(f"{API}/households/{household}/members")).status_code == 404
    assert (await api.get(f"{API}/constituents/{ada}/households")).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "H", "member_ids": [1, 1]}, "member_ids"),
        ({"name": "H", "member_ids": [1], "primary_contact_id": 2}, "primary_contact_id"),
        ({"name": "H", "member_ids": [1], "roles": {"2": "head"}}, "roles"),
        ({"name": "H", "member_ids": [1], "roles": {"1": "queen"}}, "roles"),
        ({"name": "H", "member_ids": list(range(1, 52))}, "member_ids"),
        ({"name": "H", "motto": "hi"}, "motto"),
    ],
)
async def test_bad_households_are_422(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await make_constituent("Ada")
    await make_constituent("Bob")
    response = await api.post(f"{API}/households", json=body)
    assert response.status_code == 422, response.text
    assert any(field in key for key in errors_of(response.json())), response.json()


async def test_create_household_is_all_or_nothing(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    acme = await make_constituent("Acme", kind="organisation")
    assert (
        await api.post(f"{API}/households", json={"name": "H", "member_ids": [ada, 999_999]})
    ).status_code == 404
    response = await api.post(f"{API}/households", json={"name": "H", "member_ids": [ada, acme]})
    assert response.status_code == 422
    assert (await api.get(f"{API}/constituents/{ada}/households")).json()["total"] == 0


async def test_service_rules(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    household = await households.create_household("H", [ada], ada)
    with pytest.raises(ConflictError):
        await households.add_member(household.id, ada)
    with pytest.raises(InvalidInputError):
        await households.update_member(household.id, ada, role="boss")
    with pytest.raises(NotFoundError):
        await households.remove_member(household.id, 424242)
    closed = await households.remove_member(household.id, ada)
    assert not closed.current


async def test_reading_and_writing_need_permissions(make_api_client: MakeClient) -> None:
    viewer = await make_api_client(roles=["viewer"])
    ada = await make_constituent("Ada")
    assert (await viewer.get(f"{API}/constituents/{ada}/households")).status_code == 200
    assert (await viewer.post(f"{API}/households", json={"name": "H"})).status_code == 403
    staff = await make_api_client(roles=["staff"])
    assert (await staff.post(f"{API}/households", json={"name": "H"})).status_code == 201


async def test_a_deleted_households_membership_still_counts(api: httpx.AsyncClient) -> None:
    # Restoring a deleted household must not leave a person in two households at once.
    ada = await make_constituent("Ada")
    body = {"name": "Old", "member_ids": [ada]}
    old = (await api.post(f"{API}/households", json=body)).json()["id"]
    await soft_delete(old)
    new = (await api.post(f"{API}/households", json={"name": "New"})).json()["id"]
    assert (
        await api.post(f"{API}/households/{new}/members", json={"member_id": ada})
    ).status_code == 201
    await restore(old)
    assert await members(api, old) == []
    [past] = await members(api, old, history=True)
    assert past["left_on"] == org_today()
    mine = (await api.get(f"{API}/constituents/{ada}/households")).json()["items"]
    assert [(m["household_id"], m["current"]) for m in mine] == [(new, True), (old, False)]


async def test_concurrent_moves_leave_one_current_household(registry: PluginRegistry) -> None:
    # Row locks (PostgreSQL) and IMMEDIATE transactions (SQLite) serialise the moves.
    ada = await make_constituent("Ada")
    homes = [await households.create_household(f"H{i}", []) for i in range(5)]
    results = await asyncio.gather(
        *(households.add_member(home.id, ada) for home in homes), return_exceptions=True
    )
    assert not [r for r in results if isinstance(r, BaseException)]
    mine = (await households.households_of(ada)).items
    assert len(mine) == 5
    assert sum(m.current for m in mine) == 1
