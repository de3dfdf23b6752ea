"""Unique keys Piccolo's column options cannot express (pairs and partial uniqueness)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T14:09:38:000000"
VERSION = "1.38.0"
DESCRIPTION = "donations unique keys: gift source/external id, rollups, receipts, webhook events"

UNIQUES = {
    "donations_gift_source_external": "donations_gift (source, external_id)",
    "donations_donor_total_pair": "donations_donor_total (constituent_id, currency)",
    "donations_donor_year_key": "donations_donor_year (constituent_id, currency, fiscal_year)",
    "donations_receipt_number": "donations_receipt (series, number)",
    "donations_webhook_event_key": "donations_webhook_event (provider, event_id)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="donations", description=DESCRIPTION)

    async def create_unique_indexes():
        engine = engine_finder()
        for name, target in UNIQUES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop_unique_indexes():
        engine = engine_finder()
        for name in UNIQUES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_unique_indexes)
    manager.add_raw_backwards(drop_unique_indexes)
    return manager
