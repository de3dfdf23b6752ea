"""The demo organisation is built through the real services, deterministically."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core import db
from core.demo.service import DEMO_ADMIN_EMAIL, build_demo, ensure_demo_admin, is_empty
from core.plugins.registry import PluginRegistry
from core.settings import Settings


async def test_demo_builds_people_households_timelines_and_consent(
    registry: PluginRegistry,
) -> None:
    assert await is_empty()
    await ensure_demo_admin()
    summary = await build_demo(registry, seed=11, size=25)
    assert summary.individuals == 25
    assert summary.organisations > 0
    assert summary.interactions >= 25

    people = await db.fetch_all(
        "SELECT display_name FROM core_constituent WHERE kind = {}", "individual"
    )
    assert len(people) == 25
    names = " ".join(p["display_name"] for p in people)
    assert any(ch in names for ch in "áéíóúñÁÉÍÓÚÑ"), "expected Spanish names with accents"
    assert await db.fetch_value("SELECT COUNT(*) AS n FROM core_interaction") >= 25
    assert await db.fetch_value("SELECT COUNT(*) AS n FROM core_consent") > 0
    audit_rows = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_audit_log WHERE entity_type = {}", "constituent"
    )
    assert audit_rows >= 25


async def test_demo_admin_password_is_reset_each_time(registry: PluginRegistry) -> None:
    from core.auth.passwords import verify_password

    email, first = await ensure_demo_admin()
    _, second = await ensure_demo_admin()
    assert email == DEMO_ADMIN_EMAIL
    assert first != second
    stored = await db.fetch_value("SELECT password_hash FROM core_user WHERE email = {}", email)
    assert verify_password(stored, second)
    assert not verify_password(stored, first)


def test_demo_commands(
    settings: Settings, registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.cli import main

    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)
    built = CliRunner().invoke(main, ["demo", "--size", "3", "--seed", "1"])
    assert built.exit_code == 0, built.output
    assert "Created 3 people" in built.output
    again = CliRunner().invoke(main, ["demo", "--if-empty"])
    assert "already present" in again.output
    login = CliRunner().invoke(main, ["demo-login"])
    assert login.exit_code == 0, login.output
    assert DEMO_ADMIN_EMAIL in login.output
    assert "Password:" in login.output
