"""Installed plugins can be switched off and on at runtime; their routes follow."""

from __future__ import annotations

import asyncio

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


async def test_cli_switch_reaches_a_running_app_through_the_state_table(
    api: httpx.AsyncClient,
    registry,
    settings,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from click.testing import CliRunner

    from core.cli import main

    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)

    async def steward(*args: str):  # type: ignore[no-untyped-def]
        # The CLI runs its own event loop, as it does in a terminal: give it a thread.
        return await asyncio.to_thread(CliRunner().invoke, main, list(args))

    result = await steward("plugins", "disable", "volunteers")
    assert result.exit_code == 0, result.output
    assert "volunteers: disabled" in result.output
    listed = await steward("plugins", "list")
    assert "volunteers" in listed.output
    assert "disabled" in listed.output

    registry.state.invalidate()  # what the two-second cache expiry does in a running server
    assert (await api.get("/api/v1/volunteers/")).status_code == 404
    await steward("plugins", "enable", "volunteers")
    registry.state.invalidate()
    assert (await api.get("/api/v1/volunteers/")).status_code == 200


async def test_state_cache_rereads_the_table_only_after_its_ttl(
    registry,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from core.plugins import state

    clock = [1000.0]
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    cache = state.PluginStateCache({"social"})
    await cache.refresh_if_stale()
    assert cache.is_enabled("social")
    await state.set_plugin_enabled("social", False)
    await cache.refresh_if_stale()
    assert cache.is_enabled("social"), "within the TTL the cached state is used"
    clock[0] += state.TTL_SECONDS + 0.1
    await cache.refresh_if_stale()
    assert not cache.is_enabled("social")
