"""Indexes that Piccolo's column options cannot express.

Piccolo runs ``add_raw`` steps before it creates tables, so these live in their own migration
after the one that creates ``core_interaction``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T11:49:35:000000"
VERSION = "1.38.0"
DESCRIPTION = "interaction indexes: timeline order, open follow-ups, plugin idempotency key"

INDEXES = {
    # One constituent's timeline, newest first (the ORDER BY of every timeline page).
    "core_interaction_timeline": (
        "CREATE INDEX core_interaction_timeline "
        "ON core_interaction (constituent_id, occurred_at DESC, id DESC)"
    ),
    # Staff follow-up lists: by owner, open, by due date.
    "core_interaction_follow_ups": (
        "CREATE INDEX core_interaction_follow_ups "
        "ON core_interaction (owner_id, follow_up_status, follow_up_due)"
    ),
    # Idempotent plugin writes: one row per (plugin, external reference); NULLs never clash.
    "core_interaction_external_ref": (
        "CREATE UNIQUE INDEX core_interaction_external_ref "
        "ON core_interaction (source_plugin, external_ref)"
    ),
}


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core_interactions", description=DESCRIPTION
    )

    async def create_indexes():
        engine = engine_finder()
        for statement in INDEXES.values():
            await engine.run_ddl(statement)

    async def drop_indexes():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
