"""The ASCII/printable fast paths of core.validation give exactly the general results.

They were added when the import benchmark showed per-cell folding and cleaning as a
visible share of import time; these properties keep them equivalent.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.validation import clean_text, fold

_SPACES = re.compile(r"\s+")


def general_fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def general_clean(value: str) -> str | None:
    printable = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return _SPACES.sub(" ", printable).strip() or None


@given(st.text(max_size=60))
def test_fold_matches_the_general_rule(value: str) -> None:
    assert fold(value) == general_fold(value)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_fold_of_ascii_matches_the_general_rule(value: str) -> None:
    assert fold(value) == general_fold(value)


@given(st.text(max_size=60))
def test_clean_text_matches_the_general_rule(value: str) -> None:
    assert clean_text(value, max_length=1000) == general_clean(value)


def test_examples() -> None:
    assert fold("  José  NÚÑEZ ") == "jose nunez"
    assert fold("O'Brien\tSMITH") == "o'brien smith"
    assert clean_text("a\x00b\u00a0 c") == "ab c"
    assert clean_text("Ana  García") == "Ana García"
