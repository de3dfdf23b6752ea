"""Reading and writing gift rows and their parts (splits, soft credits, tribute).

No transactions or events here: :mod:`plugins.donations.gifts` composes these inside its
units of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import db
from core.errors import InvalidInputError, NotFoundError
from plugins.donations.common import as_bool, as_date, as_instant, as_int
from plugins.donations.models import (
    Gift,
    GiftIn,
    SoftCreditOut,
    SplitOut,
    TributeOut,
)

GIFT_COLUMNS = (
    "donor_id",
    "amount_minor",
    "currency",
    "gift_date",
    "fiscal_year",
    "received_at",
    "payment_method",
    "status",
    "anonymous",
    "non_deductible_minor",
    "in_kind_description",
    "source",
    "external_id",
    "campaign_id",
    "appeal_id",
    "pledge_id",
    "recurring_id",
    "batch_id",
    "matches_gift_id",
    "notes",
)


async def _exists(table: str, record_id: int, *, live_column: str | None = None) -> bool:
    extra = f" AND {live_column} IS NULL" if live_column else ""
    row = await db.fetch_one(f"SELECT id FROM {table} WHERE id = {{}}{extra}", record_id)
    return row is not None


async def check_references(data: GiftIn) -> None:
    """Every referenced record exists and every amount adds up; InvalidInputError otherwise."""
    errors: dict[str, str] = {}
    if not await _exists("core_constituent", data.donor_id, live_column="deleted_at"):
        errors["donor_id"] = "no such constituent"
    if data.splits and sum(s.amount_minor for s in data.splits) != data.amount_minor:
        errors["splits"] = "the splits must add up to the gift's amount"
    if len({s.fund_id for s in data.splits}) != len(data.splits):
        errors["splits"] = "a fund may appear only once"
    for index, split in enumerate(data.splits):
        if not await _exists("donations_fund", split.fund_id):
            errors[f"splits.{index}.fund_id"] = "no such fund"
    for index, credit in enumerate(data.soft_credits):
        if credit.amount_minor > data.amount_minor:
            errors[f"soft_credits.{index}.amount_minor"] = "cannot exceed the gift's amount"
        if credit.constituent_id == data.donor_id:
            errors[f"soft_credits.{index}.constituent_id"] = "the donor already has the credit"
        elif not await _exists("core_constituent", credit.constituent_id, live_column="deleted_at"):
            errors[f"soft_credits.{index}.constituent_id"] = "no such constituent"
    if data.non_deductible_minor > data.amount_minor:
        errors["non_deductible_minor"] = "cannot exceed the gift's amount"
    if data.payment_method == "in_kind" and not data.in_kind_description:
        errors["in_kind_description"] = "an in-kind gift needs a description"
    await _check_structure(data, errors)
    if errors:
        raise InvalidInputError(errors)


async def _check_structure(data: GiftIn, errors: dict[str, str]) -> None:
    if data.campaign_id is not None and not await _exists("donations_campaign", data.campaign_id):
        errors["campaign_id"] = "no such campaign"
    if data.appeal_id is not None:
        appeal = await db.fetch_one(
            "SELECT campaign_id FROM donations_appeal WHERE id = {}", data.appeal_id
        )
        if appeal is None:
            errors["appeal_id"] = "no such appeal"
        elif data.campaign_id is not None and int(appeal["campaign_id"]) != data.campaign_id:
            errors["appeal_id"] = "the appeal belongs to another campaign"
    for field, table in (
        ("pledge_id", "donations_pledge"),
        ("recurring_id", "donations_recurring"),
        ("matches_gift_id", "donations_gift"),
    ):
        value = getattr(data, field)
        if value is not None and not await _exists(table, value):
            errors[field] = "no such record"


def row_values(
    data: GiftIn, gift_date: Any, fiscal_year: int, batch_id: int | None
) -> dict[str, Any]:
    """The gift columns for an insert or update."""
    values = data.model_dump(include=set(GIFT_COLUMNS))
    values.update(gift_date=gift_date, fiscal_year=fiscal_year, batch_id=batch_id)
    return values


async def insert_gift(values: dict[str, Any], now: datetime) -> int | None:
    """Insert a gift row; None when (source, external_id) already exists."""
    columns = [*GIFT_COLUMNS, "created_at", "updated_at"]
    marks = ", ".join("{}" for _ in columns)
    row = await db.fetch_one(
        f"INSERT INTO donations_gift ({', '.join(columns)}) VALUES ({marks}) "
        "ON CONFLICT (source, external_id) DO NOTHING RETURNING id",
        *[values[c] for c in GIFT_COLUMNS],
        now,
        now,
    )
    return None if row is None else int(row["id"])


async def update_gift_row(gift_id: int, values: dict[str, Any], now: datetime) -> None:
    """Overwrite a gift's editable columns."""
    names = [c for c in GIFT_COLUMNS if c in values]
    assignments = ", ".join(f"{c} = {{}}" for c in names)
    await db.execute(
        f"UPDATE donations_gift SET {assignments}, updated_at = {{}} WHERE id = {{}}",
        *[values[c] for c in names],
        now,
        gift_id,
    )


