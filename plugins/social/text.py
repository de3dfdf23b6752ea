"""Untrusted text from remote sources: HTML to plain text, length caps, normalised handles."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

MAX_TEXT = 10_000
BLOCK_TAGS = {"p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
SKIP_TAGS = {"script", "style", "template", "noscript"}


class _TextOnly(HTMLParser):
    """Collects character data, turning block tags into line breaks; drops scripts/styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text of an HTML fragment (Mastodon content, feed summaries), capped in length.

    The result is still untrusted: templates escape it like any other text. Stripping only
    stops markup from showing as tags and keeps search and sentiment on the words.
    """
    if not value:
        return ""
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    text = "".join(parts for parts in parser.parts)
    return clean_text(text)


def clean_text(value: str | None, limit: int = MAX_TEXT) -> str:
    """Normalised text: NFC, no control characters, collapsed blank lines, capped."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", html.unescape(value) if "&" in value else value)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    return text[:limit]


def one_line(value: str | None, limit: int = 300) -> str:
    """A single-line, capped string (names, handles)."""
    return clean_text(value, limit).replace("\n", " ")


def normalise_handle(value: str) -> str:
    """Handles compare case-insensitively without a leading ``@``."""
    return value.strip().lstrip("@").lower()
