"""Reading single cell values the way spreadsheets write them, in English or Spanish.

Each function takes the cleaned cell text and returns the stored form, or raises
``ValueError`` with a message for the import report.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Literal

from babel import Locale as BabelLocale

from core.errors import InvalidInputError
from core.validation import fold, normalise_country

ImportLocale = Literal["en", "es"]

# The exporter's formula-injection guard: a leading apostrophe before one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")

KIND_WORDS: dict[str, str] = {
    "individual": "individual",
    "person": "individual",
    "persona": "individual",
    "individuo": "individual",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "company": "organisation",
    "organizacion": "organisation",
    "empresa": "organisation",
    "entidad": "organisation",
    "household": "household",
    "hogar": "household",
    "familia": "household",
}

STAGE_WORDS: dict[str, str] = {
    "prospect": "prospect",
    "prospecto": "prospect",
    "potencial": "prospect",
    "active": "active",
    "activo": "active",
    "lapsed": "lapsed",
    "inactivo": "lapsed",
    "former": "former",
    "antiguo": "former",
    "do not solicit": "do_not_solicit",
    "do_not_solicit": "do_not_solicit",
    "no solicitar": "do_not_solicit",
}

_BOOLEAN_WORDS: dict[str, str] = {
    **dict.fromkeys(("true", "yes", "y", "1", "si", "s", "verdadero", "x"), "true"),
    **dict.fromkeys(("false", "no", "n", "0", "falso"), "false"),
}


def unescape_cell(value: str) -> str:
    """Undo the exporter's formula guard: ``'=SUM(1)`` reads back as ``=SUM(1)``."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def parse_kind(value: str) -> str:
    """``individual``, ``organisation`` or ``household`` from English or Spanish words."""
    kind = KIND_WORDS.get(fold(value))
    if kind is None:
        raise ValueError(f"{value!r} is not a kind (individual, organisation, household)")
    return kind


def parse_stage(value: str) -> str:
    """A lifecycle stage key from its English or Spanish name."""
    stage = STAGE_WORDS.get(fold(value).replace("-", " "))
    if stage is None:
        raise ValueError(f"{value!r} is not a lifecycle stage ({', '.join(sorted(STAGE_WORDS))})")
    return stage


def parse_date(value: str, locale: ImportLocale) -> date:
    """ISO ``1980-12-31`` always; otherwise day first for ``es``, month first for ``en``."""
    text = value.strip()
    try:
        if match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if match := _NUMERIC_DATE.match(text):
            first, second, year = (int(g) for g in match.groups())
            day, month = (first, second) if locale == "es" else (second, first)
            return date(year, month, day)
    except ValueError:
        pass
    expected = "DD/MM/YYYY" if locale == "es" else "MM/DD/YYYY"
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD or {expected})")


def parse_number(value: str, locale: ImportLocale) -> str:
    """Plain decimal text (``1234.5``) from ``1,234.5`` (en) or ``1.234,5`` (es).

    For ``es`` a comma is the decimal mark; a dot is a thousands separator only when it
    groups digits by three ("1.234"), so exported plain numbers ("1234.5") still read back.
    """
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if locale == "es":
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS_DOT.match(text):
            text = text.replace(".", "")
    else:
        text = text.replace(",", "")
    return text


def parse_boolean(value: str) -> str:
    """``true`` or ``false`` from yes/no, sí/no, 1/0, true/false, verdadero/falso."""
    word = _BOOLEAN_WORDS.get(fold(value))
    if word is None:
        raise ValueError(f"{value!r} is not yes or no")
    return word


# Common names babel does not list.
_EXTRA_COUNTRY_NAMES = {"uk": "GB", "great britain": "GB", "usa": "US", "eeuu": "US", "ee uu": "US"}


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = dict(_EXTRA_COUNTRY_NAMES)
    for language in ("en", "es"):
        for code, name in BabelLocale(language).territories.items():
            if len(code) == 2 and code.isalpha() and _known_code(code):
                names.setdefault(fold(name), code.upper())
    return names


def _known_code(code: str) -> bool:
    try:
        return normalise_country(code) is not None
    except InvalidInputError:
        return False


def parse_country(value: str) -> str:
    """An ISO 3166 alpha-2 code from a code or an English or Spanish country name."""
    text = value.strip()
    if len(text) == 2 and _known_code(text):
        return text.upper()
    code = _country_names().get(fold(text).replace(".", ""))
    if code is None:
        raise ValueError(f"{value!r} is not a country (use an ISO code such as ES or GB)")
    return code


_TAG_SPLIT = re.compile(r"[|;,]")


def split_tags(value: str) -> list[str]:
    """Tag names from a cell: separated by ``|`` if it has one, else by ``,`` or ``;``."""
    parts = value.split("|") if "|" in value else _TAG_SPLIT.split(value)
    return [p.strip() for p in parts if p.strip()]