async def replace_parts(gift_id: int, data: GiftIn) -> None:
    """Store the gift's splits, soft credits and tribute, replacing any before."""
    for table in ("donations_gift_split", "donations_soft_credit", "donations_tribute"):
        await db.execute(f"DELETE FROM {table} WHERE gift_id = {{}}", gift_id)
    await db.execute_many(
        "INSERT INTO donations_gift_split (gift_id, fund_id, amount_minor) VALUES ({}, {}, {})",
        [[gift_id, s.fund_id, s.amount_minor] for s in data.splits],
    )
    await db.execute_many(
        "INSERT INTO donations_soft_credit (gift_id, constituent_id, credit_type, amount_minor) "
        "VALUES ({}, {}, {}, {})",
        [[gift_id, c.constituent_id, c.credit_type, c.amount_minor] for c in data.soft_credits],
    )
    if data.tribute is not None:
        t = data.tribute
        await db.execute(
            "INSERT INTO donations_tribute (gift_id, tribute_type, honoree_name, honoree_id, "
            "notify_name, notify_email, notify_address) VALUES ({}, {}, {}, {}, {}, {}, {})",
            gift_id,
            t.tribute_type,
            t.honoree_name,
            t.honoree_id,
            t.notify_name,
            t.notify_email,
            t.notify_address,
        )


def gift_from_row(row: dict[str, Any]) -> Gift:
    """A :class:`Gift` (without parts) from a ``donations_gift`` row."""
    data = dict(row)
    for key in ("received_at", "refunded_at", "created_at", "updated_at", "deleted_at"):
        data[key] = as_instant(data[key])
    data["gift_date"] = as_date(data["gift_date"])
    data["anonymous"] = as_bool(data["anonymous"])
    for key in ("amount_minor", "non_deductible_minor"):
        data[key] = as_int(data[key])
    return Gift.model_validate(data)


async def fetch_gift(gift_id: int, *, include_deleted: bool = False) -> Gift:
    """One gift with its parts; NotFoundError when missing (or deleted)."""
    row = await db.fetch_one("SELECT * FROM donations_gift WHERE id = {}", gift_id)
    if row is None or (row["deleted_at"] is not None and not include_deleted):
        raise NotFoundError(f"no gift {gift_id}")
    gift = gift_from_row(row)
    splits = await db.fetch_all(
        "SELECT fund_id, amount_minor FROM donations_gift_split WHERE gift_id = {} ORDER BY id",
        gift_id,
    )
    credits = await db.fetch_all(
        "SELECT constituent_id, credit_type, amount_minor FROM donations_soft_credit "
        "WHERE gift_id = {} ORDER BY id",
        gift_id,
    )
    tribute = await db.fetch_one(
        "SELECT tribute_type, honoree_name, honoree_id, notify_name, notify_email, "
        "notify_address FROM donations_tribute WHERE gift_id = {}",
        gift_id,
    )
    gift.splits = [
        SplitOut(fund_id=s["fund_id"], amount_minor=as_int(s["amount_minor"])) for s in splits
    ]
    gift.soft_credits = [
        SoftCreditOut(
            constituent_id=c["constituent_id"],
            credit_type=c["credit_type"],
            amount_minor=as_int(c["amount_minor"]),
        )
        for c in credits
    ]
    gift.tribute = TributeOut.model_validate(tribute) if tribute else None
    return gift


async def find_by_external(source: str, external_id: str) -> Gift | None:
    """The gift recorded under ``(source, external_id)``, deleted or not."""
    row = await db.fetch_one(
        "SELECT id FROM donations_gift WHERE source = {} AND external_id = {}",
        source,
        external_id,
    )
    return None if row is None else await fetch_gift(int(row["id"]), include_deleted=True)
