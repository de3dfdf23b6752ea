"""The optional parts of the gift form: fund splits, soft credits, a tribute and matching.

The form offers :data:`SPLIT_ROWS` fund rows and :data:`CREDIT_ROWS` soft-credit rows, named
``split_fund_1``/``split_amount_1``, ``credit_id_1``/``credit_type_1``/``credit_amount_1`` and
so on. Blank rows are ignored. One fund with no amount takes the whole gift; a soft credit
with no amount is for the whole gift. The service checks what needs the database (funds and
constituents exist, splits add up); its messages come back next to the row they concern.
"""

from __future__ import annotations

import re
from typing import Any

from core.i18n import gettext as _
from plugins.donations.admin_common import MAX_ID, major_text, parse_amount
from plugins.donations.models import Gift

SPLIT_ROWS = 4
CREDIT_ROWS = 3
TRIBUTE_FIELDS = ("honoree_name", "notify_name", "notify_email", "notify_address")


def _text(values: dict[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _record_id(values: dict[str, Any], name: str, errors: dict[str, str]) -> int | None:
    text = _text(values, name)
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        errors[name] = _("Enter a number from the list or the contact's page.")
        return None
    return int(text)


RowNumbers = dict[str, list[int]]


def parse_splits(
    values: dict[str, Any], currency: str, total_minor: int, errors: dict[str, str]
) -> list[tuple[int, dict[str, int]]]:
    """The filled fund rows as (row, split); one fund with no amount takes the whole gift."""
    rows: list[tuple[int, int | None, int | None]] = []
    for row in range(1, SPLIT_ROWS + 1):
        fund = _record_id(values, f"split_fund_{row}", errors)
        typed = _text(values, f"split_amount_{row}")
        amount = parse_amount(typed, currency, f"split_amount_{row}", errors) if typed else None
        if fund is None and typed and f"split_fund_{row}" not in errors:
            errors[f"split_fund_{row}"] = _("Choose the fund this amount goes to.")
        if fund is not None:
            rows.append((row, fund, amount))
    if len(rows) == 1 and rows[0][2] is None:
        return [(rows[0][0], {"fund_id": rows[0][1] or 0, "amount_minor": total_minor})]
    for row, _fund, amount in rows:
        if amount is None and f"split_amount_{row}" not in errors:
            errors[f"split_amount_{row}"] = _("Give each fund its part of the gift.")
    return [
        (row, {"fund_id": fund or 0, "amount_minor": amount or 0}) for row, fund, amount in rows
    ]


def parse_soft_credits(
    values: dict[str, Any], currency: str, total_minor: int, errors: dict[str, str]
) -> list[tuple[int, dict[str, Any]]]:
    """The filled soft-credit rows as (row, credit); no amount credits the whole gift."""
    credits: list[tuple[int, dict[str, Any]]] = []
    for row in range(1, CREDIT_ROWS + 1):
        constituent = _record_id(values, f"credit_id_{row}", errors)
        credit_type = _text(values, f"credit_type_{row}")
        typed = _text(values, f"credit_amount_{row}")
        if constituent is None:
            if (credit_type or typed) and f"credit_id_{row}" not in errors:
                errors[f"credit_id_{row}"] = _("Enter who receives this credit.")
            continue
        if not credit_type:
            errors[f"credit_type_{row}"] = _("Choose the kind of credit.")
        amount = parse_amount(typed, currency, f"credit_amount_{row}", errors) if typed else None
        credit = {
            "constituent_id": constituent,
            "credit_type": credit_type or "solicitor",
            "amount_minor": total_minor if amount is None else amount,
        }
        credits.append((row, credit))
    return credits


def parse_tribute(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any] | None:
    """The tribute, or None when no tribute type is chosen and no honoree named."""
    tribute_type = _text(values, "tribute_type")
    fields = {name: _text(values, name) or None for name in TRIBUTE_FIELDS}
    if not tribute_type:
        if any(fields.values()):
            errors["tribute_type"] = _("Choose whether the gift is in honour or in memory.")
        return None
    if not fields["honoree_name"]:
        errors["honoree_name"] = _("Enter the name of the person honoured.")
    return {"tribute_type": tribute_type, **fields}


def parse_parts(
    values: dict[str, Any], currency: str, total_minor: int, errors: dict[str, str]
) -> tuple[dict[str, Any], RowNumbers]:
    """Splits, soft credits, tribute, matched gift and benefit value in GiftIn shape,
    with the form row each split and soft credit came from (to place service errors)."""
    splits = parse_splits(values, currency, total_minor, errors)
    credits = parse_soft_credits(values, currency, total_minor, errors)
    parts: dict[str, Any] = {
        "splits": [split for _row, split in splits],
        "soft_credits": [credit for _row, credit in credits],
        "tribute": parse_tribute(values, errors),
        "matches_gift_id": _record_id(values, "matches_gift_id", errors),
    }
    benefit = _text(values, "non_deductible")
    parts["non_deductible_minor"] = (
        parse_amount(benefit, currency, "non_deductible", errors) or 0 if benefit else 0
    )
    rows = {"splits": [row for row, _ in splits], "soft_credits": [row for row, _ in credits]}
    return parts, rows


def part_values(gift: Gift) -> dict[str, Any]:
    """A stored gift's parts as the form's typed values."""
    values: dict[str, Any] = {
        "matches_gift_id": gift.matches_gift_id,
        "non_deductible": (
            major_text(gift.non_deductible_minor, gift.currency)
            if gift.non_deductible_minor
            else ""
        ),
    }
    one_fund = len(gift.splits) == 1
    for row, split in enumerate(gift.splits[:SPLIT_ROWS], start=1):
        values[f"split_fund_{row}"] = split.fund_id
        values[f"split_amount_{row}"] = (
            "" if one_fund else major_text(split.amount_minor, gift.currency)
        )
    for row, credit in enumerate(gift.soft_credits[:CREDIT_ROWS], start=1):
        values[f"credit_id_{row}"] = credit.constituent_id
        values[f"credit_type_{row}"] = credit.credit_type
        values[f"credit_amount_{row}"] = major_text(credit.amount_minor, gift.currency)
    if gift.tribute is not None:
        values["tribute_type"] = gift.tribute.tribute_type
        values.update({name: getattr(gift.tribute, name) or "" for name in TRIBUTE_FIELDS})
    return values


_ROW_ERROR = re.compile(r"^(splits|soft_credits)\.(\d+)\.(\w+)$")
_ROW_FIELDS = {
    ("splits", "fund_id"): "split_fund",
    ("splits", "amount_minor"): "split_amount",
    ("soft_credits", "constituent_id"): "credit_id",
    ("soft_credits", "credit_type"): "credit_type",
    ("soft_credits", "amount_minor"): "credit_amount",
}
_PART_FIELDS = {
    "splits": "split_fund_1",
    "soft_credits": "credit_id_1",
    "tribute": "tribute_type",
    "non_deductible_minor": "non_deductible",
}


def part_field(key: str, rows: RowNumbers) -> str | None:
    """The form field a service error key about a part belongs to, if it is about a part."""
    match = _ROW_ERROR.match(key)
    if match:
        prefix = _ROW_FIELDS.get((match[1], match[3]))
        numbers = rows.get(match[1], [])
        index = int(match[2])
        row = numbers[index] if index < len(numbers) else 1
        return f"{prefix}_{row}" if prefix else None
    if key.startswith("tribute."):
        field = key.split(".")[1]
        return field if field in (*TRIBUTE_FIELDS, "tribute_type") else "tribute_type"
    return _PART_FIELDS.get(key.split(".")[0]) if key.split(".")[0] in _PART_FIELDS else None
