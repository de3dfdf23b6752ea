"""Fixtures for the membership tests: a UTC-6 organisation in US dollars, a settable today."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeAlias

import pytest

from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.settings import Settings
from core.testing import base_settings
from plugins.membership import common, levels
from plugins.membership.models import Level, LevelIn

PersonFactory: TypeAlias = Callable[..., Awaitable[int]]
LevelFactory: TypeAlias = Callable[..., Awaitable[Level]]
SetToday: TypeAlias = Callable[[date], None]
ORG_ZONE = "America/Mexico_City"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """UTC-6, US dollars, every installed plugin (donations included)."""
    return base_settings(database_url, time_zone=ORG_ZONE, default_currency="USD")


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> SetToday:
    """``today(date(2026, 3, 1))`` makes that the organisation's date (noon there)."""

    def set_today(day: date) -> None:
        instant = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)  # noon in UTC-6
        monkeypatch.setattr(common, "utc_now", lambda: instant)

    return set_today


@pytest.fixture
def person(registry: object) -> PersonFactory:
    """Factory: ``await person("Lovelace", email="ada@example.org")`` returns an id."""

    async def make(last_name: str = "Member", email: str | None = None) -> int:
        data = ConstituentIn.model_validate(
            {
                "kind": "individual",
                "first_name": "Ada",
                "last_name": last_name,
                "emails": [{"email": email, "is_primary": True}] if email else [],
            }
        )
        return (await create_constituent(data)).id

    return make


@pytest.fixture
def level(registry: object) -> LevelFactory:
    """Factory: ``await level("Gold", dues_minor=5000, ...)`` creates a level."""

    async def make(name: str = "Individual", **fields: object) -> Level:
        values: dict[str, object] = {"name": name, "dues_minor": 5000, "currency": "USD"}
        values.update(fields)
        return await levels.create_level(LevelIn.model_validate(values))

    return make
