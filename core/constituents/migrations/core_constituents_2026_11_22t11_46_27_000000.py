"""Unique pairs that Piccolo's column options cannot express."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T11:46:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique pairs: constituent tags, custom values, emails"

PAIR_UNIQUES = [
    "CREATE UNIQUE INDEX core_constituent_tag_pair ON core_constituent_tag (constituent_id, tag_id)",
    "CREATE UNIQUE INDEX core_custom_value_pair ON core_custom_value (constituent_id, field_id)",
    "CREATE UNIQUE INDEX core_email_pair ON core_email (constituent_id, email)",
]



async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core_constituents", description=DESCRIPTION)

    async def create_unique_indexes():
        engine = engine_finder()
        for statement in PAIR_UNIQUES:
            await engine.run_ddl(statement)

    async def drop_unique_indexes():
        engine = engine_finder()
        for name in ("core_constituent_tag_pair", "core_custom_value_pair", "core_email_pair"):
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_unique_indexes)
    manager.add_raw_backwards(drop_unique_indexes)
    return manager
