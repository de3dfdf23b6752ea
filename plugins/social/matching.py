"""Listening queries: does a mention match? (any include, no exclude, language filter).

A query matches when the text contains *any* of its include terms, phrases or hashtags, or
the author is one of its accounts, and contains *none* of its exclude terms, and (if the query
names languages) the mention's language is one of them. Terms match whole words, case- and
accent-insensitively; phrases match as consecutive words; hashtags match ``#tag``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.social.sentiment import fold
from plugins.social.text import normalise_handle


def split_lines(value: str) -> list[str]:
    """Non-empty lines (or comma separated items) of an editor field."""
    items = re.split(r"[\n,]", value or "")
    return [item.strip() for item in items if item.strip()]


@dataclass(frozen=True)
class QueryRule:
    """A listening query, parsed once for matching many mentions."""

    id: int
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    phrases: tuple[str, ...]
    hashtags: tuple[str, ...]
    accounts: tuple[str, ...]
    languages: tuple[str, ...]

    @classmethod
    def from_row(cls, row: dict[str, object]) -> QueryRule:
        """From a ``social_query`` row."""

        def items(key: str) -> tuple[str, ...]:
            return tuple(fold(x) for x in split_lines(str(row.get(key) or "")))

        return cls(
            id=int(str(row["id"])),
            include=items("include_terms"),
            exclude=items("exclude_terms"),
            phrases=items("phrases"),
            hashtags=tuple(h.lstrip("#") for h in items("hashtags")),
            accounts=tuple(normalise_handle(a) for a in items("accounts")),
            languages=tuple(x[:2] for x in items("languages")),
        )


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[#@]?[\w.'-]+", fold(text))) + " "


def matches(rule: QueryRule, text: str, author_handle: str, language: str) -> bool:
    """True when the mention satisfies the query."""
    if rule.languages and language and language[:2].lower() not in rule.languages:
        return False
    words = _words(text)
    plain = " " + " ".join(w.lstrip("#@") for w in words.split()) + " "
    if any(f" {term} " in plain for term in rule.exclude):
        return False
    handle = normalise_handle(author_handle)
    if handle and any(handle == a or handle.split("@")[0] == a for a in rule.accounts):
        return True
    if any(f" {term} " in plain for term in rule.include):
        return True
    if any(f" {' '.join(p.split())} " in plain for p in rule.phrases):
        return True
    return any(f" #{tag} " in words for tag in rule.hashtags)
