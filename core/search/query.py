"""Reading a search box query: name words, and whether it could be an email, phone or postcode.

Everything here is pure Python; :mod:`core.search.service` turns the result into SQL. Users
type anything (quotes, ``*``, ``NEAR``, ``%``, parentheses): name words keep only letters and
digits, and every other part reaches the database as a bound parameter, never as syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from core.errors import InvalidInputError
from core.validation import fold

MAX_QUERY_LENGTH = 200
MAX_NAME_TOKENS = 8
MIN_PHONE_DIGITS = 3

# Letters and digits only: the same word characters as FTS5's unicode61 tokenizer, which
# treats the underscore (and all punctuation) as a separator.
WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PHONE_SHAPE = re.compile(r"^[(]?\+?[0-9 ()\-./]+$")
_POSTCODE_SHAPE = re.compile(r"^[A-Z0-9-]{2,12}$")
_EMAIL_SHAPE = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
# An "@", or a dot or underscore between two letters or digits ("a.garc", "mary_j"). Hyphens
# and apostrophes are left out: they join the words of names ("Smith-Jones", "O'Brien").
_ADDRESS_PUNCTUATION = re.compile(r"@|[^\W_][._][^\W_]")


@dataclass(frozen=True)
class ParsedQuery:
    """What a query can match, each part already normalised like the stored data."""

    text: str
    folded: str
    name_tokens: tuple[str, ...]
    exact_email: str | None
    email_prefix: str | None
    exact_phone_digits: str | None
    phone_fragment: str | None
    postcode_prefix: str | None
    address_shaped: bool


def parse_query(query: str, default_country: str) -> ParsedQuery:
    """Validate and analyse a query; InvalidInputError when empty or too long."""
    # Control characters (NUL, which PostgreSQL refuses in text, among them) act as spaces.
    text = _CONTROL.sub(" ", query).strip()
    if not text:
        raise InvalidInputError({"q": "must not be empty"})
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInputError({"q": f"must be at most {MAX_QUERY_LENGTH} characters"})
    folded = fold(text)
    exact_phone, fragment = _phone_parts(text, default_country)
    # Someone typing an "@" is typing an email address, not a name.
    words = () if "@" in text else name_words(folded)
    return ParsedQuery(
        text=text,
        folded=folded,
        name_tokens=words,
        exact_email=text.lower() if _EMAIL_SHAPE.match(text) else None,
        email_prefix=text.lower() if not any(ch.isspace() for ch in text) else None,
        exact_phone_digits=exact_phone,
        phone_fragment=fragment,
        postcode_prefix=_postcode_prefix(text),
        address_shaped=looks_like_address(text),
    )


def looks_like_address(text: str) -> bool:
    """Whether the query is typed like (the start of) an email address: ``a.garc``, ``jo@``.

    One word with a letter and an ``@``, or a dot or underscore inside it; such a query
    ranks addresses starting with it before name matches.
    """
    if any(ch.isspace() for ch in text) or not any(ch.isalpha() for ch in text):
        return False
    return _ADDRESS_PUNCTUATION.search(text) is not None


def name_words(folded: str) -> tuple[str, ...]:
    """The words a name must start with; one-letter words only when no word is longer.

    An initial ("r" of "r.moore") is below the prefix indexes (2 to 4 characters): as a
    prefix it would enumerate every indexed word starting with that letter, which at
    250,000 constituents multiplied the query's time, and narrows little beside a longer
    word. A query of initials alone ("j") still searches by them.
    """
    words = WORD.findall(folded)
    if any(len(word) >= 2 for word in words):
        words = [word for word in words if len(word) >= 2]
    return tuple(words[:MAX_NAME_TOKENS])


def _phone_parts(text: str, default_country: str) -> tuple[str | None, str | None]:
    """(digits of the E.164 number when the query is a valid phone, else digits to look for).

    A complete valid number is answered from the exact-digits index alone; only partial
    input looks for the digits inside stored numbers (a substring search).
    """
    if not _PHONE_SHAPE.match(text):
        return None, None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < MIN_PHONE_DIGITS:
        return None, None
    parsed = _valid_phone(text, digits, default_country)
    if parsed is not None:
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        return e164.lstrip("+"), None
    # A partial number: drop a trunk "0" or an international "00" so "0911 23" finds
    # "34911234567" (stored digits never carry them).
    fragment = digits.lstrip("0")
    return None, fragment if len(fragment) >= MIN_PHONE_DIGITS else None


def _valid_phone(text: str, digits: str, default_country: str) -> phonenumbers.PhoneNumber | None:
    """The number, read as typed, as +digits, or after an international "00" prefix."""
    candidates = [text]
    if "+" in text:
        candidates.append("+" + digits)
    if digits.startswith("00"):
        candidates.append("+" + digits[2:])
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, default_country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return parsed
    return None


def _postcode_prefix(text: str) -> str | None:
    """Upper case without spaces, when the query looks like (the start of) a postcode."""
    compact = text.upper().replace(" ", "")
    if _POSTCODE_SHAPE.match(compact) and any(ch.isdigit() for ch in compact):
        return compact
    return None


def fts5_match_expression(tokens: tuple[str, ...]) -> str:
    """An FTS5 query matching every token as a word prefix: ``"jose"* "nun"*``.

    Tokens hold only letters and digits, so quoting them leaves no FTS syntax to inject.
    """
    return " ".join(f'"{token}"*' for token in tokens)


def tsquery_expression(tokens: tuple[str, ...]) -> str:
    """A PostgreSQL ``to_tsquery`` text matching every token as a prefix: ``jose:* & nun:*``."""
    return " & ".join(f"{token}:*" for token in tokens)


def like_escape(value: str) -> str:
    r"""Escape ``%``, ``_`` and ``\`` for ``LIKE ... ESCAPE '\'``."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
