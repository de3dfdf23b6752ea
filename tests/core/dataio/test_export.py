"""CSV export: formula escaping, filters, BOM, and a round trip into a fresh database."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from core import db
from core.app import boot
from core.constituents.custom_fields import define_custom_field
from core.constituents.service import create_constituent, soft_delete_constituent
from core.constituents.tags import create_tag
from core.dataio.columns import COLUMNS
from core.dataio.exporter import ExportFilters, escape_cell, export_constituents
from core.dataio.importer import import_constituents
from core.errors import NotFoundError
from core.plugins.registry import PluginRegistry
from core.testing import base_settings
from tests.core.dataio.conftest import snapshot


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+34911234567", "'+34911234567"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (date(1980, 12, 31), "1980-12-31"),
    ],
)
def test_formula_escaping(value: object, cell: str) -> None:
    assert escape_cell(value) == cell


async def export_text(filters: ExportFilters | None = None) -> str:
    buffer = io.StringIO()
    await export_constituents(buffer, filters)
    return buffer.getvalue()


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


async def test_export_writes_the_import_columns(registry: PluginRegistry) -> None:
    await define_custom_field({"key": "shoe_size", "label": "Shoe size", "field_type": "number"})
    vip = await create_tag({"name": "VIP"})
    await create_constituent(
        {
            "kind": "individual",
            "first_name": '=HYPERLINK("http://evil")',
            "last_name": "Núñez",
            "external_id": "X1",
            "emails": [{"email": "jose@example.org"}],
            "phones": [{"number": "+34 911 234 567"}],
            "addresses": [{"line1": "@home", "postcode": "28001", "country": "ES"}],
            "tags": [vip.id],
            "custom_fields": {"shoe_size": "-4.5"},
        }
    )
    text = await export_text()
    assert text.startswith("external_id,kind,")
    assert "\r\n" in text
    rows = parse(text)
    assert list(rows[0]) == [*COLUMNS, "cf:shoe_size"]
    row = rows[0]
    assert row["first_name"] == '\'=HYPERLINK("http://evil")'
    assert row["phone"] == "'+34911234567"
    assert row["address_line1"] == "'@home"
    assert row["cf:shoe_size"] == "'-4.5"
    assert (row["email"], row["postcode"], row["country"], row["tags"]) == (
        "jose@example.org",
        "28001",
        "ES",
        "VIP",
    )


async def test_filters_bom_and_delimiter(registry: PluginRegistry) -> None:
    vip = await create_tag({"name": "Major Donor"})
    kept = await create_constituent({"kind": "individual", "last_name": "Kept", "tags": [vip.id]})
    await create_constituent({"kind": "individual", "last_name": "Other"})
    gone = await create_constituent({"kind": "individual", "last_name": "Gone", "tags": [vip.id]})
    await soft_delete_constituent(gone.id)
    names = [r["last_name"] for r in parse(await export_text())]
    assert sorted(names) == ["Kept", "Other"]
    tagged = parse(await export_text(ExportFilters(tag="major donor")))
    assert [r["last_name"] for r in tagged] == ["Kept"]
    both = parse(await export_text(ExportFilters(tag="MAJOR DONOR", include_deleted=True)))
    assert sorted(r["last_name"] for r in both) == ["Gone", "Kept"]
    assert kept.id
    excel = await export_text(ExportFilters(bom=True, delimiter=";"))
    assert excel.startswith("\ufeffexternal_id;kind;")
    with pytest.raises(NotFoundError):
        await export_text(ExportFilters(tag="no such tag"))


async def test_export_pages_through_everything(registry: PluginRegistry, tmp_path: Path) -> None:
    body = "\n".join(f"P{i},Person{i}" for i in range(2500))
    path = tmp_path / "many.csv"
    path.write_text("external_id,last_name\n" + body + "\n")
    await import_constituents(path)
    buffer = io.StringIO()
    assert await export_constituents(buffer) == 2500
    rows = parse(buffer.getvalue())
    assert len({r["external_id"] for r in rows}) == 2500


async def _populate() -> None:
    await define_custom_field({"key": "shoe_size", "label": "Shoe size", "field_type": "number"})
    await define_custom_field({"key": "joined", "label": "Joined", "field_type": "date"})
    await define_custom_field({"key": "member", "label": "Member", "field_type": "boolean"})
    await define_custom_field(
        {"key": "tier", "label": "Tier", "field_type": "choice", "choices": ["Gold", "Silver"]}
    )
    family = await create_tag({"name": "Friends, family"})
    vip = await create_tag({"name": "VIP"})
    await create_constituent(
        {
            "kind": "individual",
            "prefix": "Dr.",
            "first_name": "María José",
            "middle_name": "de la",
            "last_name": "García-López",
            "suffix": "Jr.",
            "preferred_name": "Pepa",
            "external_id": "RT-1",
            "lifecycle_stage": "active",
            "birth_date": "1980-12-31",
            "source": "gala 2024",
            "notes": 'Said "hola"; likes =cells\nand two lines',
            "emails": [{"email": "pepa@example.es"}],
            "phones": [{"number": "+34 911 234 567"}],
            "addresses": [
                {
                    "line1": "Calle Mayor, 5",
                    "line2": "3º izq.",
                    "city": "Madrid",
                    "region": "Madrid",
                    "postcode": "28013",
                    "country": "ES",
                }
            ],
            "tags": [family.id, vip.id],
            "custom_fields": {
                "shoe_size": "-37.5",
                "joined": "2020-02-01",
                "member": True,
                "tier": "Gold",
            },
        }
    )
    await create_constituent({"kind": "individual", "last_name": "Solo", "tags": [family.id]})
    await create_constituent(
        {"kind": "organisation", "organisation_name": "The Red Cross", "external_id": "RT-2"}
    )
    await create_constituent({"kind": "household", "last_name": "Smith", "external_id": "RT-3"})
    await create_constituent(
        {
            "kind": "individual",
            "first_name": "+Plus",
            "last_name": "@At",
            "emails": [{"email": "plus@example.org"}],
            "phones": [{"number": "+44 20 7946 0001"}],
            "addresses": [{"line1": "-1 Minus Lane", "postcode": "sw1a 1aa", "country": "GB"}],
        }
    )


async def test_round_trip_into_a_fresh_database(
    registry: PluginRegistry, second_database_url: str, tmp_path: Path
) -> None:
    await _populate()
    original = await snapshot()
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        assert await export_constituents(handle, ExportFilters(bom=True)) == 5
    await db.close_pool()
    boot(base_settings(second_database_url))
    await db.start_pool()
    for key, field_type in (("shoe_size", "number"), ("joined", "date"), ("member", "boolean")):
        await define_custom_field({"key": key, "label": key, "field_type": field_type})
    await define_custom_field(
        {"key": "tier", "label": "Tier", "field_type": "choice", "choices": ["Gold", "Silver"]}
    )
    report = await import_constituents(path)
    assert report.ok, report.errors
    assert report.created == 5
    assert await snapshot() == original
    # And the copy exports to the very same file.
    again = tmp_path / "again.csv"
    with again.open("w", encoding="utf-8", newline="") as handle:
        await export_constituents(handle, ExportFilters(bom=True))
    assert again.read_bytes() == path.read_bytes()
