"""Users API (users.manage): list, create, read, update, set password; validation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from core import audit, db
from core.plugins.types import DomainEvent
from core.testing import TestUser

USERS = "/api/v1/users"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


async def _create(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await api.post(USERS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_and_get_a_user(api: httpx.AsyncClient) -> None:
    created = await _create(
        api,
        email="Fund.Raiser@Example.org",
        display_name="Fran Raiser",
        password="correct horse battery",
        roles=["staff", "viewer"],
    )

    assert created["email"] == "fund.raiser@example.org"
    assert created["display_name"] == "Fran Raiser"
    assert created["roles"] == ["staff", "viewer"]
    assert created["is_active"] is True
    assert created["has_password"] is True
    assert created["last_login_at"] is None
    assert "password" not in created
    assert "password_hash" not in created

    fetched = await api.get(f"{USERS}/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created
    stored = await db.fetch_value(
        "SELECT password_hash FROM core_user WHERE id = {}", created["id"]
    )
    assert stored.startswith("$argon2id$")


async def test_create_is_audited_and_emits_an_event(
    api: httpx.AsyncClient, admin: TestUser, dispatched: list[DomainEvent]
) -> None:
    created = await _create(api, email="new@example.org", roles=["viewer"])

    assert [(e.name, e.payload["user_id"]) for e in dispatched] == [("user.created", created["id"])]

    entries = await audit.entries_for(entity_type="user", entity_id=created["id"])
    assert entries[0]["action"] == "create"
    assert entries[0]["actor_kind"] == "token"
    assert entries[0]["actor_id"] == admin.user_id
    assert entries[0]["after"]["roles"] == ["viewer"]


async def test_list_is_paginated_sorted_and_filtered(api: httpx.AsyncClient) -> None:
    for name in ("carol", "alice", "bob"):
        await _create(api, email=f"{name}@example.org", roles=["viewer"])
    await _create(api, email="dave@example.org", roles=["staff"])

    first = (await api.get(USERS, params={"per_page": 2, "sort": "email"})).json()
    second = (await api.get(USERS, params={"per_page": 2, "page": 2, "sort": "email"})).json()
    newest = (await api.get(USERS, params={"sort": "-id", "per_page": 1})).json()
    viewers = (await api.get(USERS, params={"role": "viewer"})).json()
    search = (await api.get(USERS, params={"q": "AL"})).json()

    assert first["total"] == 5  # four plus the administrator
    assert (first["page"], first["per_page"]) == (1, 2)
    assert [u["email"] for u in first["items"]] == ["admin@example.org", "alice@example.org"]
    assert [u["email"] for u in second["items"]] == ["bob@example.org", "carol@example.org"]
    assert newest["items"][0]["email"] == "dave@example.org"
    assert sorted(u["email"] for u in viewers["items"]) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    assert [u["email"] for u in search["items"]] == ["alice@example.org"]


async def test_list_filters_by_active_flag(api: httpx.AsyncClient) -> None:
    gone = await _create(api, email="gone@example.org", roles=["viewer"])
    await api.patch(f"{USERS}/{gone['id']}", json={"is_active": False})

    inactive = (await api.get(USERS, params={"is_active": "false"})).json()

    assert [u["email"] for u in inactive["items"]] == ["gone@example.org"]


async def test_search_treats_like_wildcards_literally(api: httpx.AsyncClient) -> None:
    await _create(api, email="percent@example.org", display_name="100% sure", roles=["viewer"])
    await _create(api, email="plain@example.org", display_name="100 sure", roles=["viewer"])

    found = (await api.get(USERS, params={"q": "100%"})).json()

    assert [u["email"] for u in found["items"]] == ["percent@example.org"]


async def test_update_fields(api: httpx.AsyncClient, dispatched: list[DomainEvent]) -> None:
    user = await _create(api, email="sam@example.org", roles=["staff"])

    response = await api.patch(
        f"{USERS}/{user['id']}",
        json={"display_name": "Sam Smith", "locale": "es", "roles": ["viewer"]},
    )

    assert response.status_code == 200
    updated = response.json()
    assert (updated["display_name"], updated["locale"], updated["roles"]) == (
        "Sam Smith",
        "es",
        ["viewer"],
    )
    entries = await audit.entries_for(entity_type="user", entity_id=user["id"])
    assert entries[0]["action"] == "update"
    assert entries[0]["before"]["roles"] == ["staff"]
    assert entries[0]["after"]["roles"] == ["viewer"]
    assert dispatched[-1].name == "user.updated"
    assert dispatched[-1].payload == {
        "user_id": user["id"],
        "fields": ["display_name", "locale", "roles"],
    }


async def test_empty_update_changes_nothing(api: httpx.AsyncClient) -> None:
    user = await _create(api, email="same@example.org", roles=["staff"])

    response = await api.patch(f"{USERS}/{user['id']}", json={})

    assert response.status_code == 200
    assert response.json() == user
    entries = await audit.entries_for(entity_type="user", entity_id=user["id"])
    assert [e["action"] for e in entries] == ["create"]


async def test_set_password_enforces_the_length_rules(api: httpx.AsyncClient) -> None:
    user = await _create(api, email="pw@example.org", roles=["staff"])

    short = await api.put(f"{USERS}/{user['id']}/password", json={"password": "short"})
    good = await api.put(f"{USERS}/{user['id']}/password", json={"password": "long enough now"})

    assert short.status_code == 422
    assert short.json()["errors"] == [
        {"field": "password", "message": "must be at least 10 characters"}
    ]
    assert good.status_code == 204
    assert (await api.get(f"{USERS}/{user['id']}")).json()["has_password"] is True
    entries = await audit.entries_for(entity_type="user", entity_id=user["id"])
    assert entries[0]["action"] == "set_password"
    assert entries[0]["after"] is None


async def test_the_last_user_manager_cannot_be_removed(
    api: httpx.AsyncClient, admin: TestUser
) -> None:
    deactivate = await api.patch(f"{USERS}/{admin.user_id}", json={"is_active": False})
    demote = await api.patch(f"{USERS}/{admin.user_id}", json={"roles": ["staff"]})

    assert deactivate.status_code == demote.status_code == 409
    assert "manage users" in deactivate.json()["detail"]
    still = (await api.get(f"{USERS}/{admin.user_id}")).json()
    assert still["is_active"] is True
    assert still["roles"] == ["admin"]

    other = await _create(api, email="second@example.org", roles=["admin"])
    assert (
        await api.patch(f"{USERS}/{admin.user_id}", json={"roles": ["staff"]})
    ).status_code == 200
    assert other["roles"] == ["admin"]


async def test_users_api_requires_users_manage(make_api_client: MakeClient) -> None:
    manager = await make_api_client(roles=["manager"])

    assert (await manager.get(USERS)).status_code == 403
    assert (await manager.post(USERS, json={"email": "x@example.org"})).status_code == 403
    assert (await manager.get(f"{USERS}/1")).status_code == 403


async def test_a_token_scoped_to_reading_constituents_cannot_use_the_users_api(
    make_api_client: MakeClient,
) -> None:
    scoped = await make_api_client(roles=["admin"], scopes=["constituents.read"])

    assert (await scoped.get(USERS)).status_code == 403
    assert (await scoped.post("/api/v1/roles", json={"name": "x", "label": "X"})).status_code == 403
    me = (await scoped.get("/api/v1/auth/me")).json()
    assert me["permissions"] == ["constituents.read"]


async def test_unknown_user_is_404(api: httpx.AsyncClient) -> None:
    assert (await api.get(f"{USERS}/999999")).status_code == 404
    assert (await api.patch(f"{USERS}/999999", json={"display_name": "x"})).status_code == 404
    response = await api.put(f"{USERS}/999999/password", json={"password": "long enough now"})
    assert response.status_code == 404


async def test_duplicate_email_is_409(api: httpx.AsyncClient) -> None:
    await _create(api, email="twice@example.org")
    response = await api.post(USERS, json={"email": "TWICE@example.org"})
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "not an email"}, "email", "not a valid email address"),
        ({"email": "a@example.org", "admin": True}, "admin", "xtra"),
        ({"email": "a@example.org", "display_name": "x" * 201}, "display_name", "at most 200"),
        ({"email": "a@example.org", "roles": ["wizard"]}, "roles", "unknown role(s): wizard"),
        ({"email": "a@example.org", "password": "short"}, "password", "at least 10"),
        ({"email": "a@example.org", "password": "x" * 1025}, "password", "at most 1024"),
        ({"email": "a@example.org", "roles": ["staff"] * 21}, "roles", "at most 20"),
        ({}, "email", "required"),
    ],
)
async def test_bad_create_input_is_422_with_a_clear_message(
    api: httpx.AsyncClient, body: dict[str, Any], field: str, message: str
) -> None:
    response = await api.post(USERS, json=body)

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(field in e["field"] and message in e["message"] for e in errors), errors


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"locale": "fr"}, "locale"),
        ({"is_active": "maybe"}, "is_active"),
        ({"roles": ["nobody"]}, "roles"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"email": "change@example.org"}, "email"),
    ],
)
async def test_bad_update_input_is_422(
    api: httpx.AsyncClient, admin: TestUser, body: dict[str, Any], field: str
) -> None:
    response = await api.patch(f"{USERS}/{admin.user_id}", json=body)

    assert response.status_code == 422, response.text
    assert any(field in e["field"] for e in response.json()["errors"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 201}, "per_page"),
        ({"page": 0}, "page"),
        ({"sort": "password_hash"}, "sort"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_bad_list_parameters_are_422(
    api: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await api.get(USERS, params=params)

    assert response.status_code == 422, response.text
    assert any(field in e["field"] for e in response.json()["errors"])


async def test_out_of_range_ids_are_4xx_not_500(api: httpx.AsyncClient) -> None:
    for path in (f"{USERS}/99999999999999999999", f"{USERS}/0", f"{USERS}/-1"):
        response = await api.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
