"""Typed validation of custom field values and their one canonical text form.

* ``text``: cleaned text within the field's ``max_length``;
* ``number``: a finite decimal with at most 15 integer and 6 fractional digits, written
  without exponent (``"1234.5"``); ``1e999999``, ``NaN`` and ``Infinity`` are refused;
* ``date``: ISO ``YYYY-MM-DD``;
* ``choice``: one of the field's choices, exactly;
* ``boolean``: ``"true"`` or ``"false"`` (reads back as a JSON boolean).

``None`` or empty text means "no value".
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.constituents.schemas import CustomFieldOut
from core.errors import InvalidInputError
from core.validation import clean_text

NUMBER_LIMIT = Decimal(10) ** 15  # exclusive bound on the magnitude of a number value
NUMBER_DECIMALS = 6
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _canonical_number(raw: Any) -> str:
    if isinstance(raw, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(raw, int):
        if raw.bit_length() > 64:
            raise ValueError("must be between -10^15 and 10^15")
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("must be a finite number")
        number = Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > 60 or not _NUMBER_TEXT.match(text):
            raise ValueError("must be a decimal number such as 1234.56")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise ValueError("must be a decimal number such as 1234.56") from exc
    else:
        raise ValueError("must be a number")
    if not number.is_finite():
        raise ValueError("must be a finite number")
    # copy_abs and comparisons never touch the decimal context, so 1E+999999 cannot overflow.
    if number.copy_abs() >= NUMBER_LIMIT:
        raise ValueError("must be between -10^15 and 10^15")
    if number.is_zero():
        return "0"
    # Drop trailing fractional zeros by hand: normalize() would round to the context's 28
    # digits and could silently accept a value with more decimal places than allowed.
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    digit_list = list(digits)
    while exponent < 0 and digit_list and digit_list[-1] == 0:
        digit_list.pop()
        exponent += 1
    if exponent < -NUMBER_DECIMALS:
        raise ValueError(f"must have at most {NUMBER_DECIMALS} decimal places")
    return format(Decimal((sign, tuple(digit_list), exponent)), "f")


def _canonical_date(raw: Any) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError("must be a date written YYYY-MM-DD")


def _canonical_boolean(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower()
    raise ValueError("must be true or false")


def canonical_value(field: CustomFieldOut, raw: Any, path: str = "value") -> str | None:
    """The canonical text of ``raw`` for ``field``; None means "no value".

    Raises :class:`InvalidInputError` keyed by ``path``.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        if field.field_type == "number":
            return _canonical_number(raw)
        if field.field_type == "date":
            return _canonical_date(raw)
        if field.field_type == "boolean":
            return _canonical_boolean(raw)
        if not isinstance(raw, str):
            raise ValueError("must be text")
        if field.field_type == "choice":
            if raw.strip() not in field.choices:
                raise ValueError(f"must be one of: {', '.join(field.choices)}")
            return raw.strip()
        return clean_text(raw, max_length=field.max_length)
    except InvalidInputError as exc:
        raise InvalidInputError({path: exc.errors.get("", str(exc))}) from exc
    except ValueError as exc:
        raise InvalidInputError({path: str(exc)}) from exc


def typed_value(field_type: str, canonical: str) -> str | bool:
    """How a stored value reads back: booleans as booleans, everything else as text."""
    return canonical == "true" if field_type == "boolean" else canonical
