"""Batch gift entry: staff key gifts into a batch that posts only when it matches its controls.

Items are validated when keyed and kept as JSON; posting records every gift in one unit of
work, so a batch posts completely or not at all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from core import audit, db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.donations import gift_store, gifts
from plugins.donations.common import as_int
from plugins.donations.models import GiftIn, Input, Minor, check_currency

ENTITY = "donations_batch"


class BatchIn(Input):
    """A batch with the totals its items must reach before it can post."""

    name: str = Field(min_length=1, max_length=200)
    control_count: int = Field(ge=1, le=10_000)
    control_minor: Minor
    currency: str = Field(min_length=3, max_length=3)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class BatchItem(BaseModel):
    """One keyed gift."""

    id: int
    gift: GiftIn


class Batch(BaseModel):
    """A batch, its items and how they compare with the control totals."""

    id: int
    name: str
    status: str
    currency: str
    control_count: int
    control_minor: int
    item_count: int
    item_minor: int
    balanced: bool
    items: list[BatchItem]


async def create_batch(data: BatchIn) -> Batch:
    """Open an empty batch."""
    async with unit_of_work():
        row = await db.fetch_one(
            "INSERT INTO donations_batch (name, control_count, control_minor, currency, status, "
            "created_at) VALUES ({}, {}, {}, {}, 'open', {}) RETURNING id",
            data.name,
            data.control_count,
            data.control_minor,
            data.currency,
            datetime.now(UTC),
        )
        assert row is not None
        await audit.record_change("create", ENTITY, row["id"], after=data.model_dump())
    return await get_batch(int(row["id"]))


async def get_batch(batch_id: int) -> Batch:
    """A batch with its items; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM donations_batch WHERE id = {}", batch_id)
    if row is None:
        raise NotFoundError(f"no batch {batch_id}")
    items = await db.fetch_all(
        "SELECT id, payload FROM donations_batch_item WHERE batch_id = {} ORDER BY id", batch_id
    )
    parsed = [
        BatchItem(id=int(i["id"]), gift=GiftIn.model_validate(json.loads(i["payload"])))
        for i in items
    ]
    total = sum(i.gift.amount_minor for i in parsed)
    control_count, control_minor = int(row["control_count"]), as_int(row["control_minor"])
    return Batch(
        id=batch_id,
        name=row["name"],
        status=row["status"],
        currency=row["currency"],
        control_count=control_count,
        control_minor=control_minor,
        item_count=len(parsed),
        item_minor=total,
        balanced=len(parsed) == control_count and total == control_minor,
        items=parsed,
    )


async def _open(batch_id: int) -> Batch:
    batch = await get_batch(batch_id)
    if batch.status != "open":
        raise ConflictError(f"batch {batch_id} is {batch.status}")
    return batch


async def add_item(batch_id: int, data: GiftIn) -> Batch:
    """Key a gift into an open batch (validated now, recorded when the batch posts)."""
    async with unit_of_work():
        batch = await _open(batch_id)
        if data.currency != batch.currency:
            raise InvalidInputError({"currency": f"this batch is in {batch.currency}"})
        await gift_store.check_references(data)
        await db.execute(
            "INSERT INTO donations_batch_item (batch_id, payload, amount_minor, created_at) "
            "VALUES ({}, {}, {}, {})",
            batch_id,
            data.model_dump_json(),
            data.amount_minor,
            datetime.now(UTC),
        )
    return await get_batch(batch_id)


async def remove_item(batch_id: int, item_id: int) -> Batch:
    """Take a keyed gift out of an open batch."""
    async with unit_of_work():
        await _open(batch_id)
        await db.execute(
            "DELETE FROM donations_batch_item WHERE id = {} AND batch_id = {}", item_id, batch_id
        )
    return await get_batch(batch_id)


async def post_batch(batch_id: int) -> list[int]:
    """Record every item as a gift, all or nothing; ConflictError unless the totals match."""
    async with unit_of_work():
        batch = await _open(batch_id)
        if not batch.balanced:
            raise ConflictError(
                f"batch {batch_id} has {batch.item_count} gifts totalling {batch.item_minor}; "
                f"the controls say {batch.control_count} totalling {batch.control_minor}"
            )
        ids: list[int] = []
        for item in batch.items:
            ids.append((await gifts.record_gift(item.gift, batch_id=batch_id)).id)
        await db.execute(
            "UPDATE donations_batch SET status = 'posted', posted_at = {} WHERE id = {}",
            datetime.now(UTC),
            batch_id,
        )
        summary: dict[str, Any] = {"gift_ids": ids, "total_minor": batch.item_minor}
        await audit.record_change("post", ENTITY, batch_id, after=summary)
        await emit("donations.batch_posted", {"batch_id": batch_id, **summary})
    return ids
