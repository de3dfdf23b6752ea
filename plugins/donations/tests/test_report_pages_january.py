"""With fiscal years that are calendar years, the calendar basis reads the rollups too."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.testing import base_settings
from plugins.donations.reports import lapsed
from plugins.donations.reports.periods import Basis
from plugins.donations.tests.conftest import ORG_ZONE, PersonFactory
from plugins.donations.tests.test_report_pages import (
    assert_lybunt_matches,
    assert_retention_matches,
    generated_gifts,
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The donations fixture's organisation, with a fiscal year from 1 January."""
    return base_settings(
        database_url, time_zone=ORG_ZONE, fiscal_year_start_month=1, default_currency="USD"
    )


async def test_calendar_pages_equal_the_gift_reports(person: PersonFactory) -> None:
    await generated_gifts(person, seed=5)
    assert lapsed.reads_rollups("calendar")
    bases: tuple[Basis, ...] = ("calendar", "fiscal")
    for basis in bases:
        await assert_lybunt_matches(basis)
        await assert_retention_matches(basis)
