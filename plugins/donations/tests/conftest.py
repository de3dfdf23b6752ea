"""Fixtures for the donations tests: an organisation west of UTC with a July fiscal year."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias

import pytest

from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.settings import Settings
from core.testing import base_settings
from plugins.donations import structure

PersonFactory: TypeAlias = Callable[..., Awaitable[int]]
ORG_ZONE = "America/Mexico_City"  # UTC-6 all year (no daylight saving since 2022)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """UTC-6, fiscal year from 1 July, US dollars, a webhook secret for Stripe tests."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        fiscal_year_start_month=7,
        fiscal_year_start_day=1,
        default_currency="USD",
        plugin_settings={
            "donations": {"stripe_webhook_secret": "whsec_test_secret", "lapse_after_days": 30}
        },
    )


@pytest.fixture
def person(registry: object) -> PersonFactory:
    """Factory: ``await person("Lovelace")`` creates an individual and returns its id."""

    async def make(last_name: str = "Donor", kind: str = "individual") -> int:
        if kind == "individual":
            data = ConstituentIn(kind="individual", first_name="Ada", last_name=last_name)
        elif kind == "organisation":
            data = ConstituentIn(kind="organisation", organisation_name=last_name)
        else:
            data = ConstituentIn(kind="household", household_name=last_name)
        return (await create_constituent(data)).id

    return make


@pytest.fixture
async def fund(registry: object) -> int:
    """A general fund."""
    return (await structure.create_fund(structure.FundIn(code="GEN", name="General"))).id
