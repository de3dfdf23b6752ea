"""Offline sentiment for English and Spanish: lexicon scores with negation and intensity.

The lexicons (``lexicons/*.txt``) ship inside the package; nothing is downloaded. Each word
found scores -3..3; a negator within the three preceding words flips and softens it (x -0.75),
an intensifier just before it multiplies by 1.5, a dampener by 0.5; words after "but"/"pero"
count double and words before it half, since the second clause usually carries the verdict.
The sum is squashed into -1..1 (``s / sqrt(s² + 15)``, as VADER does) and labelled positive
at 0.05 or above, negative at -0.05 or below. When a mention does not say its language, the
one whose stop words it uses most is assumed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICONS = Path(__file__).parent / "lexicons"
LANGUAGES = ("en", "es")
THRESHOLD = 0.05
NEGATION_SCOPE = 3
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\U0001F300-\U0001FAFF\u2600-\u27BF]|[.,;:!?]")
PUNCTUATION = frozenset(".,;:!?")
EMOJI = {
    "\u2764": 2.0,
    "\U0001f60d": 3.0,
    "\U0001f44f": 2.0,
    "\U0001f64f": 2.0,
    "\U0001f389": 2.0,
    "\U0001f60a": 2.0,
    "\U0001f642": 1.0,
    "\U0001f44d": 2.0,
    "\U0001f621": -3.0,
    "\U0001f620": -2.0,
    "\U0001f622": -2.0,
    "\U0001f62d": -2.0,
    "\U0001f44e": -2.0,
    "\U0001f92c": -3.0,
}


@dataclass(frozen=True)
class Sentiment:
    """A score in -1..1 and its label."""

    score: float
    label: str


@dataclass(frozen=True)
class Lexicon:
    """Scores and modifier words of one language."""

    scores: dict[str, float]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    dampeners: frozenset[str]
    contrasts: frozenset[str]
    stopwords: frozenset[str]


def fold(text: str) -> str:
    """Lower case without accents ("Increíble" -> "increible"); apostrophes dropped."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("\u2019", "'")


def tokens(text: str) -> list[str]:
    """Words (folded; "don't" -> "dont"), emoji and clause punctuation of ``text``."""
    return [t.replace("'", "") for t in TOKEN.findall(fold(text))]


def _rows(name: str) -> list[list[str]]:
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


@cache
def lexicon(language: str) -> Lexicon:
    """The lexicon of ``language`` (``en`` or ``es``), read once."""
    scores = {row[0]: float(row[1]) for row in _rows(f"{language}.txt")}
    modifiers: dict[str, set[str]] = {}
    for row in _rows("modifiers.txt"):
        if row[0] == language:
            modifiers.setdefault(row[1], set()).add(" ".join(row[2:]))
    stop = {row[1] for row in _rows("stopwords.txt") if row[0] == language}
    return Lexicon(
        scores=scores,
        negators=frozenset(modifiers.get("negator", set())),
        intensifiers=frozenset(modifiers.get("intensifier", set())),
        dampeners=frozenset(modifiers.get("dampener", set())),
        contrasts=frozenset(modifiers.get("contrast", set())),
        stopwords=frozenset(stop),
    )


def guess_language(text: str) -> str:
    """``en`` or ``es``: whichever language's stop and lexicon words the text uses more."""
    words = tokens(text)
    counts = {}
    for language in LANGUAGES:
        lex = lexicon(language)
        counts[language] = sum(1 for w in words if w in lex.stopwords or w in lex.scores)
    if any(ch in text for ch in "ñ¿¡áéíóú"):
        counts["es"] += 2
    return "es" if counts["es"] > counts["en"] else "en"


def _word_score(word: str, lex: Lexicon, language: str) -> float | None:
    if word in EMOJI:
        return EMOJI[word]
    if word in lex.scores:
        return lex.scores[word]
    candidates = (
        [word[:-1], word[:-2], word[:-1] + "o", word[:-2] + "o"]
        if language == "es"
        else [word[:-1], word[:-2], word[:-3], word[:-3] + "e"]
    )
    for stem in candidates:
        if len(stem) > 3 and stem in lex.scores:
            return lex.scores[stem]
    return None


def analyse(text: str, language: str = "") -> Sentiment:
    """Score ``text`` in ``language`` (guessed when empty or not supported)."""
    lang = language if language in LANGUAGES else guess_language(text)
    lex = lexicon(lang)
    words = tokens(text)
    contributions: list[float] = []
    contrast_at = -1
    for index, word in enumerate(words):
        if word in lex.contrasts:
            contrast_at = len(contributions)
            continue
        value = _word_score(word, lex, lang)
        if value is None:
            continue
        before = words[max(0, index - NEGATION_SCOPE) : index]
        for cut, token in enumerate(reversed(before)):
            if token in PUNCTUATION:  # negation and intensity do not cross a clause break
                before = before[len(before) - cut :]
                break
        if before and before[-1] in lex.intensifiers:
            value *= 1.5
        elif before and before[-1] in lex.dampeners:
            value *= 0.5
        if any(w in lex.negators for w in before):
            value *= -0.75
        contributions.append(value)
    if contrast_at >= 0:
        contributions = [v * (0.5 if i < contrast_at else 1.5) for i, v in enumerate(contributions)]
    total = sum(contributions)
    exclamations = min(text.count("!"), 3)
    if total:
        total += math.copysign(0.3 * exclamations, total)
    score = total / math.sqrt(total * total + 15) if total else 0.0
    return Sentiment(round(score, 4), label_of(score))


def label_of(score: float) -> str:
    """``positive``, ``negative`` or ``neutral`` for a score in -1..1."""
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


def top_terms(texts: list[str], limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent words (three letters or more, no stop words, no links), by count."""
    stop = lexicon("en").stopwords | lexicon("es").stopwords
    counts: dict[str, int] = {}
    for text in texts:
        stripped = re.sub(r"https?://\S+|@\S+", " ", text)
        for word in set(tokens(stripped)):
            if len(word) < 3 or word in PUNCTUATION or word in stop or word.isdigit():
                continue
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
