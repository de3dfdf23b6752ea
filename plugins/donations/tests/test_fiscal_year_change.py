"""Moving the fiscal-year start re-derives stored gift fiscal years and the rollups."""

from __future__ import annotations

from datetime import date

from core import db
from core.jobs.execution import run_one
from core.plugins.registry import PluginRegistry
from core.system.org_settings import current_org_settings, save_org_settings
from plugins.donations import fiscal, gifts
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory


async def _years() -> list[tuple[str, int]]:
    sql = "SELECT gift_date, fiscal_year FROM donations_gift ORDER BY gift_date"
    rows = await db.fetch_all(sql)
    return [(str(r["gift_date"])[:10], int(r["fiscal_year"])) for r in rows]


async def _change(registry: PluginRegistry, **changes: object) -> None:
    wanted = current_org_settings(registry.settings).model_dump() | changes
    await save_org_settings(registry.settings, wanted)


async def test_changing_the_fiscal_year_start_rederives_gifts(
    registry: PluginRegistry, person: PersonFactory
) -> None:
    donor = await person()
    for day in (date(2024, 3, 15), date(2024, 8, 1), date(2025, 1, 10)):
        await gifts.record_gift(
            GiftIn(donor_id=donor, amount_minor=1_000, currency="USD", gift_date=day)
        )
    # The fixture's organisation starts its fiscal year on 1 July.
    assert await _years() == [("2024-03-15", 2024), ("2024-08-01", 2025), ("2025-01-10", 2025)]
    await _change(registry, fiscal_year_start_month=1)
    queued = "SELECT COUNT(*) AS n FROM core_job WHERE name = {} AND status = 'queued'"
    assert await db.fetch_value(queued, fiscal.JOB) == 1
    outcome = await run_one("test-worker", registry=registry)
    assert outcome is not None
    assert outcome.outcome == "succeeded", outcome.error
    assert await _years() == [("2024-03-15", 2024), ("2024-08-01", 2024), ("2025-01-10", 2025)]
    by_year = await db.fetch_all(
        "SELECT fiscal_year, total_minor FROM donations_donor_year WHERE constituent_id = {} "
        "ORDER BY fiscal_year",
        donor,
    )
    assert [(int(r["fiscal_year"]), int(r["total_minor"])) for r in by_year] == [
        (2024, 2_000),
        (2025, 1_000),
    ]
    assert await fiscal.rederive_fiscal_years() == 0  # a second run changes nothing


async def test_other_setting_changes_queue_nothing(registry: PluginRegistry) -> None:
    await _change(registry, org_name="Friends of the Library")
    queued = "SELECT COUNT(*) AS n FROM core_job WHERE name = {}"
    assert await db.fetch_value(queued, fiscal.JOB) == 0
