"""The CSV columns the importer reads and the exporter writes, with their accepted headers.

Headers match case- and accent-insensitively, ignoring ``_``, ``-``, ``.`` and spaces
("First name", "first_name", "FIRST-NAME"); English and Spanish names are accepted.
Custom fields are columns named ``cf:<key>`` after the field's key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.validation import fold

CUSTOM_PREFIX = "cf:"

# Canonical column names, in the order the exporter writes them.
COLUMNS: tuple[str, ...] = (
    "external_id",
    "kind",
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "preferred_name",
    "organisation_name",
    "household_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "address_line3",
    "city",
    "region",
    "postcode",
    "country",
    "birth_date",
    "lifecycle_stage",
    "source",
    "notes",
    "tags",
)

ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external id",
        "externalid",
        "external ref",
        "id externo",
        "referencia externa",
    ),
    "kind": ("type", "constituent type", "tipo", "clase"),
    "prefix": ("title", "salutation", "tratamiento", "titulo", "prefijo"),
    "first_name": ("firstname", "given name", "forename", "nombre", "nombre de pila"),
    "middle_name": ("middlename", "middle names", "segundo nombre"),
    "last_name": ("lastname", "surname", "family name", "apellidos", "apellido"),
    "suffix": ("sufijo",),
    "preferred_name": ("nickname", "known as", "nombre preferido", "apodo"),
    "organisation_name": (
        "organisation",
        "organization",
        "organization name",
        "company",
        "company name",
        "organizacion",
        "nombre de la organizacion",
        "empresa",
        "entidad",
    ),
    "household_name": ("household", "hogar", "nombre del hogar", "familia"),
    "email": ("e mail", "email address", "mail", "correo", "correo electronico", "email1"),
    "phone": (
        "telephone",
        "phone number",
        "tel",
        "mobile",
        "telefono",
        "movil",
        "numero de telefono",
    ),
    "address_line1": (
        "address",
        "address 1",
        "address1",
        "street",
        "street address",
        "direccion",
        "direccion 1",
        "linea 1",
        "calle",
        "domicilio",
    ),
    "address_line2": ("address 2", "address2", "direccion 2", "linea 2"),
    "address_line3": ("address 3", "address3", "direccion 3", "linea 3"),
    "city": ("town", "ciudad", "localidad", "municipio", "poblacion"),
    "region": ("state", "county", "province", "provincia", "estado", "comunidad"),
    "postcode": (
        "postal code",
        "post code",
        "zip",
        "zip code",
        "zipcode",
        "codigo postal",
        "cp",
    ),
    "country": ("country code", "pais", "codigo de pais"),
    "birth_date": (
        "date of birth",
        "birthdate",
        "birthday",
        "dob",
        "fecha de nacimiento",
        "nacimiento",
    ),
    "lifecycle_stage": ("stage", "lifecycle", "etapa", "fase"),
    "source": ("origen", "fuente", "procedencia"),
    "notes": ("note", "comments", "notas", "observaciones", "comentarios"),
    "tags": ("tag", "labels", "etiquetas", "etiqueta"),
}

_SEPARATORS = re.compile(r"[\s_\-./]+")


def header_key(header: str) -> str:
    """The comparable form of a header: folded, without spaces or separators.

    "First name", "first_name", "FIRSTNAME" and "Address line 2"/"address_line2" all match.
    """
    return _SEPARATORS.sub("", fold(header.replace("\ufeff", "")))


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    _LOOKUP[header_key(_column)] = _column
    for _alias in ALIASES.get(_column, ()):
        _LOOKUP[header_key(_alias)] = _column


@dataclass
class HeaderMap:
    """Which file column (by position) feeds which canonical column or custom field."""

    positions: dict[str, int] = field(default_factory=dict)
    custom_positions: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def header_of(self, column: str) -> str:
        """The header the file used for a canonical column (for error messages)."""
        if column.startswith(CUSTOM_PREFIX):
            position = self.custom_positions.get(column[len(CUSTOM_PREFIX) :])
        else:
            position = self.positions.get(column)
        return self.headers[position] if position is not None else column


def map_headers(headers: Sequence[str]) -> HeaderMap:
    """Map a header row; unknown headers are ignored (listed), clashes are problems."""
    mapped = HeaderMap(headers=[h.replace("\ufeff", "").strip() for h in headers])
    for position, header in enumerate(mapped.headers):
        if not header:
            continue
        if header.lower().startswith(CUSTOM_PREFIX):
            key = header[len(CUSTOM_PREFIX) :].strip().lower()
            if key in mapped.custom_positions:
                mapped.problems.append(f"custom field column {header!r} appears twice")
            mapped.custom_positions[key] = position
            continue
        column = _LOOKUP.get(header_key(header))
        if column is None:
            mapped.ignored.append(header)
        elif column in mapped.positions:
            first = mapped.headers[mapped.positions[column]]
            mapped.problems.append(f"columns {first!r} and {header!r} both mean {column}")
        else:
            mapped.positions[column] = position
    names = {"first_name", "last_name", "organisation_name", "household_name"}
    # Without names a file can only update constituents it finds by external_id.
    if not (names | {"external_id"}) & set(mapped.positions) and not mapped.problems:
        mapped.problems.append(
            "no name column: the header needs first_name/last_name (nombre/apellidos), "
            "organisation_name (organización), household_name (hogar) or external_id"
        )
    return mapped
