"""Roles API (users.manage) and the permission catalogue."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core import audit, hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.state import set_plugin_enabled
from core.plugins.types import Permission
from core.testing import TestUser
from tests.core.auth.conftest import sign_in

ROLES = "/api/v1/roles"


async def test_builtin_roles_are_listed(api: httpx.AsyncClient) -> None:
    page = (await api.get(ROLES)).json()

    names = [r["name"] for r in page["items"]]
    assert names == sorted(names)
    assert {"admin", "manager", "staff", "viewer"} <= set(names)
    admin = next(r for r in page["items"] if r["name"] == "admin")
    assert admin["permissions"] == ["*"]
    assert admin["builtin"] is True
    assert admin["user_count"] == 1
    assert page["total"] == len(names)
    assert (page["page"], page["per_page"]) == (1, 50)


async def test_create_update_and_delete_a_role(api: httpx.AsyncClient) -> None:
    created = await api.post(
        ROLES,
        json={
            "name": "volunteer-lead",
            "label": "Volunteer lead",
            "permissions": ["constituents.read", "interactions.write", "constituents.read"],
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["permissions"] == ["constituents.read", "interactions.write"]
    assert created.json()["builtin"] is False

    updated = await api.patch(
        f"{ROLES}/volunteer-lead", json={"label": "Lead", "permissions": ["constituents.read"]}
    )
    assert updated.status_code == 200
    assert updated.json()["label"] == "Lead"
    assert updated.json()["permissions"] == ["constituents.read"]
    assert (await api.get(f"{ROLES}/volunteer-lead")).json() == updated.json()

    deleted = await api.delete(f"{ROLES}/volunteer-lead")
    assert deleted.status_code == 204
    assert (await api.get(f"{ROLES}/volunteer-lead")).status_code == 404

    actions = [e["action"] for e in await audit.entries_for(entity_type="role")]
    assert actions == ["delete", "update", "create"]


async def test_role_edits_apply_to_members_at_once(
    api: httpx.AsyncClient, client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    await api.patch(f"{ROLES}/staff", json={"permissions": ["constituents.read"]})

    me = await client.get("/api/v1/auth/me", headers=session.headers(send_csrf=False))
    assert me.json()["permissions"] == ["constituents.read"]


async def test_deleting_a_role_revokes_its_members_sessions(
    api: httpx.AsyncClient, client: httpx.AsyncClient, staff: TestUser
) -> None:
    await api.post(ROLES, json={"name": "extra", "label": "Extra", "permissions": []})
    await api.patch(f"/api/v1/users/{staff.user_id}", json={"roles": ["staff", "extra"]})
    session = await sign_in(client, staff.email)

    assert (await api.delete(f"{ROLES}/extra")).status_code == 204

    me = await client.get("/api/v1/auth/me", headers=session.headers(send_csrf=False))
    assert me.status_code == 401
    user = (await api.get(f"/api/v1/users/{staff.user_id}")).json()
    assert user["roles"] == ["staff"]


async def test_builtin_roles_cannot_be_deleted(api: httpx.AsyncClient) -> None:
    for name in ("admin", "manager", "staff", "viewer"):
        response = await api.delete(f"{ROLES}/{name}")
        assert response.status_code == 409
        assert "built-in" in response.json()["detail"]


async def test_removing_the_last_user_manager_permission_is_refused(
    api: httpx.AsyncClient,
) -> None:
    response = await api.patch(f"{ROLES}/admin", json={"permissions": ["constituents.read"]})

    assert response.status_code == 409
    assert (await api.get(f"{ROLES}/admin")).json()["permissions"] == ["*"]


async def test_kept_permissions_need_not_be_declared_but_new_ones_must(
    api: httpx.AsyncClient,
) -> None:
    manager = (await api.get(f"{ROLES}/manager")).json()
    undeclared = "no.such.permission"

    relabelled = await api.patch(f"{ROLES}/manager", json={"label": "Managers"})
    adding = await api.patch(
        f"{ROLES}/manager", json={"permissions": [*manager["permissions"], undeclared]}
    )

    assert relabelled.status_code == 200
    assert relabelled.json()["permissions"] == manager["permissions"]
    assert adding.status_code == 422
    assert adding.json()["errors"] == [
        {"field": "permissions", "message": f"unknown permission(s): {undeclared}"}
    ]


async def test_duplicate_role_is_409(api: httpx.AsyncClient) -> None:
    response = await api.post(ROLES, json={"name": "staff", "label": "Again"})
    assert response.status_code == 409


async def test_unknown_role_is_404(api: httpx.AsyncClient) -> None:
    assert (await api.get(f"{ROLES}/nonesuch")).status_code == 404
    assert (await api.patch(f"{ROLES}/nonesuch", json={"label": "x"})).status_code == 404
    assert (await api.delete(f"{ROLES}/nonesuch")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "ok", "label": "X", "permissions": ["nope.nope"]}, "permissions", "unknown"),
        ({"name": "Bad Name", "label": "X"}, "name", "lower-case"),
        ({"name": "x" * 61, "label": "X"}, "name", "at most 60"),
        ({"name": "ok", "label": ""}, "label", "at least 1"),
        ({"name": "ok", "label": "X", "builtin": True}, "builtin", "xtra"),
        ({"name": "ok", "label": "X", "permissions": ["p" * 101]}, "permissions", "at most 100"),
    ],
)
async def test_bad_role_input_is_422(
    api: httpx.AsyncClient, body: dict[str, Any], field: str, message: str
) -> None:
    response = await api.post(ROLES, json=body)

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(field in e["field"] and message in e["message"] for e in errors), errors


async def test_permission_catalogue_lists_declared_permissions(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/permissions")

    assert response.status_code == 200
    names = [p["name"] for p in response.json()]
    assert names[0] == "*"
    assert {"users.manage", "plugins.manage", "audit.read"} <= set(names)


class GrantsPlugin:
    """A plugin that declares one permission."""

    @hookimpl
    def steward_permissions(self) -> list[Permission]:
        """The permission under test."""
        return [Permission("grants.review", "Review grant applications")]


async def test_plugin_permissions_are_grantable_only_while_the_plugin_is_on(
    api: httpx.AsyncClient, registry: PluginRegistry
) -> None:
    body = {"name": "grants", "label": "Grants", "permissions": ["grants.review"]}
    assert (await api.post(ROLES, json=body)).status_code == 422

    registry.add_plugin(
        PluginInfo(name="grants", version="1.0", label="Grants", hooks=__name__), GrantsPlugin()
    )
    catalogue = {p["name"] for p in (await api.get("/api/v1/permissions")).json()}
    assert "grants.review" in catalogue
    assert (await api.post(ROLES, json=body)).status_code == 201

    await set_plugin_enabled("grants", False)
    registry.state.invalidate()
    other = {**body, "name": "grants-two"}
    assert (await api.post(ROLES, json=other)).status_code == 422
    # A role keeps what it already holds while the plugin is off.
    kept = await api.patch(f"{ROLES}/grants", json={"permissions": ["grants.review"]})
    assert kept.status_code == 200
