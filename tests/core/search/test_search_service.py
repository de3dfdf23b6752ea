"""search_constituents: names without accents or case, prefixes, contacts, tags and ranking."""

from __future__ import annotations

import pytest

from core.errors import InvalidInputError
from core.search.query import parse_query
from core.search.service import SearchResults, search_constituents
from tests.core.search.conftest import person


def ids(results: SearchResults) -> list[int]:
    return [hit.id for hit in results.items]


async def test_accents_and_case_are_ignored_both_ways(people: dict[str, int]) -> None:
    both = {people["jose"], people["plain"]}
    assert set(ids(await search_constituents("Jose Nunez"))) == both
    assert set(ids(await search_constituents("JOSÉ NÚÑEZ"))) == both
    assert set(ids(await search_constituents("josé núñez"))) == both
    first = (await search_constituents("Jose Nunez")).items[0]
    assert first.match == "name"


async def test_prefixes_match_as_you_type(people: dict[str, int]) -> None:
    assert set(ids(await search_constituents("Nun"))) == {people["jose"], people["plain"]}
    assert set(ids(await search_constituents("jo nu"))) == {people["jose"], people["plain"]}
    assert ids(await search_constituents("acm")) == [people["acme"]]
    assert ids(await search_constituents("lóp")) == [people["maria"]]


async def test_every_word_must_match(people: dict[str, int]) -> None:
    assert ids(await search_constituents("ana lopez")) == []


async def test_email_prefix(people: dict[str, int]) -> None:
    results = await search_constituents("jose.nunez@ex")
    assert ids(results) == [people["jose"]]
    assert results.items[0].match == "email_prefix"
    assert ids(await search_constituents("PLAIN@EXAMPLE.N")) == [people["plain"]]
    results = await search_constituents("plain")
    assert ids(results) == [people["plain"]]
    assert results.items[0].match == "email_prefix"


async def test_exact_email_ranks_before_name_matches(people: dict[str, int]) -> None:
    # Ana's address is maria@example.org; María López is found by her first name.
    results = await search_constituents("maria")
    assert ids(results) == [people["maria"], people["ana"]]
    assert [hit.match for hit in results.items] == ["name", "email_prefix"]
    longer = await person("Aaron", "Aardvark", emails=[{"email": "maria@example.com.au"}])
    exact = await person("Zoe", "Zed", emails=[{"email": "maria@example.com"}])
    results = await search_constituents("Maria@Example.com")
    assert ids(results) == [exact, longer]
    assert [hit.match for hit in results.items] == ["email", "email_prefix"]


@pytest.mark.parametrize(
    "typed",
    ["+34 911 234 567", "+34911234567", "0034 911-234-567", "(+34) 911.23.45.67"],
)
async def test_phone_in_any_format_is_an_exact_match(people: dict[str, int], typed: str) -> None:
    results = await search_constituents(typed)
    assert ids(results) == [people["jose"]]
    assert results.items[0].match == "phone"


@pytest.mark.parametrize("typed", ["911 234", "234-567", "0911 23"])
async def test_partial_phone_digits_match(people: dict[str, int], typed: str) -> None:
    results = await search_constituents(typed)
    assert ids(results) == [people["jose"]]
    assert results.items[0].match == "phone_partial"


@pytest.mark.parametrize("typed", ["SW1A 2AA", "sw1a2aa", "sw1a 2", "SW1A"])
async def test_postcode_with_or_without_space(people: dict[str, int], typed: str) -> None:
    results = await search_constituents(typed)
    assert ids(results) == [people["jose"]]
    assert results.items[0].match == "postcode"
    assert results.items[0].primary_postcode == "SW1A 2AA"


async def test_tag_name_prefix_without_accents(people: dict[str, int]) -> None:
    results = await search_constituents("voluntario ano")
    assert ids(results) == [people["jose"]]
    assert results.items[0].match == "tag"
    assert ids(await search_constituents("VOLUNT")) == [people["jose"]]


async def test_deleted_constituents_only_when_asked(people: dict[str, int]) -> None:
    assert ids(await search_constituents("Nuria")) == []
    assert ids(await search_constituents("gone@example.org")) == []
    results = await search_constituents("Nuria", include_deleted=True)
    assert ids(results) == [people["gone"]]
    assert results.items[0].deleted is True


async def test_hit_carries_contact_columns(people: dict[str, int]) -> None:
    hit = (await search_constituents("jose.nunez@example.org")).items[0]
    assert hit.id == people["jose"]
    assert hit.display_name == "José Núñez"
    assert hit.kind == "individual"
    assert hit.primary_email == "jose.nunez@example.org"
    assert hit.primary_phone == "+34911234567"
    assert hit.deleted is False


async def test_paging_with_has_more(people: dict[str, int]) -> None:
    smiths = [await person(f"Sam{i}", "Smith") for i in range(5)]
    first = await search_constituents("smith", limit=2)
    assert len(first.items) == 2
    assert first.has_more
    rest = await search_constituents("smith", limit=2, offset=4)
    assert len(rest.items) == 1
    assert not rest.has_more
    every = await search_constituents("smith", limit=10)
    assert sorted(ids(every)) == sorted(smiths)
    assert ids(every) == ids(first) + ids(await search_constituents("smith", limit=3, offset=2))


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "\x00", "\t\r\n"])
async def test_empty_or_oversized_query_is_invalid(people: dict[str, int], query: str) -> None:
    with pytest.raises(InvalidInputError):
        await search_constituents(query)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "nun*",
        '"nun',
        "NEAR(jose nunez)",
        "jose NEAR nunez",
        "(",
        "a) OR (b",
        "%",
        "_",
        "\\",
        "%nu%",
        "' OR 1=1 --",
        "{}",
        "AND",
        "NOT jose",
        "-jose",
        "^jose",
        "col:jose",
        "jose & | ! nunez:*",
        "+",
        "@",
        "jo\x00se",
    ],
)
async def test_query_syntax_characters_never_error(people: dict[str, int], query: str) -> None:
    results = await search_constituents(query)
    assert people["gone"] not in ids(results)


async def test_syntax_characters_are_just_separators(people: dict[str, int]) -> None:
    assert set(ids(await search_constituents('"jose" (nunez)*'))) == {
        people["jose"],
        people["plain"],
    }
    assert ids(await search_constituents("%")) == []


async def test_no_fuzzy_matching(people: dict[str, int]) -> None:
    # Words match by prefix only, on both databases: a misspelling finds nothing.
    assert ids(await search_constituents("Nunes")) == []
    assert ids(await search_constituents("unez")) == []


def test_one_letter_words_are_dropped_beside_longer_ones() -> None:
    assert parse_query("r.moor", "ES").name_tokens == ("moor",)
    assert parse_query("J Núñez", "ES").name_tokens == ("nunez",)
    assert parse_query("j", "ES").name_tokens == ("j",)
    assert parse_query("j n", "ES").name_tokens == ("j", "n")


async def test_initials_beside_a_name_still_find_it(people: dict[str, int]) -> None:
    assert set(ids(await search_constituents("j nunez"))) == {people["jose"], people["plain"]}
    assert set(ids(await search_constituents("j n"))) == {people["jose"], people["plain"]}
    results = await search_constituents("j.nunez")
    assert set(ids(results)) == {people["jose"], people["plain"]}
