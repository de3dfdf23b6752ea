"""Searches too broad to rank, and queries typed like an email address.

The caps are lowered here so that a handful of people stand for the 20,000 name matches or
1,000 addresses that switch a branch to its index order at full scale.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.constituents.service import soft_delete_constituent
from core.plugins.registry import PluginRegistry
from core.search import branches
from core.search.query import looks_like_address
from core.search.service import SearchResults, search_constituents
from tests.core.search.conftest import person


def ids(results: SearchResults) -> list[int]:
    return [hit.id for hit in results.items]


async def pages(query: str, limit: int, total: int) -> list[SearchResults]:
    """Every page of ``query`` up to ``total`` hits, ``limit`` at a time."""
    return [await search_constituents(query, limit=limit, offset=o) for o in range(0, total, limit)]


@pytest.fixture
async def smiths(registry: PluginRegistry) -> list[int]:
    """Five Smiths created out of alphabetical order (ids ascending)."""
    return [await person(first, "Smith") for first in ("Carl", "Anna", "Eve", "Bob", "Dan")]


async def test_name_matches_at_the_cap_are_ranked(
    smiths: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "NAME_RANK_CAP", len(smiths))
    carl, anna, eve, bob, dan = smiths
    # Equal text rank; ties by sort name.
    assert ids(await search_constituents("smith")) == [anna, bob, carl, dan, eve]


async def test_name_matches_above_the_cap_are_listed_newest_first(
    smiths: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "NAME_RANK_CAP", len(smiths) - 1)
    newest_first = sorted(smiths, reverse=True)
    every = await search_constituents("smith")
    assert ids(every) == newest_first
    assert {hit.match for hit in every.items} == {"name"}
    assert not every.has_more
    two_by_two = await pages("smith", limit=2, total=len(smiths))
    assert [ids(page) for page in two_by_two] == [newest_first[:2], newest_first[2:4], [smiths[0]]]
    assert [page.has_more for page in two_by_two] == [True, True, False]


async def test_deleted_people_above_the_cap_only_when_asked(
    smiths: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "NAME_RANK_CAP", 2)
    await soft_delete_constituent(smiths[4])
    alive = sorted(smiths[:4], reverse=True)
    first = await search_constituents("smith", limit=3)
    assert (ids(first), first.has_more) == (alive[:3], True)
    last = await search_constituents("smith", limit=3, offset=3)
    assert (ids(last), last.has_more) == (alive[3:], False)
    binned = await search_constituents("smith", include_deleted=True)
    assert ids(binned) == sorted(smiths, reverse=True)


@pytest.fixture
async def team(registry: PluginRegistry) -> dict[str, int]:
    """Addresses starting with ``team@`` whose order differs from their owners' names."""
    return {
        "zed": await person("Zed", "Zulu", emails=[{"email": "team@alpha.org"}]),
        "amy": await person(
            "Amy", "Able", emails=[{"email": "team@beta.org"}, {"email": "team@zeta.org"}]
        ),
        "max": await person("Max", "Mid", emails=[{"email": "team@gamma.org"}]),
        "other": await person("Ola", "Other", emails=[{"email": "teamwork@delta.org"}]),
    }


async def test_email_prefix_matches_at_the_cap_are_sorted_by_name(
    team: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "EMAIL_SORT_CAP", 4)  # four addresses start with "team@"
    results = await search_constituents("team@")
    assert ids(results) == [team["amy"], team["max"], team["zed"]]
    assert {hit.match for hit in results.items} == {"email_prefix"}


