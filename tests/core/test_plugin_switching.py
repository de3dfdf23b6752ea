"""Installed plugins can be switched off and on at runtime; their routes follow."""

from __future__ import annotations

import httpx


async def test_plugins_list_shows_first_party_plugins(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/plugins")
    assert response.status_code == 200
    states = {p["name"]: p["state"] for p in response.json()}
    for name in ("donations", "membership", "volunteers", "social"):
        assert states[name] == "enabled"
    assert states["constituents"] == "enabled"


async def test_disabling_a_plugin_makes_its_routes_404_until_reenabled(
    api: httpx.AsyncClient,
) -> None:
    assert (await api.get("/api/v1/donations/")).status_code == 200

    response = await api.post("/api/v1/plugins/donations/disable")
    assert response.status_code == 200
    assert response.json()["state"] == "disabled"
    assert (await api.get("/api/v1/donations/")).status_code == 404
    assert (await api.get("/api/v1/membership/")).status_code == 200

    response = await api.post("/api/v1/plugins/donations/enable")
    assert response.json()["state"] == "enabled"
    assert (await api.get("/api/v1/donations/")).status_code == 200


async def test_core_plugins_cannot_be_disabled(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/plugins/constituents/disable")
    assert response.status_code == 409
    assert "part of core" in response.json()["detail"]


async def test_unknown_plugin_is_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/plugins/nonesuch/disable")
    assert response.status_code == 404


async def test_switching_requires_permission(make_api_client) -> None:  # type: ignore[no-untyped-def]
    viewer = await make_api_client(roles=["viewer"])
    response = await viewer.post("/api/v1/plugins/donations/disable")
    assert response.status_code == 403


async def test_switching_is_audited(api: httpx.AsyncClient) -> None:
    await api.post("/api/v1/plugins/social/disable")
    response = await api.get("/api/v1/audit", params={"entity_type": "plugin"})
    entries = response.json()
    assert entries[0]["entity_id"] == "social"
    assert entries[0]["action"] == "disable"
    assert entries[0]["actor_kind"] == "token"
