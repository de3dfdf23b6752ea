"""Unique keys Piccolo's column options cannot express (pairs and partial uniqueness)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T16:19:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "social unique keys: mention per source and URL, matches, handles, alerts"

UNIQUES = {
    "social_mention_source_external": "social_mention (source_id, external_id)",
    "social_mention_url": "social_mention (url) WHERE url IS NOT NULL",
    "social_mention_match_pair": "social_mention_match (mention_id, query_id)",
    "social_handle_key": "social_handle (platform, handle)",
    "social_spike_alert_key": "social_spike_alert (kind, window_start)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="social", description=DESCRIPTION)

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
