"""Spreadsheet exports as they come: encodings, delimiters, Spanish headers, dates, numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core import db
from core.constituents.custom_fields import define_custom_field
from core.dataio.importer import ImportOptions, import_constituents
from core.dataio.reader import ImportFileError
from core.plugins.registry import PluginRegistry
from core.search.service import search_constituents
from tests.core.dataio.conftest import constituent, count, write_csv


async def test_utf8_with_bom(registry: PluginRegistry, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bom.csv",
        "External ID,First Name,Last Name,Email\nX1,José,Núñez,JOSE@Example.org\n",
        bom=True,
    )
    report = await import_constituents(path)
    assert report.ok, report.errors
    assert (report.encoding, report.delimiter, report.created) == ("utf-8", ",", 1)
    row = await constituent("X1")
    assert (row["first_name"], row["last_name"]) == ("José", "Núñez")
    assert row["primary_email"] == "jose@example.org"


async def test_windows_1252_with_accents(registry: PluginRegistry, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "excel.csv",
        "first_name,last_name,city,address_line1,country\n"
        "Begoña,Ibáñez Muñoz,Logroño,Calle Ñandú 3,ES\n"
        "François,Lefèvre,Besançon,Rue de l'Église,FR\n",
        encoding="cp1252",
    )
    report = await import_constituents(path)
    assert report.ok, report.errors
    assert (report.encoding, report.created) == ("cp1252", 2)
    names = await db.fetch_all("SELECT display_name FROM core_constituent ORDER BY id")
    assert [n["display_name"] for n in names] == ["Begoña Ibáñez Muñoz", "François Lefèvre"]
    city = await db.fetch_value("SELECT city FROM core_address WHERE line1 = {}", "Calle Ñandú 3")
    assert city == "Logroño"
    # Search finds what the bulk insert wrote (the FTS triggers fire for executemany too).
    hits = await search_constituents("begona ibanez")
    assert [h.display_name for h in hits.items] == ["Begoña Ibáñez Muñoz"]


async def test_spanish_semicolons_day_first_and_decimal_commas(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    await define_custom_field({"key": "cuota", "label": "Cuota", "field_type": "number"})
    await define_custom_field({"key": "alta", "label": "Alta", "field_type": "date"})
    await define_custom_field({"key": "socio", "label": "Socio", "field_type": "boolean"})
    path = write_csv(
        tmp_path / "es.csv",
        "Id externo;Tipo;Nombre;Apellidos;Organización;Correo electrónico;Teléfono;"
        "Dirección;Código postal;Ciudad;País;Fecha de nacimiento;Etiquetas;"
        "cf:cuota;cf:alta;cf:socio\n"
        "E1;persona;María José;García López;;mj@example.es;911 23 45 67;"
        'Calle Mayor 5;28013;Madrid;España;31/12/1980;"Socia; Voluntaria";1.234,50;01/02/2020;sí\n'
        'E2;organización;;;Fundación Luz;info@luz.example;;;;;;;;"12,5";;no\n',
        encoding="cp1252",
    )
    report = await import_constituents(path, ImportOptions(locale="es"))
    assert report.ok, report.errors
    assert (report.delimiter, report.created) == (";", 2)
    person = await constituent("E1")
    assert person["kind"] == "individual"
    assert person["birth_date"] == date(1980, 12, 31)
    assert person["primary_phone"] == "+34911234567"  # read in the row's country, Spain
    assert person["primary_postcode"] == "28013"
    country = await db.fetch_value(
        "SELECT country FROM core_address WHERE constituent_id = {}", person["id"]
    )
    assert country == "ES"
    values = await db.fetch_all(
        "SELECT f.key, v.value FROM core_custom_value v JOIN core_custom_field f "
        "ON f.id = v.field_id WHERE v.constituent_id = {} ORDER BY f.key",
        person["id"],
    )
    assert {v["key"]: v["value"] for v in values} == {
        "alta": "2020-02-01",
        "cuota": "1234.5",
        "socio": "true",
    }
    tags = await db.fetch_all("SELECT name FROM core_tag ORDER BY name")
    assert [t["name"] for t in tags] == ["Socia", "Voluntaria"]
    org = await constituent("E2")
    assert (org["kind"], org["display_name"]) == ("organisation", "Fundación Luz")
    cuota = await db.fetch_value(
        "SELECT value FROM core_custom_value WHERE constituent_id = {}", org["id"]
    )
    assert cuota == "12.5"


async def test_english_dates_are_month_first(registry: PluginRegistry, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "en.csv",
        "external_id,first_name,birth_date\nA,Ann,12/31/1980\nB,Bob,1975-03-04\nC,Cy,31/12/1980\n",
    )
    report = await import_constituents(path, ImportOptions(locale="en"))
    assert (await constituent("A"))["birth_date"] == date(1980, 12, 31)
    assert (await constituent("B"))["birth_date"] == date(1975, 3, 4)
    assert [(e.line, e.column) for e in report.errors] == [(4, "birth_date")]
    assert "MM/DD/YYYY" in report.errors[0].message


async def test_forced_encoding_and_delimiter(registry: PluginRegistry, tmp_path: Path) -> None:
    # A comma inside the names would fool a sniffer; the options say what the file is.
    path = write_csv(
        tmp_path / "forced.csv",
        "last_name;first_name\nO'Neil, Jr;Seán\n",
        encoding="cp1252",
    )
    report = await import_constituents(path, ImportOptions(encoding="cp1252", delimiter=";"))
    assert report.ok, report.errors
    name = await db.fetch_value("SELECT display_name FROM core_constituent")
    assert name == "Seán O'Neil, Jr"


async def test_invalid_utf8_line_fails_alone(registry: PluginRegistry, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"first_name,last_name\nAna,Ruiz\nJos\xe9,Bad\nLuis,Mora\n")
    report = await import_constituents(path, ImportOptions(encoding="utf-8"))
    assert report.created == 2
    assert [e.line for e in report.errors] == [3]
    assert report.errors[0].message.startswith("not valid utf-8 text")


async def test_unknown_and_repeated_columns(registry: PluginRegistry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "extra.csv", "Nombre,Apellidos,Favourite colour\nAna,Ruiz,blue\n")
    report = await import_constituents(path)
    assert report.ok
    assert report.created == 1
    assert report.ignored_columns == ["Favourite colour"]
    twice = write_csv(tmp_path / "twice.csv", "first_name,Nombre\nAna,Ana\n")
    with pytest.raises(ImportFileError, match="both mean first_name"):
        await import_constituents(twice)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("colour,size\nblue,3\n", "no name column"),
        ("first_name,cf:nope\nAna,1\n", "no active custom field"),
    ],
)
async def test_unusable_files_are_refused_whole(
    registry: PluginRegistry, tmp_path: Path, content: str, message: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", content)
    with pytest.raises(ImportFileError, match=message):
        await import_constituents(path)
    assert await count("core_constituent") == 0
