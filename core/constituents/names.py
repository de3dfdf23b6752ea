"""Computed names of constituents: display name, sort name, informal and greeting names.

The stored columns ``display_name``, ``sort_name`` and ``search_text`` are derived from the
name parts on every change (the service calls :func:`computed_names` and
:func:`build_search_text`); nothing else writes them.

* Individuals: ``display_name`` is the formal full name ("Dr. María José García López Jr."),
  ``sort_name`` is "García López, María José"; :func:`informal_name` uses the preferred name
  as the first name ("Pepa García López") and :func:`greeting_name` gives "Pepa".
* Organisations: ``organisation_name`` for both; the sort name drops a leading "The ".
* Households: ``household_name``, or "The García Household" derived from ``last_name``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from core.errors import InvalidInputError
from core.validation import fold

KINDS: tuple[str, ...] = ("individual", "organisation", "household")

# Which name parts each kind may carry; the others must stay empty.
NAME_FIELDS: dict[str, frozenset[str]] = {
    "individual": frozenset(
        {"prefix", "first_name", "middle_name", "last_name", "suffix", "preferred_name"}
    ),
    "organisation": frozenset({"organisation_name"}),
    "household": frozenset({"household_name", "last_name"}),
}


@dataclass(frozen=True)
class NameParts:
    """The name columns of one constituent, as stored (already cleaned)."""

    kind: str
    prefix: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    preferred_name: str | None = None
    organisation_name: str | None = None
    household_name: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> NameParts:
        """Take the name columns out of a ``core_constituent`` row (other keys are ignored)."""
        parts = {f.name: row.get(f.name) for f in fields(cls) if f.name != "kind"}
        return cls(str(row["kind"]), **parts)

    def all_parts(self) -> list[str]:
        """Every non-empty name part, in column order."""
        values = [getattr(self, f.name) for f in fields(self) if f.name != "kind"]
        return [v for v in values if v]


@dataclass(frozen=True)
class ComputedNames:
    """The stored, derived name columns."""

    display_name: str
    sort_name: str


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _without_leading_article(name: str) -> str:
    # "The Red Cross" files under R; a name that is only "The" stays as it is.
    if name[:4].casefold() == "the " and name[4:].strip():
        return name[4:].strip()
    return name


def validate_name_parts(parts: NameParts) -> None:
    """Raise :class:`InvalidInputError`, keyed by field, if the parts do not fit the kind."""
    if parts.kind not in KINDS:
        raise InvalidInputError({"kind": f"must be one of {', '.join(KINDS)}"})
    allowed = NAME_FIELDS[parts.kind]
    errors: dict[str, str] = {}
    for f in fields(parts):
        if f.name != "kind" and f.name not in allowed and getattr(parts, f.name):
            errors[f.name] = f"does not apply to a constituent of kind {parts.kind!r}"
    if parts.kind == "individual" and not (parts.first_name or parts.last_name):
        message = "an individual needs a first name or a last name"
        errors["first_name"] = message
        errors["last_name"] = message
    elif parts.kind == "organisation" and not parts.organisation_name:
        errors["organisation_name"] = "an organisation needs a name"
    elif parts.kind == "household" and not (parts.household_name or parts.last_name):
        errors["household_name"] = "a household needs a household name or a last name"
    if errors:
        raise InvalidInputError(errors)


def formal_name(parts: NameParts) -> str:
    """The full formal name: "Dr. María José García López Jr." for an individual."""
    if parts.kind == "individual":
        return _join(
            parts.prefix, parts.first_name, parts.middle_name, parts.last_name, parts.suffix
        )
    if parts.kind == "organisation":
        return parts.organisation_name or ""
    if parts.household_name:
        return parts.household_name
    return f"The {parts.last_name} Household" if parts.last_name else ""


def informal_name(parts: NameParts) -> str:
    """The everyday name, preferred name first: "Pepa García López"."""
    if parts.kind != "individual":
        return formal_name(parts)
    return _join(parts.preferred_name or parts.first_name, parts.last_name)


def greeting_name(parts: NameParts) -> str:
    """The name for "Dear …": the preferred or first name, else "Dr. García"."""
    if parts.kind != "individual":
        return formal_name(parts)
    if parts.preferred_name or parts.first_name:
        return parts.preferred_name or parts.first_name or ""
    return _join(parts.prefix, parts.last_name)


def sort_name(parts: NameParts) -> str:
    """The name lists sort by: "García López, María José"; "Red Cross" for "The Red Cross"."""
    if parts.kind == "individual":
        given = _join(parts.first_name, parts.middle_name)
        if parts.last_name and given:
            return f"{parts.last_name}, {given}"
        return parts.last_name or given
    return _without_leading_article(formal_name(parts))


def computed_names(parts: NameParts) -> ComputedNames:
    """Validate the parts and compute the stored display and sort names."""
    validate_name_parts(parts)
    return ComputedNames(display_name=formal_name(parts), sort_name=sort_name(parts))


def build_search_text(
    parts: NameParts,
    emails: Iterable[str | None] = (),
    postcodes: Iterable[str | None] = (),
) -> str:
    """The folded text that list filters and search match against.

    Holds every name part, the derived household name, every email address and every
    postcode (also without its spaces, so "sw1a1aa" finds "SW1A 1AA"). Accent- and
    case-insensitive through :func:`core.validation.fold`.
    """
    pieces: list[str] = [*parts.all_parts()]
    if parts.kind == "household" and not parts.household_name:
        pieces.append(formal_name(parts))
    pieces.extend(e for e in emails if e)
    for postcode in postcodes:
        if postcode:
            pieces.append(postcode)
            if " " in postcode:
                pieces.append(postcode.replace(" ", ""))
    seen: dict[str, None] = {}
    for piece in pieces:
        folded = fold(piece)
        if folded:
            seen.setdefault(folded, None)
    return " ".join(seen)
