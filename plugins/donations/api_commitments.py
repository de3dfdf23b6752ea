"""API for pledges, recurring gifts and batches."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import delete, get, patch, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel

from plugins.donations import batches, pledges, recurring
from plugins.donations.api_support import (
    MANAGE,
    READ,
    TAGS,
    WRITE,
    Id,
    OptionalId,
    PreciseJSONRequest,
)
from plugins.donations.models import Gift, GiftIn, Input, PaymentMethod, PositiveMinor

Status = Annotated[str | None, QueryParameter(max_length=20)]


class PaymentIn(Input):
    """A payment against a pledge or a recurring gift."""

    amount_minor: PositiveMinor | None = None
    gift_date: date | None = None
    payment_method: PaymentMethod = "cash"


class RecurringOut(recurring.Recurring):
    """A recurring gift with what it is expected to bring this fiscal year."""

    expected_this_fiscal_year_minor: int


class Posted(BaseModel):
    """The gifts a posted batch created."""

    gift_ids: list[int]


@get("/pledges", opt=READ, tags=TAGS)
async def list_pledges(donor_id: OptionalId = None, status: Status = None) -> list[pledges.Pledge]:
    """Pledges, newest first."""
    return await pledges.list_pledges(donor_id, status)


@post("/pledges", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_pledge(data: JSONBody[pledges.PledgeIn]) -> pledges.Pledge:
    """Record a pledge with its instalment schedule."""
    return await pledges.create_pledge(data)


@get("/pledges/{pledge_id:int}", opt=READ, tags=TAGS)
async def get_pledge(pledge_id: Id) -> pledges.Pledge:
    """A pledge with payments applied to its instalments."""
    return await pledges.get_pledge(pledge_id)


@post("/pledges/{pledge_id:int}/payments", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def pay_pledge(pledge_id: Id, data: JSONBody[PaymentIn]) -> pledges.Pledge:
    """Record a payment against a pledge (default: the whole balance)."""
    pledge = await pledges.get_pledge(pledge_id)
    return await pledges.pay_pledge(
        pledge_id,
        data.amount_minor or pledge.balance_minor,
        gift_date=data.gift_date,
        payment_method=data.payment_method,
    )


@post("/pledges/{pledge_id:int}/write-off", opt=WRITE, status_code=200, tags=TAGS)
async def write_off_pledge(pledge_id: Id) -> pledges.Pledge:
    """Write off what is still owed."""
    return await pledges.write_off(pledge_id)


async def _out(item: recurring.Recurring) -> RecurringOut:
    expected = await recurring.expected_this_fiscal_year(item.id)
    return RecurringOut(**item.model_dump(), expected_this_fiscal_year_minor=expected)


@get("/recurring", opt=READ, tags=TAGS)
async def list_recurring(
    donor_id: OptionalId = None, status: Status = None
) -> list[recurring.Recurring]:
    """Recurring gifts, newest first."""
    return await recurring.list_recurring(donor_id, status)


@post("/recurring", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_recurring(data: JSONBody[recurring.RecurringIn]) -> RecurringOut:
    """Start a recurring gift."""
    return await _out(await recurring.create_recurring(data))


@get("/recurring/{recurring_id:int}", opt=READ, tags=TAGS)
async def get_recurring(recurring_id: Id) -> RecurringOut:
    """A recurring gift and its expected value this fiscal year."""
    return await _out(await recurring.get_recurring(recurring_id))


@patch("/recurring/{recurring_id:int}", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def change_recurring(
    recurring_id: Id, data: JSONBody[recurring.RecurringPatch]
) -> RecurringOut:
    """Change amount, frequency or status (logged as upgrade, downgrade...)."""
    return await _out(await recurring.change_recurring(recurring_id, data))


@get("/recurring/{recurring_id:int}/changes", opt=READ, tags=TAGS)
async def recurring_changes(recurring_id: Id) -> list[recurring.Change]:
    """The change log, oldest first."""
    return await recurring.change_log(recurring_id)


@post(
    "/recurring/{recurring_id:int}/payments", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS
)
async def recurring_payment(recurring_id: Id, data: JSONBody[PaymentIn]) -> Gift:
    """Record one instalment of a recurring gift."""
    return await recurring.record_payment(
        recurring_id, gift_date=data.gift_date, amount_minor=data.amount_minor
    )


@post("/batches", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_batch(data: JSONBody[batches.BatchIn]) -> batches.Batch:
    """Open a batch with control totals."""
    return await batches.create_batch(data)


@get("/batches/{batch_id:int}", opt=READ, tags=TAGS)
async def get_batch(batch_id: Id) -> batches.Batch:
    """A batch, its items and whether they match the controls."""
    return await batches.get_batch(batch_id)


@post("/batches/{batch_id:int}/items", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def add_batch_item(batch_id: Id, data: JSONBody[GiftIn]) -> batches.Batch:
    """Key a gift into an open batch."""
    return await batches.add_item(batch_id, data)


@delete("/batches/{batch_id:int}/items/{item_id:int}", opt=WRITE, status_code=200, tags=TAGS)
async def remove_batch_item(batch_id: Id, item_id: Id) -> batches.Batch:
    """Take a keyed gift out of an open batch."""
    return await batches.remove_item(batch_id, item_id)


@post("/batches/{batch_id:int}/post", opt=MANAGE, status_code=200, tags=TAGS)
async def post_batch(batch_id: Id) -> Posted:
    """Post the batch (409 unless count and amount match the controls)."""
    return Posted(gift_ids=await batches.post_batch(batch_id))


ROUTES: list[Any] = [
    list_pledges, create_pledge, get_pledge, pay_pledge, write_off_pledge,
    list_recurring, create_recurring, get_recurring, change_recurring, recurring_changes,
    recurring_payment, create_batch, get_batch, add_batch_item, remove_batch_item, post_batch,
]  # fmt: skip
