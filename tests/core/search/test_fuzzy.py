"""similar_constituents: typos found through the word indexes, capped, on both databases."""

from __future__ import annotations

import pytest

from core.constituents.merge import merge_constituents
from core.constituents.privacy import erase_personal_data
from core.errors import InvalidInputError
from core.plugins.registry import PluginRegistry
from core.search import fuzzy
from core.search.fuzzy import SimilarHit, similar_constituents
from tests.core.search.conftest import person


def ids(hits: list[SimilarHit]) -> list[int]:
    return [hit.id for hit in hits]


@pytest.fixture
async def smiths(registry: PluginRegistry) -> dict[str, int]:
    """Names a typo could be meant for, and names it must not bring up."""
    return {
        "john": await person("John", "Smith", emails=[{"email": "js@example.org"}]),
        "albert": await person("John", "Smith", middle_name="Albert", prefix="Dr."),
        "jon": await person("Jon", "Smithson"),
        "garcia": await person("Lucía", "García"),
        "mary": await person("Mary", "Brown", emails=[{"email": "john.smith@example.net"}]),
        "zoe": await person("Zoë", "Kavanagh"),
    }


@pytest.mark.parametrize(
    "typed",
    ["Jonh Smith", "John Smiht", "Jhon Smyth", "Jon Smitth", "Smith Jonh", "JOHN SMTH"],
)
async def test_typos_in_either_name_find_the_person(smiths: dict[str, int], typed: str) -> None:
    hits = await similar_constituents(typed)
    assert hits[0].id == smiths["john"]
    assert hits[0].match == "similar_name"
    assert 0.6 <= hits[0].similarity < 1.0


async def test_accents_and_case_do_not_count(smiths: dict[str, int]) -> None:
    hits = await similar_constituents("lucia garcai")
    assert ids(hits) == [smiths["garcia"]]
    assert (await similar_constituents("ZOE KAVANAGH"))[0].similarity == 1.0


async def test_unrelated_names_are_not_returned(smiths: dict[str, int]) -> None:
    assert await similar_constituents("Xavier Quigley") == []
    # Mary Brown's email holds "john" and "smith", but her name is nothing like it.
    assert smiths["mary"] not in ids(await similar_constituents("Jonh Smiht"))


async def test_best_first_then_fewer_extra_words(smiths: dict[str, int]) -> None:
    hits = await similar_constituents("jonh smith")
    assert ids(hits) == [smiths["john"], smiths["albert"]]
    assert hits[0].similarity == hits[1].similarity
    exact = (await similar_constituents("john smith"))[0].similarity
    assert exact == 1.0 > (await similar_constituents("jonh smiht"))[0].similarity


async def test_only_one_slip_per_word_is_looked_up(smiths: dict[str, int]) -> None:
    # "smithson" is three letters from "smith": the prefix search finds that one.
    assert smiths["jon"] not in ids(await similar_constituents("jon smith"))


async def test_the_candidate_cap_bounds_the_rows_read(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        await person("Carmen", "Ortega", middle_name=f"N{n}")
    assert len(await similar_constituents("Carmen Ortgea")) == 6
    monkeypatch.setattr(fuzzy, "CANDIDATE_CAP", 4)
    assert len(await similar_constituents("Carmen Ortgea")) == 4
    assert len(await similar_constituents("Carmen Ortgea", limit=2)) == 2


async def test_deleted_are_left_out_unless_asked(people: dict[str, int]) -> None:
    assert await similar_constituents("Nuria Borarda") == []
    hits = await similar_constituents("Nuria Borarda", include_deleted=True)
    assert ids(hits) == [people["gone"]]
    assert hits[0].deleted is True


async def test_erasure_removes_the_name(smiths: dict[str, int]) -> None:
    await erase_personal_data(smiths["zoe"])
    assert await similar_constituents("Zoe Kavangh", include_deleted=True) == []


async def test_after_a_merge_only_the_survivor_is_found(registry: PluginRegistry) -> None:
    survivor = await person("Begoña", "Iglesias")
    merged = await person("Begona", "Iglesias")
    before = await similar_constituents("Begona Iglesais")
    assert set(ids(before)) == {survivor, merged}
    await merge_constituents(survivor, merged)
    assert ids(await similar_constituents("Begona Iglesais")) == [survivor]
    with_deleted = await similar_constituents("Begona Iglesais", include_deleted=True)
    assert {hit.id: hit.deleted for hit in with_deleted} == {survivor: False, merged: True}


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "jo de", "\x00\x01", "jonh@smiht.org"])
async def test_bad_queries_raise(registry: PluginRegistry, query: str) -> None:
    with pytest.raises(InvalidInputError):
        await similar_constituents(query)


@pytest.mark.parametrize("limit", [0, fuzzy.MAX_LIMIT + 1])
async def test_limit_out_of_range_raises(registry: PluginRegistry, limit: int) -> None:
    with pytest.raises(InvalidInputError):
        await similar_constituents("smith", limit=limit)


@pytest.mark.parametrize("junk", ['"', "*", "(", ")", "^", "%", ":", "-"])
async def test_syntax_characters_are_plain_text(smiths: dict[str, int], junk: str) -> None:
    # full-text and LIKE syntax around the words is read as text: the same people are found
    plain = ids(await similar_constituents("Jonh Smiht"))
    assert smiths["john"] in plain
    assert ids(await similar_constituents(f"{junk}Jonh {junk}Smiht{junk}")) == plain


def test_query_words_are_folded_deduplicated_and_capped() -> None:
    assert fuzzy.query_words("José  JOSÉ de la Núñez") == ("jose", "nunez")
    assert len(fuzzy.query_words("aaa bbb ccc ddd eee fff")) == fuzzy.MAX_QUERY_WORDS


async def test_a_third_word_ranks_but_is_not_looked_up(registry: PluginRegistry) -> None:
    made = await person("María José", "Fernández Ortega")
    hits = await similar_constituents("Maria Fernandes Ortgea Jsoe")
    assert ids(hits) == [made]
    assert hits[0].similarity < 1.0
    groups = fuzzy.lookup_words(fuzzy.query_words("ana fernandes ortgea"))
    assert ["fernandez" in groups[0], "ortega" in groups[1], len(groups)] == [True, True, 2]


def test_over_long_words_are_not_expanded() -> None:
    long_word = "a" * (fuzzy.MAX_WORD_LENGTH + 1)
    assert fuzzy.lookup_words((long_word,)) == []
    assert len(fuzzy.lookup_words(("smith", long_word))) == 1
