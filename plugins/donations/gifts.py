"""Gift services: record (idempotent), edit, refund, delete, and matching gifts.

Each change runs in one unit of work with an audit entry, a domain event dispatched after
commit, and a recomputation of every affected donor's rollups (hard and soft credit
holders, before and after the change), so totals are exact the moment the change commits.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict

from core import audit, db
from core.errors import ConflictError, InvalidInputError
from core.events import emit, unit_of_work
from core.interactions import service as interactions
from core.interactions.restate import restate_interaction
from core.pagination import offset_of
from plugins.donations import gift_store, rollups
from plugins.donations.common import PLUGIN, fiscal_year_of, org, org_date_of, org_today
from plugins.donations.models import Gift, GiftIn, GiftPatch, SoftCreditIn

ENTITY = "donations_gift"
INTERACTION_TYPE = "donations.gift"


class GiftInteraction(BaseModel):
    """Payload of a ``donations.gift`` timeline interaction."""

    model_config = ConfigDict(extra="forbid")
    gift_id: int
    amount_minor: int
    currency: str
    status: str
    payment_method: str


def _affected(gift: Gift | GiftIn | None) -> set[int]:
    if gift is None:
        return set()
    return {gift.donor_id, *(c.constituent_id for c in gift.soft_credits)}


def _event(gift: Gift) -> dict[str, Any]:
    return {
        "gift_id": gift.id,
        "donor_id": gift.donor_id,
        "amount_minor": gift.amount_minor,
        "currency": gift.currency,
        "status": gift.status,
        "gift_date": gift.gift_date.isoformat(),
    }


def accounting_date(data: GiftIn) -> Any:
    """The gift's date in the organisation's time zone."""
    if data.gift_date is not None:
        return data.gift_date
    if data.received_at is not None:
        return org_date_of(data.received_at)
    return org_today()


def _occurred(gift: Gift) -> datetime:
    return gift.received_at or datetime.combine(
        gift.gift_date, time(12), tzinfo=org().zone
    ).astimezone(UTC)


def _timeline_payload(gift: Gift) -> GiftInteraction:
    return GiftInteraction(
        gift_id=gift.id,
        amount_minor=gift.amount_minor,
        currency=gift.currency,
        status=gift.status,
        payment_method=gift.payment_method,
    )


async def _timeline(gift: Gift) -> None:
    await interactions.record_interaction(
        constituent_id=gift.donor_id,
        interaction_type=INTERACTION_TYPE,
        payload=_timeline_payload(gift),
        direction="inbound",
        initiated_by="constituent",
        occurred_at=_occurred(gift),
        subject=f"Gift {gift.id}",
        external_ref=f"gift:{gift.id}",
    )


async def _restate_timeline(gift: Gift) -> None:
    """The gift's timeline item follows its donor, amount, status and date."""
    await restate_interaction(
        PLUGIN,
        f"gift:{gift.id}",
        payload=_timeline_payload(gift),
        constituent_id=gift.donor_id,
        occurred_at=_occurred(gift),
    )


def _replay(existing: Gift, data: GiftIn) -> Gift:
    if existing.donor_id != data.donor_id or existing.amount_minor != data.amount_minor:
        raise ConflictError(
            f"external id {data.external_id!r} of source {data.source!r} already identifies "
            f"gift {existing.id} with another donor or amount"
        )
    return existing


async def record_gift(data: GiftIn, *, batch_id: int | None = None) -> Gift:
    """Record a gift; with ``external_id`` a repeat returns the gift already stored.

    Raises InvalidInputError (unknown references, splits not adding up) and ConflictError
    (the external id names a different gift).
    """
    async with unit_of_work():
        if data.external_id is not None and (
            existing := await gift_store.find_by_external(data.source, data.external_id)
        ):
            return _replay(existing, data)
        await gift_store.check_references(data)
        day = accounting_date(data)
        values = gift_store.row_values(data, day, fiscal_year_of(day), batch_id)
        gift_id = await gift_store.insert_gift(values, datetime.now(UTC))
        if gift_id is None:  # a concurrent delivery committed first
            assert data.external_id is not None
            existing = await gift_store.find_by_external(data.source, data.external_id)
            assert existing is not None
            return _replay(existing, data)
        await gift_store.replace_parts(gift_id, data)
        gift = await gift_store.fetch_gift(gift_id)
        await rollups.recompute_donors(_affected(gift))
        await audit.record_change(
            "create", ENTITY, gift_id, after=gift.snapshot(), constituent_id=gift.donor_id
        )
        await _timeline(gift)
        await emit("donations.gift_recorded", _event(gift))
    return gift


async def update_gift(gift_id: int, patch: GiftPatch) -> Gift:
    """Change the fields sent; lists (splits, soft credits) replace the stored ones."""
    async with unit_of_work():
        before = await gift_store.fetch_gift(gift_id)
        merged = before.as_input()
        merged.update(patch.model_dump(exclude_unset=True))
        fields = patch.model_fields_set
        if "amount_minor" in fields and "splits" not in fields and len(before.splits) == 1:
            # One fund: it follows the amount.
            merged["splits"] = [{**merged["splits"][0], "amount_minor": merged["amount_minor"]}]
        if "received_at" in patch.model_fields_set and "gift_date" not in patch.model_fields_set:
            merged["gift_date"] = None
        data = GiftIn.model_validate(merged)
        await gift_store.check_references(data)
        day = accounting_date(data)
        values = gift_store.row_values(data, day, fiscal_year_of(day), before.batch_id)
        await gift_store.update_gift_row(gift_id, values, datetime.now(UTC))
        await gift_store.replace_parts(gift_id, data)
        after = await gift_store.fetch_gift(gift_id)
        await rollups.recompute_donors(_affected(before) | _affected(after))
        await _restate_timeline(after)
        await audit.record_change(
            "update",
            ENTITY,
            gift_id,
            before=before.snapshot(),
            after=after.snapshot(),
            constituent_id=after.donor_id,
        )
        await emit("donations.gift_updated", _event(after))
    return after


