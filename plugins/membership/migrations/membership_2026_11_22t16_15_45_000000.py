"""Unique keys Piccolo's column options cannot express, and the default status rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T16:15:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "membership unique keys and default status rules"

# position, status, label, lifecycle, anchor, from_days, until_days, counts_as_member
DEFAULT_RULES = [
    (10, "pending", "Pending payment", "pending", "start", None, None, False),
    (20, "cancelled", "Cancelled", "cancelled", "start", None, None, False),
    (30, "pending", "Not started yet", "active", "start", None, 0, False),
    (40, "expired", "Expired", "active", "grace_end", 0, None, False),
    (50, "grace", "In grace period", "active", "end", 0, None, True),
    (60, "new", "New member", "active", "join", 0, 90, True),
    (70, "current", "Current", "active", "start", 0, None, True),
]


def _sql(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"

UNIQUES = {
    "membership_associate_pair": "membership_associate (membership_id, constituent_id)",
    "membership_reminder_key": "membership_reminder (membership_id, kind, end_date, days)",
    "membership_membership_external": "membership_membership (source, external_id)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="membership", description=DESCRIPTION)

    async def create_unique_indexes():
        engine = engine_finder()
        for name, target in UNIQUES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")
        for rule in DEFAULT_RULES:
            await engine.run_ddl(
                "INSERT INTO membership_status_rule (position, status, label, lifecycle, "
                "anchor, from_days, until_days, counts_as_member) VALUES ("
                + ", ".join(_sql(v) for v in rule)
                + ")"
            )

    async def drop_unique_indexes():
        engine = engine_finder()
        await engine.run_ddl("DELETE FROM membership_status_rule")
        for name in UNIQUES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_unique_indexes)
    manager.add_raw_backwards(drop_unique_indexes)
    return manager