async def test_email_prefix_matches_above_the_cap_are_in_address_order(
    team: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "EMAIL_SORT_CAP", 3)
    by_address = [team["zed"], team["amy"], team["max"]]  # alpha, beta (and zeta), gamma
    results = await search_constituents("team@")
    assert ids(results) == by_address
    assert {hit.match for hit in results.items} == {"email_prefix"}
    one_by_one = await pages("team@", limit=1, total=3)
    assert [ids(page) for page in one_by_one] == [[i] for i in by_address]
    assert [page.has_more for page in one_by_one] == [True, True, False]
    await soft_delete_constituent(team["amy"])
    assert ids(await search_constituents("team@")) == [team["zed"], team["max"]]
    binned = await search_constituents("team@", include_deleted=True)
    assert ids(binned) == by_address


@pytest.fixture
async def garcias(registry: PluginRegistry) -> dict[str, int]:
    """Two Garcías with an address starting ``a.garc`` and one found by name only."""
    return {
        "alberto": await person("Alberto", "García", emails=[{"email": "alberto@example.org"}]),
        "zoe": await person("Zoe", "García", emails=[{"email": "a.garcia.z@example.org"}]),
        "ana": await person("Ana", "García", emails=[{"email": "a.garcia@example.org"}]),
    }


@pytest.fixture
def name_counts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The name words each search counted: one entry per time the name branch ran."""
    counted: list[tuple[str, ...]] = []
    count = branches.count_name_matches

    async def recording(parsed: Any) -> int:
        counted.append(parsed.name_tokens)
        return await count(parsed)

    monkeypatch.setattr(branches, "count_name_matches", recording)
    return counted


async def test_address_shaped_query_ranks_addresses_before_names(
    garcias: dict[str, int], name_counts: list[tuple[str, ...]]
) -> None:
    results = await search_constituents("a.garc")
    assert ids(results) == [garcias["ana"], garcias["zoe"], garcias["alberto"]]
    assert [hit.match for hit in results.items] == ["email_prefix", "email_prefix", "name"]
    assert not results.has_more
    assert name_counts == [("garc",)]


async def test_address_shaped_query_skips_names_when_addresses_fill_the_page(
    garcias: dict[str, int], name_counts: list[tuple[str, ...]]
) -> None:
    first = await search_constituents("a.garc", limit=1)
    assert (ids(first), first.has_more) == ([garcias["ana"]], True)
    assert name_counts == []  # two addresses fill a page of one plus the next-page probe
    second = await search_constituents("a.garc", limit=1, offset=1)
    assert (ids(second), second.has_more) == ([garcias["zoe"]], True)
    third = await search_constituents("a.garc", limit=1, offset=2)
    assert (ids(third), third.has_more) == ([garcias["alberto"]], False)
    assert name_counts == [("garc",), ("garc",)]


async def test_address_shaped_query_pages_across_addresses_and_names(
    garcias: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both branches above their caps: addresses in address order ("." sorts before "@"),
    # then names newest first.
    monkeypatch.setattr(branches, "EMAIL_SORT_CAP", 1)
    monkeypatch.setattr(branches, "NAME_RANK_CAP", 1)
    expected = [garcias["zoe"], garcias["ana"], garcias["alberto"]]
    assert ids(await search_constituents("a.garc")) == expected
    two = await pages("a.garc", limit=2, total=3)
    assert [ids(page) for page in two] == [expected[:2], expected[2:]]
    assert [page.has_more for page in two] == [True, False]


async def test_other_queries_keep_names_before_addresses(garcias: dict[str, int]) -> None:
    # "garcia" is no address: every García is a name match, ranked as before.
    results = await search_constituents("garcia")
    assert set(ids(results)) == set(garcias.values())
    assert {hit.match for hit in results.items} == {"name"}


@pytest.mark.parametrize(
    ("typed", "shaped"),
    [
        ("a.garc", True),
        ("r.moor", True),
        ("mary_j", True),
        ("jose@", True),
        ("@example", True),
        ("garcia", False),
        ("jose nunez", False),
        ("j. nunez", False),
        ("smith-jones", False),
        ("o'brien", False),
        ("0911.234.567", False),
        ("a.", False),
    ],
)
def test_address_shape(typed: str, shaped: bool) -> None:
    assert looks_like_address(typed) is shaped
