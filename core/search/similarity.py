"""String similarity of folded name words, for "did you mean" and duplicate hunting.

Pure functions, no database: :mod:`core.search.fuzzy` uses :func:`typo_variants` to ask the
word indexes for candidates and :func:`name_similarity` to rank them. Words are expected
already folded (:func:`core.validation.fold`: lower case, accents removed), so "Garcia" and
"García" are the same word before any of this runs.

The typo model is the keyboard slip: one dropped, doubled, swapped (adjacent) or replaced
letter per word. :func:`edit_distance` counts exactly those (the optimal string alignment
form of the Damerau-Levenshtein distance), so "jonh" is one edit from "john", not two.
"""

from __future__ import annotations

import string
from functools import lru_cache

# Letters tried for a replaced or dropped letter, besides those of the word itself: the
# folded names are Latin script, so accented letters have already become plain ones.
VARIANT_ALPHABET = string.ascii_lowercase


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and adjacent swaps turning ``a`` into ``b``.

    The optimal string alignment distance: like Levenshtein, plus a swap of two neighbouring
    letters costs one ("smiht" → "smith" is 1). No substring is edited twice.
    """
    if a == b:
        return 0
    if not a or not b:
        return max(len(a), len(b))
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        before_previous, previous = previous, current
    return previous[len(b)]


@lru_cache(maxsize=65_536)
def word_similarity(typed: str, stored: str) -> float:
    """1.0 for the same word, down to 0.0: one minus the edits over the longer length.

    "garcai" against "garcia" is 1 - 1/6 ≈ 0.83; "smith" against "jones" is 0.0. Cached:
    candidates share a few common words (hundreds of Johnsons), so most pairs repeat.
    """
    longest = max(len(typed), len(stored))
    if longest == 0:
        return 1.0
    return max(0.0, 1.0 - edit_distance(typed, stored) / longest)


def name_similarity(typed_words: tuple[str, ...], name_words: tuple[str, ...]) -> float:
    """How well the typed words match a name's words, in any order, 0.0 to 1.0.

    Each typed word is paired with a different name word, best pairs first (greedy over
    the pair scores: near enough for names of a few words, and no factorial search); the
    result is the mean of the pair scores weighted by the typed word's length, so one slip
    costs the same in "Jo" as in "Kavanagh" (a plain mean would halve the score for a slip
    in a two-letter word). A typed word left without a partner
    (more typed words than name words) scores 0. Extra name words (a middle name, a
    title) cost nothing here: :func:`unmatched_words` breaks ties by them.
    """
    if not typed_words:
        return 0.0
    pairs = sorted(
        (
            (word_similarity(typed, stored), t, n)
            for t, typed in enumerate(typed_words)
            for n, stored in enumerate(name_words)
        ),
        reverse=True,
    )
    best: dict[int, float] = {}
    used_names: set[int] = set()
    for score, t, n in pairs:
        if t not in best and n not in used_names:
            best[t] = score
            used_names.add(n)
    total_weight = sum(len(word) for word in typed_words)
    weighted = sum(best.get(t, 0.0) * len(word) for t, word in enumerate(typed_words))
    return weighted / total_weight


def unmatched_words(typed_words: tuple[str, ...], name_words: tuple[str, ...]) -> int:
    """How many name words are left over once every typed word has a partner."""
    return max(0, len(name_words) - len(typed_words))


def typo_variants(word: str) -> set[str]:
    """Every word one keyboard slip away from ``word``, and ``word`` itself.

    Dropped letters (``word`` lost one: try each letter of the alphabet in each gap),
    doubled or inserted letters (remove each letter), swapped neighbours and replaced
    letters. For a word of n letters that is about 54·n words: a typo in what was typed
    is undone in one of them, so matching the variants as whole words finds the intended
    name through an ordinary word index.
    """
    alphabet = sorted(set(VARIANT_ALPHABET) | set(word))
    found = {word}
    for i in range(len(word)):
        found.add(word[:i] + word[i + 1 :])
        found.update(word[:i] + letter + word[i + 1 :] for letter in alphabet)
    for i in range(len(word) - 1):
        found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(len(word) + 1):
        found.update(word[:i] + letter + word[i:] for letter in alphabet)
    return found
