"""A substring index of phone digits on SQLite, for searching part of a number.

SQLite: an external-content FTS5 table with the ``trigram`` tokenizer over
``core_phone.digits``, kept in step by triggers on ``core_phone`` (so every writer, the
bulk importer, merges and erasure included, keeps it current), filled from the phones that
already exist. Searching "234567" then reads the index instead of scanning every phone
with ``LIKE '%234567%'``.

PostgreSQL: nothing to do; ``core_search_phone_trgm`` (a trigram GIN index on the same
column, created by the first search migration) already serves that ``LIKE``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "phone digit substrings: an FTS5 trigram index on SQLite"

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE core_phone_digits_fts USING fts5("
    "digits, content='core_phone', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER core_phone_digits_fts_insert AFTER INSERT ON core_phone BEGIN "
    "INSERT INTO core_phone_digits_fts (rowid, digits) VALUES (new.id, new.digits); "
    "END",
    "CREATE TRIGGER core_phone_digits_fts_delete AFTER DELETE ON core_phone BEGIN "
    "INSERT INTO core_phone_digits_fts (core_phone_digits_fts, rowid, digits) "
    "VALUES ('delete', old.id, old.digits); "
    "END",
    "CREATE TRIGGER core_phone_digits_fts_update AFTER UPDATE OF digits ON core_phone BEGIN "
    "INSERT INTO core_phone_digits_fts (core_phone_digits_fts, rowid, digits) "
    "VALUES ('delete', old.id, old.digits); "
    "INSERT INTO core_phone_digits_fts (rowid, digits) VALUES (new.id, new.digits); "
    "END",
    # Phones that existed before this migration.
    "INSERT INTO core_phone_digits_fts (core_phone_digits_fts) VALUES ('rebuild')",
]

SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS core_phone_digits_fts_update",
    "DROP TRIGGER IF EXISTS core_phone_digits_fts_delete",
    "DROP TRIGGER IF EXISTS core_phone_digits_fts_insert",
    "DROP TABLE IF EXISTS core_phone_digits_fts",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core_search", description=DESCRIPTION)

    async def create_phone_index():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            for statement in SQLITE_FORWARDS:
                await engine.run_ddl(statement)

    async def drop_phone_index():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            for statement in SQLITE_BACKWARDS:
                await engine.run_ddl(statement)

    manager.add_raw(create_phone_index)
    manager.add_raw_backwards(drop_phone_index)
    return manager
