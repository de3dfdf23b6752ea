"""Offline sentiment on a labelled English and Spanish sample, plus the rules it relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.social.sentiment import analyse, guess_language, top_terms

SAMPLE = Path(__file__).parent / "fixtures" / "sentiment_sample.tsv"
THRESHOLD = 0.85  # docs/social.md reports the measured accuracy of each language


def _sample(language: str) -> list[tuple[str, str]]:
    rows = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        lang, label, text = line.split("\t")
        if lang == language:
            rows.append((label, text))
    return rows


@pytest.mark.parametrize("language", ["en", "es"])
def test_accuracy_on_labelled_sample(language: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _sample(language)
    assert len(rows) >= 30
    right = sum(1 for label, text in rows if analyse(text, language).label == label)
    accuracy = right / len(rows)
    with capsys.disabled():
        print(f"\nsentiment accuracy [{language}]: {right}/{len(rows)} = {accuracy:.1%}")
    assert accuracy >= THRESHOLD


@pytest.mark.parametrize("language", ["en", "es"])
def test_language_is_guessed_when_missing(language: str) -> None:
    rows = _sample(language)
    guessed = sum(1 for _label, text in rows if guess_language(text) == language)
    assert guessed / len(rows) >= 0.9


def test_negation_intensifiers_and_contrast() -> None:
    assert analyse("good", "en").label == "positive"
    assert analyse("not good", "en").label == "negative"
    assert analyse("not bad", "en").label == "positive"
    assert analyse("very good", "en").score > analyse("good", "en").score
    assert analyse("slightly good", "en").score < analyse("good", "en").score
    assert analyse("no es bueno", "es").label == "negative"
    assert analyse("muy bueno", "es").score > analyse("bueno", "es").score
    # A clause break ends a negation's reach.
    assert analyse("No contesta, muy mal servicio.", "es").label == "negative"
    # The clause after "but" carries the verdict.
    assert analyse("Nice people but a terrible wait", "en").label == "negative"
    assert analyse("Bad start but an amazing day overall", "en").label == "positive"
    assert analyse("The meeting is on Monday", "en").label == "neutral"
    assert -1 <= analyse("awful awful awful awful horrible disgusting", "en").score <= -0.8


def test_accents_and_case_do_not_matter() -> None:
    assert analyse("INCREÍBLE", "es").label == "positive"
    assert analyse("increible", "es").label == "positive"
    assert analyse("Pésimo", "es").label == "negative"


def test_top_terms_skip_stop_words_links_and_handles() -> None:
    texts = [
        "The food bank is open today https://x.example/a @someone",
        "Food bank volunteers were great",
        "El banco de alimentos abre hoy",
    ]
    terms = dict(top_terms(texts))
    assert terms["food"] == 2
    assert terms["bank"] == 2
    for word in ("the", "de", "someone", "https", "example"):
        assert word not in terms
