"""Validation and normalisation of personal data shared by services, the API and imports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from core.errors import InvalidInputError

_SPACES = re.compile(r"\s+")
# An address already in the form email_validator returns for it: a plain ASCII dot-atom
# local part (no leading, trailing or doubled dot, at most 64 characters) and a
# lower-case ASCII domain of letters, digits, dots and hyphens. Anything else takes the
# full validator.
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*)@(?P<domain>[a-z0-9\-]+(?:\.[a-z0-9\-]+)+)"
)
_PLAIN_LOCAL_MAX = 64


def clean_text(value: str | None, max_length: int = 200) -> str | None:
    """Trim, collapse inner whitespace, drop control characters; empty becomes None."""
    if value is None:
        return None
    # Fast path (most cells): printable text has no control ("C") characters to drop.
    printable = (
        value
        if value.isprintable()
        else "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    )
    cleaned = _SPACES.sub(" ", printable).strip()
    if not cleaned:
        return None
    if len(cleaned) > max_length:
        raise InvalidInputError(f"must be at most {max_length} characters")
    return cleaned


def fold(value: str) -> str:
    """Accent- and case-insensitive form for search: ``"José Núñez"`` → ``"jose nunez"``."""
    if value.isascii():
        # ASCII has nothing to decompose, and its casefold is lower(): the same result,
        # without a per-character Python loop (this runs for every imported cell).
        return _SPACES.sub(" ", value.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


@lru_cache(maxsize=4096)
def _domain_accepted(domain: str) -> bool:
    """Whether email_validator accepts ``domain`` unchanged (addresses share few domains)."""
    try:
        result = validate_email("x@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return False
    return result.domain == domain


def plain_email(email: str) -> str | None:
    """``email`` when it is already normalised and certainly valid, else None.

    The fast path of :func:`normalise_email` (most addresses in an import are plain ASCII):
    a strict pattern for the local part, and the domain checked by email_validator once per
    distinct domain. None means "not sure": the caller runs the full validator.
    """
    match = _PLAIN_EMAIL.fullmatch(email)
    if match is None or len(match["local"]) > _PLAIN_LOCAL_MAX or len(email) > 254:
        return None
    return email if _domain_accepted(match["domain"]) else None


def normalise_email(email: str, field: str = "email") -> str:
    """A syntactically valid email address, lower-cased; InvalidInputError otherwise."""
    if len(email) > 254:
        raise InvalidInputError({field: "must be at most 254 characters"})
    text = email.strip()
    if text.isascii() and (plain := plain_email(text.lower())) is not None:
        return plain
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInputError({field: str(exc)}) from exc
    return result.normalized.lower()


def normalise_phone(number: str, default_region: str, field: str = "phone") -> str:
    """A valid phone number in E.164 (``+34911234567``); InvalidInputError otherwise.

    Numbers without a leading ``+`` are read in ``default_region`` (ISO 3166 alpha-2).
    """
    if len(number) > 40:
        raise InvalidInputError({field: "must be at most 40 characters"})
    e164 = _e164(number, default_region.upper())
    if e164 is None:
        raise InvalidInputError({field: f"{number!r} is not a phone number"})
    if not e164:
        raise InvalidInputError({field: f"{number!r} is not a valid phone number"})
    return e164


@lru_cache(maxsize=8192)
def _e164(number: str, region: str) -> str | None:
    """E.164 for a number as typed; None if it cannot be read, "" if it is not valid.

    Memoised: parsing and validating is the slowest step of reading a phone cell, and
    imports repeat numbers (a household's landline, a switchboard).
    """
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(value: str) -> str:
    """Digits only, for phone search (``+1 (555) 010-0000`` → ``15550100000``)."""
    return "".join(ch for ch in value if ch.isdigit())


def normalise_postcode(value: str | None) -> str | None:
    """Upper-case, single-spaced postcode, or None."""
    cleaned = clean_text(value, max_length=20)
    return cleaned.upper() if cleaned else None


def normalise_country(value: str | None, field: str = "country") -> str | None:
    """An ISO 3166-1 alpha-2 code (upper case) or None."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS and code not in {"AQ", "BV", "HM", "TF"}:
        raise InvalidInputError({field: f"{value!r} is not an ISO 3166 country code"})
    return code
