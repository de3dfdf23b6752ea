"""Phone search: complete numbers by their exact digits, partial ones through the index."""

from __future__ import annotations

import contextlib
import io
from importlib import import_module
from pathlib import Path

from core import db
from core.constituents.contacts import add_phone, remove_phone, update_phone
from core.constituents.privacy import erase_personal_data
from core.dataio.importer import import_constituents
from core.plugins.registry import PluginRegistry
from core.search.query import parse_query
from core.search.service import search_constituents
from tests.core.search.conftest import person

PHONE_MIGRATION = "core.search.migrations.core_search_2026_11_23t09_00_00_000000"


async def found(query: str) -> list[tuple[int, str]]:
    return [(hit.id, hit.match) for hit in (await search_constituents(query)).items]


def test_a_complete_number_is_not_also_a_fragment() -> None:
    parsed = parse_query("+34 911 234 567", "ES")
    assert (parsed.exact_phone_digits, parsed.phone_fragment) == ("34911234567", None)
    parsed = parse_query("911 234", "ES")
    assert (parsed.exact_phone_digits, parsed.phone_fragment) == (None, "911234")


async def test_a_complete_number_finds_only_that_number(registry: PluginRegistry) -> None:
    madrid = await person("Ana", "Madrid", phones=[{"number": "+34 911 234 567"}])
    # Another country's number ending in the same national digits.
    await person("Bea", "Lisboa", phones=[{"number": "+351 911 234 567"}])
    assert await found("+34 911 234 567") == [(madrid, "phone")]
    assert await found("0034 911 234 567") == [(madrid, "phone")]
    assert len(await found("1234567")) == 2  # partial input still looks inside numbers


async def test_the_digit_index_follows_every_change(registry: PluginRegistry) -> None:
    made = await person("Íñigo", "Zubiría", phones=[{"number": "+34 944 123 456"}])
    assert await found("4123") == [(made, "phone_partial")]
    phone = await add_phone(made, {"number": "+34 955 777 888"})
    assert await found("5777") == [(made, "phone_partial")]
    await update_phone(made, phone.id, {"number": "+34 955 666 888"})
    assert await found("5777") == []
    assert await found("5666") == [(made, "phone_partial")]
    await remove_phone(made, phone.id)
    assert await found("5666") == []
    await erase_personal_data(made)  # deletes the phones; the anonymised record stays
    assert (await search_constituents("4123", include_deleted=True)).items == []


async def test_imported_phones_are_found_by_part(registry: PluginRegistry, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("first_name,last_name,phone\nRosa,Prado,+34 933 101 202\n", encoding="utf-8")
    report = await import_constituents(path)
    assert report.created == 1
    made = int(await db.fetch_value("SELECT id FROM core_constituent WHERE last_name = 'Prado'"))
    assert await found("3101 2") == [(made, "phone_partial")]


async def test_phone_index_migration_indexes_existing_rows_and_reverses(
    registry: PluginRegistry,
) -> None:
    made = await person("Rosa", "Prado", phones=[{"number": "+34 933 101 202"}])
    manager = await import_module(PHONE_MIGRATION).forwards()
    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo prints progress
        await manager.run(backwards=True)
    leftovers = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE name LIKE 'core_phone_digits_fts%'"
        if db.is_sqlite()
        else "SELECT indexname AS name FROM pg_indexes WHERE indexname = 'core_search_phone_trgm'"
    )
    # On PostgreSQL the trigram index belongs to the first search migration and stays.
    assert len(leftovers) == (0 if db.is_sqlite() else 1)
    manager = await import_module(PHONE_MIGRATION).forwards()
    with contextlib.redirect_stdout(io.StringIO()):
        await manager.run(backwards=False)
    assert await found("3101 2") == [(made, "phone_partial")]
