"""Unique keys Piccolo's column options cannot express, and lookup indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T16:15:36:000000"
VERSION = "1.38.0"
DESCRIPTION = "volunteers unique sign-up per person and shift; hours per sign-up"

INDEXES = {
    "volunteers_signup_person_shift": "UNIQUE INDEX volunteers_signup_person_shift "
    "ON volunteers_signup (shift_id, constituent_id)",
    "volunteers_hours_signup": "UNIQUE INDEX volunteers_hours_signup "
    "ON volunteers_hours (signup_id)",
    "volunteers_signup_status": "INDEX volunteers_signup_status "
    "ON volunteers_signup (shift_id, status)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="volunteers", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for definition in INDEXES.values():
            await engine.run_ddl(f"CREATE {definition}")

    async def drop_indexes():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
