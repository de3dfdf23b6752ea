"""Cell values and headers as spreadsheets write them, in English and Spanish."""

from __future__ import annotations

from datetime import date

import pytest

from core.dataio.columns import map_headers
from core.dataio.reader import detect_encoding, sniff_delimiter
from core.dataio.values import (
    parse_boolean,
    parse_country,
    parse_date,
    parse_kind,
    parse_number,
    parse_stage,
    split_tags,
    unescape_cell,
)


def test_spanish_and_english_headers_map_to_columns() -> None:
    mapped = map_headers(
        ["\ufeffNombre", "APELLIDOS", "Correo electrónico", "Teléfono", "Código Postal",
         "País", "Fecha de nacimiento", "Etiquetas", "Id externo", "Organización",
         "address_line_2", "E-mail", "cf:Shoe_Size", "Notas internas"]
    )  # fmt: skip
    assert mapped.positions == {
        "first_name": 0,
        "last_name": 1,
        "email": 2,
        "phone": 3,
        "postcode": 4,
        "country": 5,
        "birth_date": 6,
        "tags": 7,
        "external_id": 8,
        "organisation_name": 9,
        "address_line2": 10,
    }
    assert mapped.problems == ["columns 'Correo electrónico' and 'E-mail' both mean email"]
    assert mapped.custom_positions == {"shoe_size": 12}
    assert mapped.ignored == ["Notas internas"]
    assert mapped.header_of("email") == "Correo electrónico"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("31/12/1980", "es", date(1980, 12, 31)),
        ("31-12-1980", "es", date(1980, 12, 31)),
        ("31.12.1980", "es", date(1980, 12, 31)),
        ("12/31/1980", "en", date(1980, 12, 31)),
        ("1980-12-31", "es", date(1980, 12, 31)),
        ("1980-12-31", "en", date(1980, 12, 31)),
        ("01/02/2020", "es", date(2020, 2, 1)),
        ("01/02/2020", "en", date(2020, 1, 2)),
    ],
)
def test_dates_by_locale(text: str, locale: str, expected: date) -> None:
    assert parse_date(text, locale) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["12/31/1980", "31/02/2020", "80-1-1", "yesterday", "1/1/80"])
def test_bad_spanish_dates(text: str) -> None:
    with pytest.raises(ValueError, match="DD/MM/YYYY"):
        parse_date(text, "es")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.234,50", "es", "1234.50"),
        ("12,5", "es", "12.5"),
        ("-0,75", "es", "-0.75"),
        ("1.234.567", "es", "1234567"),
        ("1234.5", "es", "1234.5"),
        ("1,234.50", "en", "1234.50"),
        ("12.5", "en", "12.5"),
        ("1 234,5", "es", "1234.5"),
    ],
)
def test_numbers_by_locale(text: str, locale: str, expected: str) -> None:
    assert parse_number(text, locale) == expected  # type: ignore[arg-type]


def test_words_in_both_languages() -> None:
    assert [parse_kind(w) for w in ("Persona", "ORGANIZACIÓN", "hogar", "company")] == [
        "individual",
        "organisation",
        "household",
        "organisation",
    ]
    assert [parse_stage(w) for w in ("Activo", "do not solicit", "Prospect")] == [
        "active",
        "do_not_solicit",
        "prospect",
    ]
    assert [parse_boolean(w) for w in ("Sí", "no", "TRUE", "0", "x")] == [
        "true",
        "false",
        "true",
        "false",
        "true",
    ]
    assert [
        parse_country(w) for w in ("es", "España", "Reino Unido", "UK", "EE.UU.", "France")
    ] == [
        "ES",
        "ES",
        "GB",
        "GB",
        "US",
        "FR",
    ]
    for bad, parse in (
        ("robot", parse_kind),
        ("maybe", parse_boolean),
        ("Atlantis", parse_country),
    ):
        with pytest.raises(ValueError, match="is not"):
            parse(bad)


def test_tags_and_formula_guard() -> None:
    assert split_tags("VIP | Friends, family |") == ["VIP", "Friends, family"]
    assert split_tags("vip, donor;  volunteer ") == ["vip", "donor", "volunteer"]
    assert unescape_cell("'=SUM(A1)") == "=SUM(A1)"
    assert unescape_cell("'+34911") == "+34911"
    assert unescape_cell("O'Neil") == "O'Neil"
    assert unescape_cell("'quoted'") == "'quoted'"


def test_encoding_and_delimiter_detection() -> None:
    assert detect_encoding("Núñez".encode(), "auto") == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfname", "auto") == "utf-8"
    assert detect_encoding("Núñez".encode("cp1252"), "auto") == "cp1252"
    # A multi-byte character cut at the end of the sniffed chunk is still UTF-8.
    assert detect_encoding("abc é".encode()[:-1], "auto") == "utf-8"
    assert detect_encoding(b"plain", "cp1252") == "cp1252"
    assert sniff_delimiter('nombre;apellidos;"calle, 1"', "auto") == ";"
    assert sniff_delimiter("a,b;c,d", "auto") == ","
    assert sniff_delimiter("a,b,c", ";") == ";"
