"""The search indexes follow every change, and the migration indexes rows that already exist."""

from __future__ import annotations

import contextlib
import io
from importlib import import_module

from core import db
from core.constituents.contacts import add_email
from core.constituents.service import create_constituent, update_constituent
from core.plugins.registry import PluginRegistry
from core.search.service import search_constituents

MIGRATION = "core.search.migrations.core_search_2026_11_22t12_30_00_000000"


async def names(query: str) -> list[str]:
    return [hit.display_name for hit in (await search_constituents(query)).items]


async def test_renames_and_new_emails_are_searchable_at_once(registry: PluginRegistry) -> None:
    made = await create_constituent(
        {"kind": "individual", "first_name": "Íñigo", "last_name": "Zubiría"}
    )
    assert await names("inigo zub") == ["Íñigo Zubiría"]
    await update_constituent(made.id, {"last_name": "Olaberría"})
    assert await names("zubiria") == []
    assert await names("olab") == ["Íñigo Olaberría"]
    await add_email(made.id, {"email": "inigo@example.eus"})
    hits = (await search_constituents("inigo@example.eus")).items
    assert [(h.id, h.match) for h in hits] == [(made.id, "email")]


async def test_hard_delete_leaves_no_stale_index_entry(registry: PluginRegistry) -> None:
    made = await create_constituent({"kind": "organisation", "organisation_name": "Ephemera"})
    await db.execute("DELETE FROM core_constituent WHERE id = {}", made.id)
    assert await names("ephem") == []
    again = await create_constituent({"kind": "organisation", "organisation_name": "Other"})
    assert await names("ephem") == []
    assert await names("other") == [again.display_name]


async def _run_migration(backwards: bool) -> None:
    manager = await import_module(MIGRATION).forwards()
    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo prints progress
        await manager.run(backwards=backwards)


async def test_migration_indexes_existing_rows_and_reverses(registry: PluginRegistry) -> None:
    await create_constituent({"kind": "individual", "first_name": "José", "last_name": "Núñez"})
    await _run_migration(backwards=True)
    if db.is_sqlite():
        leftovers = await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE name LIKE 'core_constituent_fts%' "
            "OR name = 'core_search_postcode_compact'"
        )
    else:
        leftovers = await db.fetch_all(
            "SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'core_search_%' "
            "UNION ALL SELECT proname FROM pg_proc WHERE proname = 'steward_unaccent'"
        )
    assert leftovers == []
    await _run_migration(backwards=False)
    assert await names("jose nunez") == ["José Núñez"]
