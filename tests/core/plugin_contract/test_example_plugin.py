"""A third-party plugin extends every surface through the public hooks, without core changes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from litestar import Litestar
from pluggy import PluginValidationError

from core import db, hookimpl
from core.app import boot
from core.auth.principal import Principal
from core.events import emit, unit_of_work
from core.plugins.manifest import ManifestError, PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import DomainEvent
from core.settings import Settings
from core.testing import base_settings
from core.ui import (
    admin_nav,
    dashboard_cards,
    portal_widgets,
    profile_panels,
    reports,
    segment_filters,
    timeline_renderers,
)
from core.web.templates import build_jinja_env


async def new_constituent(first: str = "Ana", last: str = "Pérez") -> int:
    now = datetime.now(UTC)
    row = await db.fetch_one(
        "INSERT INTO core_constituent (kind, first_name, last_name, display_name, sort_name, "
        "search_text, lifecycle_stage, deceased, notes, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        "individual", first, last, f"{first} {last}", f"{last}, {first}",
        f"{first} {last}".lower(), "prospect", False, "", now, now,
    )  # fmt: skip
    assert row is not None
    return int(row["id"])


async def event_names() -> list[str]:
    rows = await db.fetch_all("SELECT name FROM example_event_log ORDER BY id")
    return [r["name"] for r in rows]


def test_discovered_through_its_entry_point_and_ordered_after_requirements(
    registry: PluginRegistry,
) -> None:
    names = [m.name for m in registry.manifests]
    assert registry.by_name["example"].version == "1.2.3"
    assert names.index("example") > names.index("interactions")
    assert registry.pm.get_plugin("example") is not None


def test_invalid_plugin_settings_name_the_setting(database_url: str) -> None:
    settings = base_settings(
        database_url, plugin_settings={"example": {"max_badges_per_person": 0}}
    )
    with pytest.raises(ManifestError, match=r"plugin_settings\.example\.max_badges_per_person"):
        boot(settings)


def test_plugin_settings_reach_the_plugin(database_url: str) -> None:
    settings = base_settings(database_url, plugin_settings={"example": {"badge_prefix": "★"}})
    loaded = boot(settings)
    config = loaded.plugin_config["example"]
    assert config is not None
    assert config.model_dump()["badge_prefix"] == "★"


def test_configure_hook_runs_at_boot(registry: PluginRegistry) -> None:
    from stewardship_example import service

    assert service.STATE["org_name"] == registry.settings.org_name
    implementations = registry.pm.hook.steward_configure.get_hookimpls()
    assert "example" in [registry.pm.get_name(i.plugin) for i in implementations]


def test_misspelled_hook_fails_at_boot(registry: PluginRegistry) -> None:
    class Misspelled:
        @hookimpl
        def steward_permisions(self) -> list[Any]:
            return []

    manifest = PluginInfo(name="misspelled", version="1", label="x", hooks="unused")
    with pytest.raises(PluginValidationError, match="steward_permisions"):
        registry.add_plugin(manifest, Misspelled())


async def test_api_route_interaction_and_event_listener(api: httpx.AsyncClient) -> None:
    person = await new_constituent()
    response = await api.post(
        "/api/v1/example/badges", json={"constituent_id": person, "label": "Founder"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["label"] == "Founder"

    listing = await api.get("/api/v1/example/badges")
    assert [b["label"] for b in listing.json()] == ["Founder"]
    assert "example.badge_awarded" in await event_names()
    timeline = await api.get(f"/api/v1/constituents/{person}/timeline")
    assert timeline.status_code == 200, timeline.text
    kinds = [item["interaction_type"] for item in timeline.json()["items"]]
    assert "example.badge_awarded" in kinds


async def test_bad_input_to_a_plugin_route_is_a_clear_4xx(api: httpx.AsyncClient) -> None:
    person = await new_constituent()
    for body in (
        {"constituent_id": person, "label": ""},
        {"constituent_id": person, "label": "x" * 51},
        {"constituent_id": person, "label": "ok", "extra": 1},
        {"constituent_id": 10**999, "label": "ok"},
    ):
        response = await api.post("/api/v1/example/badges", json=body)
        assert 400 <= response.status_code < 500, (body, response.text)
    missing = await api.post("/api/v1/example/badges", json={"constituent_id": 99999, "label": "x"})
    assert missing.status_code == 404


async def test_events_are_dispatched_after_commit_and_dropped_on_rollback(
    registry: PluginRegistry,
) -> None:
    async with unit_of_work():
        await emit("example.badge_awarded", {"badge_id": 1})
        assert await event_names() == []  # not before commit
    assert await event_names() == ["example.badge_awarded"]

    async def emit_then_fail() -> None:
        async with unit_of_work():
            await emit("example.badge_awarded", {"badge_id": 2})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await emit_then_fail()
    assert await event_names() == ["example.badge_awarded"]


async def test_undeclared_event_and_emit_outside_unit_of_work_are_errors(
    registry: PluginRegistry,
) -> None:
    from core.events import UnknownEventError

    with pytest.raises(RuntimeError, match="unit_of_work"):
        await emit("example.badge_awarded", {})
    with pytest.raises(UnknownEventError):
        async with unit_of_work():
            await emit("example.badge_misspelt", {})


async def test_a_failing_listener_never_breaks_the_others(registry: PluginRegistry) -> None:
    class Broken:
        @hookimpl
        def steward_on_event(self, event: DomainEvent) -> None:
            raise ValueError("listener bug")

    registry.add_plugin(PluginInfo(name="broken", version="1", label="x", hooks="-"), Broken())
    async with unit_of_work():
        await emit("example.badge_awarded", {"badge_id": 3})
    assert await event_names() == ["example.badge_awarded"]


async def test_switching_the_plugin_off_hides_routes_and_hooks_and_keeps_data(
    api: httpx.AsyncClient, registry: PluginRegistry
) -> None:
    person = await new_constituent()
    await api.post("/api/v1/example/badges", json={"constituent_id": person, "label": "Kept"})

    assert (await api.post("/api/v1/plugins/example/disable")).json()["state"] == "disabled"
    assert (await api.get("/api/v1/example/badges")).status_code == 404
    assert (await api.get("/admin/example/")).status_code == 404
    principal = Principal(1, "a@b.c", "A", frozenset({"*"}), via="token")
    assert "Badges" not in [item.label for item in await admin_nav(registry, principal)]
    async with unit_of_work():
        await emit("plugin.switched", {"plugin": "example", "enabled": False})
    assert "plugin.switched" not in await event_names()

    assert (await api.post("/api/v1/plugins/example/enable")).json()["state"] == "enabled"
    labels = [b["label"] for b in (await api.get("/api/v1/example/badges")).json()]
    assert labels == ["Kept"]


async def test_admin_page_uses_plugin_templates_and_jinja_filter(
    app: Litestar, client: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    signed_out = await client.get("/admin/example/")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/admin/login?next=/admin/example"
    person = await new_constituent()
    await api.post("/api/v1/example/badges", json={"constituent_id": person, "label": "<b>x</b>"})
    page = await api.get("/admin/example/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "🏅 &lt;b&gt;x&lt;/b&gt;" in page.text  # the filter ran and autoescape held


async def test_portal_routes_need_a_portal_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/portal/example/1")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/portal/login")


def test_template_override_folder_wins(registry: PluginRegistry, tmp_path: Any) -> None:
    (tmp_path / "example").mkdir()
    (tmp_path / "example" / "card.html").write_text("overridden {{ total }}")
    registry.settings = registry.settings.model_copy(
        update={"template_override_dir": str(tmp_path)}
    )
    env = build_jinja_env(registry)
    assert env.get_template("example/card.html").render(total=3) == "overridden 3"
    assert env.get_template("example/widget.html").render(count=2) == "<p>2</p>"


async def test_ui_slot_hooks_are_collected_sorted_and_filtered(registry: PluginRegistry) -> None:
    person = await new_constituent()
    from stewardship_example import service

    await service.award_badge(person, "Helper")

    viewer = Principal(2, "v@b.c", "V", frozenset({"constituents.read"}), via="token")
    nav = await admin_nav(registry, viewer)
    assert [i.label for i in nav if i.href.startswith("/admin/example")] == ["Badge help"]
    cards = await dashboard_cards(registry, user_id=7)
    card = next(c for c in cards if c.key == "example.total")
    assert card.context == {"total": 1, "viewer": 7}
    panels = await profile_panels(registry, constituent_id=person)
    assert next(p for p in panels if p.key == "example.badges").facts == {"Badges": "1"}
    assert (await timeline_renderers(registry))["example.badge_awarded"] == (
        "example/timeline_badge.html"
    )
    widgets = await portal_widgets(registry, constituent_id=person)
    assert next(w for w in widgets if w.key == "example.my_badges").context == {"count": 1}

    condition, args = (await segment_filters(registry))["example.has_badge"].sql("Helper")
    rows = await db.fetch_all(f"SELECT c.id FROM core_constituent c WHERE {condition}", *args)
    assert [r["id"] for r in rows] == [person]
    report = (await reports(registry))["example.badges_by_label"]
    assert [dict(r) for r in await report.build()] == [{"label": "Helper", "total": 1}]


async def test_boot_hooks_contribute_permissions_types_jobs_and_commands(
    registry: PluginRegistry,
) -> None:
    permissions = [p.name for p in await registry.collect("steward_permissions")]
    assert "example.badges.write" in permissions
    types = [t.key for t in await registry.collect("steward_interaction_types")]
    assert "example.badge_awarded" in types
    events = [e.name for e in await registry.collect("steward_event_types")]
    assert "example.badge_awarded" in events
    jobs = {j.name: j for j in await registry.collect("steward_jobs")}
    assert jobs["example.recount"].every_seconds == 3600
    assert await jobs["example.recount"].handler() == 0
    commands = [c.name for r in registry.call_each_sync("steward_cli_commands") for c in r.value]
    assert "example-count" in commands
    dirs = [p for r in registry.call_each_sync("steward_template_dirs") for p in r.value]
    assert any(str(p).endswith("stewardship_example/templates") for p in dirs)
    routes = [r.plugin for r in registry.call_each_sync("steward_api_routes")]
    assert "example" in routes
    assert "example" in [r.plugin for r in registry.call_each_sync("steward_admin_routes")]
    assert "example" in [r.plugin for r in registry.call_each_sync("steward_portal_routes")]


def test_plugin_cli_command_runs(
    settings: Settings, registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli import main

    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["example-count"])
    assert result.exit_code == 0, result.output
    assert "0 badge(s)" in result.output


def test_plugin_import_command_joins_steward_import(
    settings: Settings, registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.cli import main

    declared = [c.name for r in registry.call_each_sync("steward_import_commands") for c in r.value]
    assert "badges" in declared

    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)
    people = tmp_path / "people.csv"
    people.write_text("first_name,last_name\nGrace,Hopper\n", encoding="utf-8")
    runner = CliRunner()
    created = runner.invoke(main, ["import", "constituents", str(people)])
    assert created.exit_code == 0, created.output
    person_id = asyncio.run(_query_value(settings, "SELECT MAX(id) AS n FROM core_constituent"))
    badges = tmp_path / "badges.csv"
    badges.write_text(f"constituent_id,label\n{person_id},Pioneer\n999999,Ghost\n")
    result = runner.invoke(main, ["import", "badges", str(badges)])
    assert result.exit_code == 1, result.output
    assert "line 3: no constituent 999999" in result.output
    awarded = "SELECT COUNT(*) AS n FROM example_badge WHERE constituent_id = {}"
    assert asyncio.run(_query_value(settings, awarded.format(person_id))) == 1
    listing = runner.invoke(main, ["import", "--help"])
    assert "badges" in listing.output
    assert "constituents" in listing.output


async def _query_value(settings: Settings, sql: str) -> Any:
    boot(settings)
    await db.start_pool()
    try:
        return await db.fetch_value(sql)
    finally:
        await db.close_pool()


async def test_startup_and_shutdown_hooks_run(registry: PluginRegistry) -> None:
    from stewardship_example.hooks import lifecycle_calls

    from core.app import create_app
    from core.testing import _call_lifespan_hook

    lifecycle_calls.clear()
    application = create_app(registry=registry)
    for hook in application.on_startup:
        await _call_lifespan_hook(hook, application)
    assert [f"startup:{registry.settings.org_name}"] == lifecycle_calls
    for hook in application.on_shutdown:
        await _call_lifespan_hook(hook, application)
    assert lifecycle_calls[-1] == f"shutdown:{registry.settings.org_name}"
    await db.start_pool()  # the fixture closes it again


async def test_merge_export_erasure_and_demo_hooks(registry: PluginRegistry) -> None:
    from stewardship_example import service

    keep, merged = await new_constituent("Keep", "Me"), await new_constituent("Merge", "Me")
    await service.award_badge(merged, "Moved")
    async with unit_of_work():
        answers = await registry.call_each(
            "steward_constituent_merge", isolate=False, survivor_id=keep, merged_id=merged
        )
    assert [b["label"] for b in await service.badges(keep)] == ["Moved"]
    snapshots = {a.plugin: a.value for a in answers}
    async with unit_of_work():
        await registry.call_each(
            "steward_constituent_unmerge",
            isolate=False,
            survivor_id=keep,
            merged_id=merged,
            snapshots=snapshots,
        )
    assert [b["label"] for b in await service.badges(merged)] == ["Moved"]
    async with unit_of_work():
        await registry.call_each(
            "steward_constituent_merge", isolate=False, survivor_id=keep, merged_id=merged
        )

    sections = await registry.collect("steward_personal_data_export", constituent_id=keep)
    example = next(s for s in sections if s.plugin == "example")
    assert [r["label"] for r in example.records["badges"]] == ["Moved"]

    reports_ = await registry.collect("steward_personal_data_erasure", constituent_id=keep)
    assert next(r for r in reports_ if r.plugin == "example").erased == {"badges": 1}
    assert await service.badges(keep) == []

    fresh = await new_constituent("Demo", "Person")
    await registry.call_each("steward_demo_data", isolate=False, settings=registry.settings, seed=7)
    demo_labels = [b["label"] for b in await service.badges(fresh)]
    assert len(demo_labels) == 1
    assert demo_labels[0].startswith("Demo 7-")


async def test_collection_hooks_merge_plugins_and_sort_by_order(registry: PluginRegistry) -> None:
    person = await new_constituent()
    nav = await registry.collect("steward_admin_nav")
    assert [i.order for i in nav] == sorted(i.order for i in nav)
    labels = [i.label for i in nav]
    # order 1 sorts after core's Dashboard (order 0) and before every other entry
    assert labels[:2] == ["Dashboard", "Badge help"]
    for hook, kwargs, key in (
        ("steward_dashboard_cards", {"user_id": 1}, "example.total"),
        ("steward_profile_panels", {"constituent_id": person}, "example.badges"),
        ("steward_portal_widgets", {"constituent_id": person}, "example.my_badges"),
        ("steward_segment_filters", {}, "example.has_badge"),
        ("steward_reports", {}, "example.badges_by_label"),
    ):
        items = await registry.collect(hook, **kwargs)
        assert key in [item.key for item in items], hook
        assert [i.order for i in items] == sorted(i.order for i in items), hook
    renderers = await registry.collect("steward_timeline_renderers")
    assert "example.badge_awarded" in [r.interaction_type for r in renderers]


def test_jinja_env_hook_adds_filters(registry: PluginRegistry) -> None:
    from jinja2 import Environment

    env = Environment(autoescape=True)
    registry.call_each_sync("steward_jinja_env", env=env)
    assert env.from_string("{{ 'Gold' | badge_label }}").render() == "🏅 Gold"


async def test_shutdown_hook_is_called_for_active_plugins_only(
    api: httpx.AsyncClient, registry: PluginRegistry
) -> None:
    from stewardship_example.hooks import lifecycle_calls

    lifecycle_calls.clear()
    await registry.call_each("steward_shutdown", settings=registry.settings)
    assert lifecycle_calls == [f"shutdown:{registry.settings.org_name}"]
    await api.post("/api/v1/plugins/example/disable")
    await registry.call_each("steward_shutdown", settings=registry.settings)
    assert lifecycle_calls == [f"shutdown:{registry.settings.org_name}"]
