"""Fixtures for the volunteers tests: an organisation in Madrid (with daylight saving)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

import pytest

from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.settings import Settings
from core.testing import base_settings
from plugins.volunteers import shifts
from plugins.volunteers.models import OpportunityIn, ShiftIn

PersonFactory: TypeAlias = Callable[..., Awaitable[int]]
ShiftFactory: TypeAlias = Callable[..., Awaitable[int]]
ORG_ZONE = "Europe/Madrid"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Madrid time, euros, reminders 24 hours ahead."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        default_currency="EUR",
        plugin_settings={"volunteers": {"reminder_hours_before": 24}},
    )


@pytest.fixture
def person(registry: object) -> PersonFactory:
    """Factory: ``await person("Lovelace")`` creates an individual with an email address."""
    counter = iter(range(1, 10_000))

    async def make(last_name: str = "Volunteer", email: bool = True, **extra: object) -> int:
        n = next(counter)
        data = ConstituentIn.model_validate(
            {
                "kind": "individual",
                "first_name": "Ada",
                "last_name": last_name,
                "emails": [{"email": f"vol{n}.{last_name.lower()}@example.org"}] if email else [],
                **extra,
            }
        )
        return (await create_constituent(data)).id

    return make


@pytest.fixture
async def opportunity(registry: object) -> int:
    """A food bank opportunity."""
    made = await shifts.create_opportunity(
        OpportunityIn(title="Food bank", location="Calle Mayor 1", required_skills=["driving"])
    )
    return made.id


@pytest.fixture
def shift(opportunity: int) -> ShiftFactory:
    """Factory: ``await shift(capacity=10)`` makes a 3-hour shift starting in ``days`` days."""

    async def make(capacity: int = 10, days: float = 3, hours: float = 3) -> int:
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
        made = await shifts.create_shift(
            ShiftIn(
                opportunity_id=opportunity,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                capacity=capacity,
            )
        )
        return made.id

    return make