async def refund_gift(gift_id: int) -> Gift:
    """Mark a received gift refunded: it leaves every total; the record stays."""
    async with unit_of_work():
        before = await gift_store.fetch_gift(gift_id)
        if before.status != "received":
            raise ConflictError(f"gift {gift_id} is {before.status}, not received")
        now = datetime.now(UTC)
        await db.execute(
            "UPDATE donations_gift SET status = 'refunded', refunded_at = {}, updated_at = {} "
            "WHERE id = {}",
            now,
            now,
            gift_id,
        )
        after = await gift_store.fetch_gift(gift_id)
        await rollups.recompute_donors(_affected(after))
        await _restate_timeline(after)
        await audit.record_change(
            "refund",
            ENTITY,
            gift_id,
            before=before.snapshot(),
            after=after.snapshot(),
            constituent_id=after.donor_id,
        )
        await emit("donations.gift_refunded", _event(after))
    return after


async def delete_gift(gift_id: int) -> None:
    """Soft-delete a gift (a keying mistake): it leaves totals, lists and the timeline."""
    async with unit_of_work():
        before = await gift_store.fetch_gift(gift_id)
        now = datetime.now(UTC)
        await db.execute(
            "UPDATE donations_gift SET deleted_at = {}, updated_at = {} WHERE id = {}",
            now,
            now,
            gift_id,
        )
        await rollups.recompute_donors(_affected(before))
        interaction = await db.fetch_value(
            "SELECT id FROM core_interaction WHERE source_plugin = {} AND external_ref = {} "
            "AND deleted_at IS NULL",
            "donations",
            f"gift:{gift_id}",
        )
        if interaction is not None:
            await interactions.delete_interaction(int(interaction))
        await audit.record_change(
            "delete", ENTITY, gift_id, before=before.snapshot(), constituent_id=before.donor_id
        )
        await emit("donations.gift_deleted", _event(before))


async def record_matching_gift(
    employee_gift_id: int, employer_id: int, amount_minor: int, *, source: str = "matching"
) -> Gift:
    """The employer's matching gift: hard credit to the employer, soft credit to the employee."""
    employee_gift = await gift_store.fetch_gift(employee_gift_id)
    if employer_id == employee_gift.donor_id:
        raise InvalidInputError({"employer_id": "the employer cannot match its own gift"})
    return await record_gift(
        GiftIn(
            donor_id=employer_id,
            amount_minor=amount_minor,
            currency=employee_gift.currency,
            payment_method="bank_transfer",
            matches_gift_id=employee_gift_id,
            source=source,
            external_id=f"match:{employee_gift_id}",
            campaign_id=employee_gift.campaign_id,
            soft_credits=[
                {
                    "constituent_id": employee_gift.donor_id,
                    "credit_type": "matched",
                    "amount_minor": amount_minor,
                }
            ],
        )
    )


async def with_match_credit(data: GiftIn) -> GiftIn:
    """A gift matching another (``matches_gift_id``) soft-credits that gift's donor.

    The credit is added unless the gift already credits that donor; the matched gift must
    exist and belong to someone else (InvalidInputError on ``matches_gift_id`` otherwise).
    """
    if data.matches_gift_id is None:
        return data
    matched = await db.fetch_one(
        "SELECT donor_id FROM donations_gift WHERE id = {} AND deleted_at IS NULL",
        data.matches_gift_id,
    )
    if matched is None:
        raise InvalidInputError({"matches_gift_id": "no such gift"})
    employee_id = int(matched["donor_id"])
    if employee_id == data.donor_id:
        raise InvalidInputError({"matches_gift_id": "the employer cannot match its own gift"})
    if any(c.constituent_id == employee_id for c in data.soft_credits):
        return data
    credit = SoftCreditIn(
        constituent_id=employee_id, credit_type="matched", amount_minor=data.amount_minor
    )
    return data.model_copy(update={"soft_credits": [*data.soft_credits, credit]})


SORTS = {"gift_date": "gift_date", "amount": "amount_minor", "id": "id", "created_at": "created_at"}


async def list_gifts(
    *,
    donor_id: int | None = None,
    campaign_id: int | None = None,
    fund_id: int | None = None,
    status: str | None = None,
    date_from: Any = None,
    date_to: Any = None,
    sort: str = "-gift_date",
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Gift], int]:
    """Live gifts matching every filter, one page (without parts), and the total count."""
    conditions, args = ["deleted_at IS NULL"], []
    for column, value in (("donor_id", donor_id), ("campaign_id", campaign_id), ("status", status)):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    if fund_id is not None:
        conditions.append("id IN (SELECT gift_id FROM donations_gift_split WHERE fund_id = {})")
        args.append(fund_id)
    if date_from is not None:
        conditions.append("gift_date >= {}")
        args.append(date_from)
    if date_to is not None:
        conditions.append("gift_date <= {}")
        args.append(date_to)
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInputError({"sort": f"must be one of {', '.join(SORTS)} (or -name)"})
    direction = "DESC" if sort.startswith("-") else "ASC"
    where = " AND ".join(conditions)
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM donations_gift WHERE {where}", *args)
    rows = await db.fetch_all(
        f"SELECT * FROM donations_gift WHERE {where} ORDER BY {SORTS[key]} {direction}, id "
        f"{direction} LIMIT {{}} OFFSET {{}}",
        *args,
        per_page,
        offset_of(page, per_page),
    )
    return [gift_store.gift_from_row(r) for r in rows], int(total or 0)
