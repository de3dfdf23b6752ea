"""Validating one CSV record into the values an import writes, reporting every problem.

This step checks each cell on its own (formats, lengths, codes). Whether the names are
enough depends on whether the row creates a constituent or updates one found by
``external_id``, so :mod:`core.dataio.planner` checks names once it knows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from core.constituents.custom_fields import canonical_value
from core.constituents.schemas import CustomFieldOut
from core.constituents.service import NAME_LIMITS
from core.dataio.columns import CUSTOM_PREFIX, HeaderMap
from core.dataio.values import (
    ImportLocale,
    parse_boolean,
    parse_country,
    parse_date,
    parse_kind,
    parse_number,
    parse_stage,
    split_tags,
    unescape_cell,
)
from core.errors import InvalidInputError
from core.validation import (
    clean_text,
    fold,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)

TEXT_LIMITS: dict[str, int] = {
    **NAME_LIMITS,
    "external_id": 100,
    "source": 60,
    "address_line1": 200,
    "address_line2": 200,
    "address_line3": 200,
    "city": 100,
    "region": 100,
    "tags": 2000,
}
MAX_NOTES = 10_000
MAX_TAG_NAME = 60
ADDRESS_COLUMNS = {
    "address_line1": "line1",
    "address_line2": "line2",
    "address_line3": "line3",
    "city": "city",
    "region": "region",
    "postcode": "postcode",
}


@dataclass
class ParsedRow:
    """One record's valid values (only cells that were filled in) and its problems."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    email: str | None = None
    phone: str | None = None
    address: dict[str, Any] = field(default_factory=dict)
    country: str | None = None
    tags: list[str] = field(default_factory=list)
    custom: dict[str, tuple[CustomFieldOut, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def external_id(self) -> str | None:
        """The row's external id, if it has one."""
        value = self.values.get("external_id")
        return str(value) if value else None


@dataclass(frozen=True)
class RowContext:
    """What every row is read against."""

    headers: HeaderMap
    locale: ImportLocale
    default_country: str
    custom_fields: dict[str, CustomFieldOut]
    today: date


def _clean_notes(value: str) -> str:
    # Free text keeps its line breaks; other control characters go (as the service does).
    text = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    if len(text) > MAX_NOTES:
        raise ValueError(f"must be at most {MAX_NOTES} characters")
    return text.strip()


def _message(exc: Exception) -> str:
    if isinstance(exc, InvalidInputError):
        return "; ".join(exc.errors.values())
    return str(exc)


def _cells(row: ParsedRow, cells: list[str], context: RowContext) -> dict[str, str]:
    """Canonical column → unescaped, non-empty cell text."""
    width = len(context.headers.headers)
    extra = [c for c in cells[width:] if c.strip()]
    if extra:
        row.errors["(row)"] = f"has {len(cells)} values but the header has {width} columns"
    found: dict[str, str] = {}
    for column, position in context.headers.positions.items():
        if position < len(cells) and cells[position].strip():
            found[column] = unescape_cell(cells[position])
    for key, position in context.headers.custom_positions.items():
        if position < len(cells) and cells[position].strip():
            found[CUSTOM_PREFIX + key] = unescape_cell(cells[position])
    return found


def _read_value(column: str, text: str, row: ParsedRow, context: RowContext) -> None:
    """Store one cell's valid value on ``row``; raise ValueError/InvalidInputError if not."""
    if column in TEXT_LIMITS:
        cleaned = clean_text(text, max_length=TEXT_LIMITS[column])
        if cleaned is None:
            return
        if column in ADDRESS_COLUMNS:
            row.address[ADDRESS_COLUMNS[column]] = cleaned
        elif column == "tags":
            row.tags = _tags(cleaned)
        else:
            row.values[column] = cleaned
    elif column == "kind":
        row.values["kind"] = parse_kind(text)
    elif column == "email":
        row.email = normalise_email(text.strip())
    elif column == "postcode":
        row.address["postcode"] = normalise_postcode(text)
    elif column == "country":
        row.country = parse_country(text)
    elif column == "birth_date":
        row.values["birth_date"] = _past_date(parse_date(text, context.locale), context.today)
    elif column == "lifecycle_stage":
        row.values["lifecycle_stage"] = parse_stage(text)
    elif column == "notes":
        row.values["notes"] = _clean_notes(text)
    elif column.startswith(CUSTOM_PREFIX):
        key = column[len(CUSTOM_PREFIX) :]
        custom = context.custom_fields[key]
        row.custom[key] = (custom, _custom_value(custom, text, context.locale))


def _past_date(day: date, today: date) -> date:
    if day > today:
        raise ValueError("must not be in the future")
    return day


def _tags(text: str) -> list[str]:
    names: dict[str, str] = {}
    for name in split_tags(text):
        if len(name) > MAX_TAG_NAME:
            raise ValueError(f"tag {name[:20]!r}… is longer than {MAX_TAG_NAME} characters")
        names.setdefault(fold(name), name)
    return list(names.values())


def _custom_value(custom: CustomFieldOut, text: str, locale: ImportLocale) -> str:
    raw: str = text.strip()
    if custom.field_type == "number":
        raw = parse_number(raw, locale)
    elif custom.field_type == "date":
        raw = parse_date(raw, locale).isoformat()
    elif custom.field_type == "boolean":
        raw = parse_boolean(raw)
    value = canonical_value(custom, raw, "value")
    if value is None:
        raise ValueError("is empty")
    return value


def _phone(text: str, row: ParsedRow, context: RowContext) -> str:
    # Numbers without +country are read in the row's own country when it has one.
    region = row.country if row.country in phonenumbers.SUPPORTED_REGIONS else None
    return normalise_phone(text.strip(), region or context.default_country)


def parse_row(line: int, cells: list[str], context: RowContext) -> ParsedRow:
    """Validate every filled-in cell of a record; problems are keyed by the file's header."""
    row = ParsedRow(line=line)
    found = _cells(row, cells, context)
    phone_text = found.pop("phone", None)
    for column, text in found.items():
        try:
            _read_value(column, text, row, context)
        except (ValueError, InvalidInputError) as exc:
            row.errors[context.headers.header_of(column)] = _message(exc)
    if phone_text is not None:
        try:
            row.phone = _phone(phone_text, row, context)
        except InvalidInputError as exc:
            row.errors[context.headers.header_of("phone")] = _message(exc)
    if row.country and row.address:
        row.address["country"] = row.country
    return row
