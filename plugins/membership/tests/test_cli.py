"""``steward import memberships FILE.csv`` through click, against the test's database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from core import db
from core.app import boot
from core.cli import main
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.context import SYSTEM, acting_as
from core.settings import Settings
from plugins.membership import levels
from plugins.membership.models import LevelIn


async def _prepare(settings: Settings) -> int:
    boot(settings)
    await db.start_pool()
    try:
        with acting_as(SYSTEM):
            await levels.create_level(LevelIn(name="Basic", dues_minor=2500, currency="USD"))
            person = await create_constituent(
                ConstituentIn(kind="individual", first_name="Ada", last_name="Cli")
            )
    finally:
        await db.close_pool()
    return person.id


async def _count(settings: Settings) -> int:
    boot(settings)
    await db.start_pool()
    try:
        return int(await db.fetch_value("SELECT COUNT(*) FROM membership_membership"))
    finally:
        await db.close_pool()


def test_import_command_reports_each_bad_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("STEWARD_CONFIG", "/nonexistent/steward.toml")
    member = asyncio.run(_prepare(settings))
    path = tmp_path / "members.csv"
    path.write_text(
        "member_id,level,join_date,external_id\n"
        f"{member},Basic,2025-01-10,x1\n"
        f"{member},Nope,2025-01-10,x2\n"
    )
    result = CliRunner().invoke(main, ["import", "memberships", str(path)])
    assert result.exit_code == 1, result.output
    assert "line 3: level: no level named 'Nope'" in result.stderr
    assert "1 of 2 row(s) imported, 1 rejected" in result.stdout
    assert asyncio.run(_count(settings)) == 1
