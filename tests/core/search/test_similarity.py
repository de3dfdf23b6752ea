"""The pure similarity functions behind "did you mean": typo kinds, alignment, variants."""

from __future__ import annotations

import pytest

from core.search.similarity import (
    edit_distance,
    name_similarity,
    typo_variants,
    unmatched_words,
    word_similarity,
)
from core.validation import fold


@pytest.mark.parametrize(
    ("typed", "stored", "distance"),
    [
        ("smith", "smith", 0),
        ("smth", "smith", 1),  # dropped letter
        ("smitth", "smith", 1),  # doubled letter
        ("smiht", "smith", 1),  # swapped neighbours
        ("jonh", "john", 1),  # swapped at the end
        ("smyth", "smith", 1),  # replaced letter
        ("garcai", "garcia", 1),
        ("", "abc", 3),
        ("abc", "", 3),
        ("smith", "jones", 5),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a swapped pair
    ],
)
def test_edit_distance_counts_each_slip_once(typed: str, stored: str, distance: int) -> None:
    assert edit_distance(typed, stored) == distance
    assert edit_distance(stored, typed) == distance


def test_word_similarity_scales_by_the_longer_word() -> None:
    assert word_similarity("garcai", "garcia") == pytest.approx(1 - 1 / 6)
    assert word_similarity("smith", "smith") == 1.0
    assert word_similarity("", "") == 1.0
    assert word_similarity("smith", "jones") == 0.0
    assert word_similarity("ab", "abcdefgh") == pytest.approx(0.25)


def words(name: str) -> tuple[str, ...]:
    return tuple(fold(name).split())


@pytest.mark.parametrize(
    "typed",
    [
        "Jonh Smith",  # swap in the first name
        "John Smiht",  # swap in the last name
        "Jon Smith",  # dropped letter in the first name
        "John Smitth",  # doubled letter in the last name
        "Jahn Smith",  # replaced letter
        "Smith John",  # word order
        "JOHN SMITH",
    ],
)
def test_one_slip_scores_high(typed: str) -> None:
    score = name_similarity(words(typed), words("John Smith"))
    assert 0.85 <= score <= 1.0


def test_accents_are_folded_before_comparing() -> None:
    assert name_similarity(words("Jose Nunez"), words("José Núñez")) == 1.0
    # Weighted by length: "jose" 4 * 1.0 and "nunes" 5 * 0.8, over 9 letters.
    assert name_similarity(words("Josè Nuñes"), words("José Núñez")) == pytest.approx(8 / 9)


def test_unrelated_names_score_low() -> None:
    assert name_similarity(words("Jonh Smiht"), words("Ana García")) < 0.2
    assert name_similarity(words("Garcai"), words("Mary Brown")) < 0.4


def test_each_name_word_pairs_with_one_typed_word() -> None:
    # "smith smith" cannot use the single "smith" twice: the second word has no partner.
    assert name_similarity(words("smith smith"), words("John Smith")) < 0.7
    assert name_similarity((), words("John Smith")) == 0.0


def test_a_slip_costs_the_same_in_a_short_or_a_long_word() -> None:
    # Weighted by length: a plain mean would halve the score for the slip in "jo".
    short_wrong = name_similarity(words("xo kavanagh"), words("Jo Kavanagh"))
    long_wrong = name_similarity(words("jo xavanagh"), words("Jo Kavanagh"))
    assert short_wrong == pytest.approx(0.9)
    assert long_wrong == pytest.approx(0.9)


def test_unmatched_words_counts_extra_name_words() -> None:
    assert unmatched_words(words("john smith"), words("Dr John Albert Smith")) == 2
    assert unmatched_words(words("john smith"), words("John")) == 0


@pytest.mark.parametrize(
    ("typed", "intended"),
    [("smth", "smith"), ("smitth", "smith"), ("smiht", "smith"), ("smeth", "smith")],
)
def test_variants_undo_every_kind_of_slip(typed: str, intended: str) -> None:
    variants = typo_variants(typed)
    assert intended in variants
    assert typed in variants
    assert all(edit_distance(typed, v) <= 1 for v in variants)


def test_variants_grow_linearly_with_the_word() -> None:
    assert len(typo_variants("garcia")) < 60 * 6
    assert len(typo_variants("núñez")) > len(typo_variants("nunez"))  # its own letters too
