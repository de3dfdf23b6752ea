"""Computed names: display, sort, informal and greeting names, search text, validation."""

from __future__ import annotations

import pytest

from core.constituents.names import (
    NameParts,
    build_search_text,
    computed_names,
    formal_name,
    greeting_name,
    informal_name,
    sort_name,
)
from core.errors import InvalidInputError

MARIA = NameParts(
    kind="individual",
    prefix="Dr.",
    first_name="María José",
    last_name="García López",
    suffix="Jr.",
    preferred_name="Pepa",
)


def test_individual_formal_display_and_sort_names() -> None:
    names = computed_names(MARIA)
    assert names.display_name == "Dr. María José García López Jr."
    assert names.sort_name == "García López, María José"


def test_individual_middle_name_goes_into_display_and_sort() -> None:
    parts = NameParts(kind="individual", first_name="Ada", middle_name="Augusta", last_name="King")
    assert formal_name(parts) == "Ada Augusta King"
    assert sort_name(parts) == "King, Ada Augusta"


def test_preferred_name_is_the_informal_first_name() -> None:
    assert informal_name(MARIA) == "Pepa García López"
    assert greeting_name(MARIA) == "Pepa"
    plain = NameParts(kind="individual", first_name="Ada", last_name="Lovelace")
    assert informal_name(plain) == "Ada Lovelace"
    assert greeting_name(plain) == "Ada"


def test_individual_with_only_one_name() -> None:
    only_last = NameParts(kind="individual", prefix="Dr.", last_name="García")
    assert computed_names(only_last).sort_name == "García"
    assert greeting_name(only_last) == "Dr. García"
    only_first = NameParts(kind="individual", first_name="Cher")
    assert computed_names(only_first).display_name == "Cher"
    assert sort_name(only_first) == "Cher"


def test_organisation_sort_name_ignores_leading_the() -> None:
    names = computed_names(NameParts(kind="organisation", organisation_name="The Red Cross"))
    assert names.display_name == "The Red Cross"
    assert names.sort_name == "Red Cross"
    theatre = computed_names(NameParts(kind="organisation", organisation_name="Theatre Royal"))
    assert theatre.sort_name == "Theatre Royal"


def test_household_name_given_or_derived() -> None:
    given = computed_names(NameParts(kind="household", household_name="The Smiths of Leeds"))
    assert given.display_name == "The Smiths of Leeds"
    assert given.sort_name == "Smiths of Leeds"
    derived = computed_names(NameParts(kind="household", last_name="García"))
    assert derived.display_name == "The García Household"
    assert derived.sort_name == "García Household"


@pytest.mark.parametrize(
    ("parts", "fields"),
    [
        (NameParts(kind="individual", prefix="Dr."), {"first_name", "last_name"}),
        (NameParts(kind="organisation"), {"organisation_name"}),
        (NameParts(kind="household"), {"household_name"}),
        (
            NameParts(kind="organisation", organisation_name="Acme", first_name="Ada"),
            {"first_name"},
        ),
        (NameParts(kind="robot", first_name="R2"), {"kind"}),
    ],
)
def test_missing_or_misplaced_names_are_refused_by_field(
    parts: NameParts, fields: set[str]
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        computed_names(parts)
    assert set(caught.value.errors) == fields
    assert all(caught.value.errors.values())


def test_search_text_folds_names_emails_and_postcodes() -> None:
    text = build_search_text(MARIA, ["Maria@Example.org"], ["SW1A 1AA"])
    for word in ("dr.", "maria jose", "garcia lopez", "jr.", "pepa", "maria@example.org"):
        assert word in text
    assert "sw1a 1aa" in text
    assert "sw1a1aa" in text
    assert text == text.casefold()
    assert "í" not in text


def test_search_text_of_derived_household_holds_the_derived_name() -> None:
    text = build_search_text(NameParts(kind="household", last_name="Núñez"))
    assert "the nunez household" in text
