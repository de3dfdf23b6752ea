"""Validation and normalisation of personal data shared by services, the API and imports."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from core.errors import InvalidInputError

_SPACES = re.compile(r"\s+")


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


def normalise_email(email: str, field: str = "email") -> str:
    """A syntactically valid email address, lower-cased; InvalidInputError otherwise."""
    if len(email) > 254:
        raise InvalidInputError({field: "must be at most 254 characters"})
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInputError({field: str(exc)}) from exc
    return result.normalized.lower()


def normalise_phone(number: str, default_region: str, field: str = "phone") -> str:
    """A valid phone number in E.164 (``+34911234567``); InvalidInputError otherwise.

    Numbers without a leading ``+`` are read in ``default_region`` (ISO 3166 alpha-2).
    """
    if len(number) > 40:
        raise InvalidInputError({field: "must be at most 40 characters"})
    try:
        parsed = phonenumbers.parse(number, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidInputError({field: f"{number!r} is not a phone number"}) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInputError({field: f"{number!r} is not a valid phone number"})
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
