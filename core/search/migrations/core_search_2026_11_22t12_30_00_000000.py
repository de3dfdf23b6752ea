"""Search indexes over core's constituent tables, different on each engine.

SQLite: an external-content FTS5 table over ``core_constituent.display_name`` and
``search_text`` (diacritics removed, prefix indexes for search-as-you-type) kept in step by
triggers, plus an expression index for postcodes typed without their space.

PostgreSQL: the ``unaccent`` and ``pg_trgm`` contrib extensions, an IMMUTABLE wrapper around
``unaccent`` (the extension's own function is only STABLE, so it cannot be used in indexes),
a GIN index on the ``simple`` tsvector of ``search_text`` (already folded by core), GIN
trigram indexes for substring matches (``LIKE '%…%'``) on ``search_text`` (the constituent
list's ``q`` filter) and on phone digits, and ``text_pattern_ops`` indexes for email and
postcode prefixes. The extensions need a role allowed to create them (a superuser,
the database owner on PostgreSQL 13+ for trusted extensions, or a DBA creating them first).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-22T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constituent search: FTS5 on SQLite; unaccent, pg_trgm and GIN indexes on PostgreSQL"

# Names are indexed besides the search text so that ranking can weigh them higher: "maria"
# finds María López by name before Ana García, whose email is maria@…
SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE core_constituent_fts USING fts5("
    "display_name, search_text, content='core_constituent', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    "CREATE TRIGGER core_constituent_fts_insert AFTER INSERT ON core_constituent BEGIN "
    "INSERT INTO core_constituent_fts (rowid, display_name, search_text) "
    "VALUES (new.id, new.display_name, new.search_text); "
    "END",
    "CREATE TRIGGER core_constituent_fts_delete AFTER DELETE ON core_constituent BEGIN "
    "INSERT INTO core_constituent_fts (core_constituent_fts, rowid, display_name, search_text) "
    "VALUES ('delete', old.id, old.display_name, old.search_text); "
    "END",
    "CREATE TRIGGER core_constituent_fts_update "
    "AFTER UPDATE OF display_name, search_text ON core_constituent BEGIN "
    "INSERT INTO core_constituent_fts (core_constituent_fts, rowid, display_name, search_text) "
    "VALUES ('delete', old.id, old.display_name, old.search_text); "
    "INSERT INTO core_constituent_fts (rowid, display_name, search_text) "
    "VALUES (new.id, new.display_name, new.search_text); "
    "END",
    # Rows that existed before this migration.
    "INSERT INTO core_constituent_fts (core_constituent_fts) VALUES ('rebuild')",
    "CREATE INDEX core_search_postcode_compact "
    "ON core_constituent (REPLACE(primary_postcode, ' ', ''))",
]

SQLITE_BACKWARDS = [
    "DROP INDEX IF EXISTS core_search_postcode_compact",
    "DROP TRIGGER IF EXISTS core_constituent_fts_update",
    "DROP TRIGGER IF EXISTS core_constituent_fts_delete",
    "DROP TRIGGER IF EXISTS core_constituent_fts_insert",
    "DROP TABLE IF EXISTS core_constituent_fts",
]


def postgres_forwards(unaccent_schema: str, trgm_schema: str) -> list[str]:
    """DDL naming the schemas the extensions live in, so no search_path is needed."""
    trgm_ops = f'"{trgm_schema}".gin_trgm_ops'
    return [
        "CREATE OR REPLACE FUNCTION steward_unaccent(value text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT \"{unaccent_schema}\".unaccent("
        f"'\"{unaccent_schema}\".unaccent'::regdictionary, value) $$",
        "CREATE INDEX core_search_constituent_tsv ON core_constituent "
        "USING GIN (to_tsvector('simple', search_text))",
        "CREATE INDEX core_search_constituent_trgm ON core_constituent "
        f"USING GIN (search_text {trgm_ops})",
        f"CREATE INDEX core_search_phone_trgm ON core_phone USING GIN (digits {trgm_ops})",
        "CREATE INDEX core_search_email_prefix ON core_email (email text_pattern_ops)",
        "CREATE INDEX core_search_postcode_prefix ON core_constituent "
        "((REPLACE(primary_postcode, ' ', '')) text_pattern_ops)",
    ]


POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS core_search_postcode_prefix",
    "DROP INDEX IF EXISTS core_search_email_prefix",
    "DROP INDEX IF EXISTS core_search_phone_trgm",
    "DROP INDEX IF EXISTS core_search_constituent_trgm",
    "DROP INDEX IF EXISTS core_search_constituent_tsv",
    "DROP FUNCTION IF EXISTS steward_unaccent(text)",
]


async def _extension_schema(engine, name):
    rows = await engine.run_querystring(
        QueryString(
            "SELECT n.nspname AS schema FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = {}",
            name,
        )
    )
    return rows[0]["schema"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core_search", description=DESCRIPTION)

    async def create_search_indexes():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            for statement in SQLITE_FORWARDS:
                await engine.run_ddl(statement)
            return
        await engine.run_ddl("CREATE EXTENSION IF NOT EXISTS unaccent")
        await engine.run_ddl("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        statements = postgres_forwards(
            await _extension_schema(engine, "unaccent"),
            await _extension_schema(engine, "pg_trgm"),
        )
        for statement in statements:
            await engine.run_ddl(statement)

    async def drop_search_indexes():
        engine = engine_finder()
        statements = SQLITE_BACKWARDS if engine.engine_type == "sqlite" else POSTGRES_BACKWARDS
        for statement in statements:
            await engine.run_ddl(statement)

    manager.add_raw(create_search_indexes)
    manager.add_raw_backwards(drop_search_indexes)
    return manager
