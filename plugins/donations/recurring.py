"""Recurring gifts: schedule, next date, status, change log and expected value.

Status moves between ``active``, ``paused``, ``lapsed`` (overdue by more than the plugin's
``lapse_after_days``; a payment reactivates it) and ``closed`` (final). Every amount,
frequency or status change is logged in ``donations_recurring_change`` as an upgrade,
downgrade, frequency or status entry, so reports can count upgrades and downgrades.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator

from core import audit, db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.donations import gifts
from plugins.donations.common import as_date, as_int, config, current_fiscal_year, org, org_today
from plugins.donations.models import (
    Frequency,
    Gift,
    GiftIn,
    Input,
    PositiveMinor,
    RecordId,
    check_currency,
)
from plugins.donations.schedule import next_occurrence, occurrences

ENTITY = "donations_recurring"
STATUSES = ("active", "paused", "lapsed", "closed")


class RecurringIn(Input):
    """A recurring gift to start."""

    donor_id: RecordId
    amount_minor: PositiveMinor
    currency: str = Field(min_length=3, max_length=3)
    frequency: Frequency = "monthly"
    start_date: date
    fund_id: RecordId | None = None
    campaign_id: RecordId | None = None
    gateway: str = Field(default="offline", pattern=r"^[a-z_]{1,20}$")
    gateway_ref: str | None = Field(default=None, max_length=200)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class RecurringPatch(Input):
    """A change of amount, frequency or status (``active``, ``paused`` or ``closed``)."""

    amount_minor: PositiveMinor | None = None
    frequency: Frequency | None = None
    status: str | None = Field(default=None, pattern=r"^(active|paused|closed)$")


class Recurring(BaseModel):
    """A recurring gift as stored."""

    id: int
    donor_id: int
    amount_minor: int
    currency: str
    frequency: str
    start_date: date
    next_date: date
    status: str
    fund_id: int | None
    campaign_id: int | None
    gateway: str
    gateway_ref: str | None
    last_paid_date: date | None


class Change(BaseModel):
    """One entry of a recurring gift's change log."""

    kind: str
    changed_at: datetime
    old_amount_minor: int | None
    new_amount_minor: int | None
    old_frequency: str | None
    new_frequency: str | None
    old_status: str | None
    new_status: str | None


def _from_row(row: dict[str, Any]) -> Recurring:
    data = dict(row)
    for key in ("start_date", "next_date", "last_paid_date"):
        data[key] = as_date(data[key])
    data["amount_minor"] = as_int(data["amount_minor"])
    return Recurring.model_validate(data)


async def get_recurring(recurring_id: int) -> Recurring:
    """One recurring gift; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM donations_recurring WHERE id = {}", recurring_id)
    if row is None:
        raise NotFoundError(f"no recurring gift {recurring_id}")
    return _from_row(row)


async def _log(recurring_id: int, kind: str, **values: Any) -> None:
    columns = ["recurring_id", "changed_at", "kind", *values]
    await db.execute(
        f"INSERT INTO donations_recurring_change ({', '.join(columns)}) VALUES "
        f"({', '.join('{}' for _ in columns)})",
        recurring_id,
        datetime.now(UTC),
        kind,
        *values.values(),
    )


async def create_recurring(data: RecurringIn) -> Recurring:
    """Start a recurring gift; its first payment is expected on ``start_date``."""
    now = datetime.now(UTC)
    async with unit_of_work():
        if not await db.fetch_one(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", data.donor_id
        ):
            raise InvalidInputError({"donor_id": "no such constituent"})
        row = await db.fetch_one(
            "INSERT INTO donations_recurring (donor_id, amount_minor, currency, frequency, "
            "start_date, next_date, status, fund_id, campaign_id, gateway, gateway_ref, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, 'active', {}, {}, {}, {}, "
            "{}, {}) RETURNING id",
            data.donor_id,
            data.amount_minor,
            data.currency,
            data.frequency,
            data.start_date,
            data.start_date,
            data.fund_id,
            data.campaign_id,
            data.gateway,
            data.gateway_ref,
            now,
            now,
        )
        assert row is not None
        recurring = await get_recurring(int(row["id"]))
        await _log(
            recurring.id,
            "created",
            new_amount_minor=data.amount_minor,
            new_frequency=data.frequency,
            new_status="active",
        )
        await audit.record_change(
            "create",
            ENTITY,
            recurring.id,
            after=recurring.model_dump(mode="json"),
            constituent_id=data.donor_id,
        )
        await emit("donations.recurring_changed", {"recurring_id": recurring.id, "kind": "created"})
    return recurring


async def change_recurring(
    recurring_id: int, patch: RecurringPatch, *, sync_gateway: bool = True
) -> Recurring:
    """Change amount, frequency or status, logging each change; closed gifts are final.

    A gift paid through a gateway subscription (Stripe) is changed there first, so the
    donor is charged what this record says; if the gateway refuses (GatewayError, 409)
    nothing changes here. Webhooks reporting a change the gateway already made pass
    ``sync_gateway=False``.
    """
    if sync_gateway:
        await _change_on_gateway(await get_recurring(recurring_id), patch)
    async with unit_of_work():
        before = await get_recurring(recurring_id)
        if before.status == "closed":
            raise ConflictError(f"recurring gift {recurring_id} is closed")
        now = datetime.now(UTC)
        amount = patch.amount_minor or before.amount_minor
        frequency = patch.frequency or before.frequency
        status = patch.status or before.status
        if amount != before.amount_minor:
            kind = "upgrade" if amount > before.amount_minor else "downgrade"
            await _log(
                recurring_id, kind, old_amount_minor=before.amount_minor, new_amount_minor=amount
            )
        if frequency != before.frequency:
            await _log(
                recurring_id, "frequency", old_frequency=before.frequency, new_frequency=frequency
            )
        if status != before.status:
            await _log(recurring_id, "status", old_status=before.status, new_status=status)
        next_date = before.next_date
        if status == "active" and before.status != "active":
            next_date = max(next_date, org_today())
        await db.execute(
            "UPDATE donations_recurring SET amount_minor = {}, frequency = {}, status = {}, "
            "next_date = {}, updated_at = {}, closed_at = {} WHERE id = {}",
            amount,
            frequency,
            status,
            next_date,
            now,
            now if status == "closed" else None,
            recurring_id,
        )
        after = await get_recurring(recurring_id)
        await audit.record_change(
            "update",
            ENTITY,
            recurring_id,
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
            constituent_id=after.donor_id,
        )
        await emit("donations.recurring_changed", {"recurring_id": recurring_id, "kind": "changed"})
    return after


async def _change_on_gateway(before: Recurring, patch: RecurringPatch) -> None:
    from plugins.donations.gateways import SubscriptionChange, gateway_named

    gateway = gateway_named(before.gateway)
    if gateway is None or not before.gateway_ref or before.status == "closed":
        return
    change = SubscriptionChange(
        amount_minor=patch.amount_minor or before.amount_minor,
        currency=before.currency,
        frequency=patch.frequency or before.frequency,
        status=patch.status or before.status,
        amount_changed=(patch.amount_minor or before.amount_minor) != before.amount_minor
        or (patch.frequency or before.frequency) != before.frequency,
        status_changed=(patch.status or before.status) != before.status,
    )
    if change.amount_changed or change.status_changed:
        await gateway.change_subscription(before.gateway_ref, change)


async def record_payment(
    recurring_id: int,
    *,
    gift_date: date | None = None,
    amount_minor: int | None = None,
    source: str = "manual",
    external_id: str | None = None,
    received_at: datetime | None = None,
) -> Gift:
    """Record one instalment as a gift, move ``next_date`` on and reactivate a lapsed gift."""
    async with unit_of_work():
        recurring = await get_recurring(recurring_id)
        if recurring.status == "closed":
            raise ConflictError(f"recurring gift {recurring_id} is closed")
        amount = amount_minor or recurring.amount_minor
        gift = await gifts.record_gift(
            GiftIn.model_validate(
                {
                    "donor_id": recurring.donor_id,
                    "amount_minor": amount,
                    "currency": recurring.currency,
                    "gift_date": gift_date,
                    "received_at": received_at,
                    "payment_method": "online"
                    if recurring.gateway != "offline"
                    else "direct_debit",
                    "recurring_id": recurring_id,
                    "campaign_id": recurring.campaign_id,
                    "splits": (
                        [{"fund_id": recurring.fund_id, "amount_minor": amount}]
                        if recurring.fund_id
                        else []
                    ),
                    "source": source,
                    "external_id": external_id,
                }
            )
        )
        paid = gift.gift_date
        next_date = recurring.next_date
        while next_date <= paid:
            next_date = next_occurrence(next_date, recurring.frequency, recurring.start_date.day)
        status = "active" if recurring.status == "lapsed" else recurring.status
        if status != recurring.status:
            await _log(recurring_id, "status", old_status=recurring.status, new_status=status)
        await db.execute(
            "UPDATE donations_recurring SET next_date = {}, last_paid_date = {}, status = {}, "
            "updated_at = {} WHERE id = {}",
            next_date,
            paid,
            status,
            datetime.now(UTC),
            recurring_id,
        )
    return gift


async def lapse_overdue(today: date | None = None) -> list[int]:
    """Mark lapsed every active gift overdue by more than ``lapse_after_days``."""
    cutoff = (today or org_today()) - timedelta(days=config().lapse_after_days)
    rows = await db.fetch_all(
        "SELECT id FROM donations_recurring WHERE status = 'active' AND next_date < {}", cutoff
    )
    ids = [int(r["id"]) for r in rows]
    async with unit_of_work():
        for recurring_id in ids:
            await db.execute(
                "UPDATE donations_recurring SET status = 'lapsed', updated_at = {} WHERE id = {}",
                datetime.now(UTC),
                recurring_id,
            )
            await _log(recurring_id, "status", old_status="active", new_status="lapsed")
            await emit(
                "donations.recurring_changed", {"recurring_id": recurring_id, "kind": "lapsed"}
            )
    return ids


async def change_log(recurring_id: int) -> list[Change]:
    """A recurring gift's changes, oldest first."""
    await get_recurring(recurring_id)
    rows = await db.fetch_all(
        "SELECT * FROM donations_recurring_change WHERE recurring_id = {} ORDER BY id", recurring_id
    )
    return [
        Change.model_validate(
            {
                **row,
                "changed_at": row["changed_at"]
                if isinstance(row["changed_at"], datetime)
                else datetime.fromisoformat(row["changed_at"]),
                "old_amount_minor": None
                if row["old_amount_minor"] is None
                else as_int(row["old_amount_minor"]),
                "new_amount_minor": None
                if row["new_amount_minor"] is None
                else as_int(row["new_amount_minor"]),
            }
        )
        for row in rows
    ]


async def expected_this_fiscal_year(recurring_id: int) -> int:
    """Received so far this fiscal year plus the instalments still due before it ends."""
    recurring = await get_recurring(recurring_id)
    fiscal_year = current_fiscal_year()
    _, end = org().fiscal_year_bounds(fiscal_year)
    received = as_int(
        await db.fetch_value(
            "SELECT SUM(amount_minor) AS t FROM donations_gift WHERE recurring_id = {} "
            "AND fiscal_year = {} AND status = 'received' AND deleted_at IS NULL",
            recurring_id,
            fiscal_year,
        )
    )
    if recurring.status != "active":
        return received
    # An overdue instalment (next_date in the past) is still expected until the gift lapses.
    due = occurrences(recurring.next_date, recurring.frequency, end)
    return received + recurring.amount_minor * len(due)


async def list_recurring(donor_id: int | None = None, status: str | None = None) -> list[Recurring]:
    """Recurring gifts, newest first, optionally of one donor or status."""
    if status is not None and status not in STATUSES:
        raise InvalidInputError({"status": f"must be one of {', '.join(STATUSES)}"})
    conditions, args = ["1 = 1"], []
    for column, value in (("donor_id", donor_id), ("status", status)):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    rows = await db.fetch_all(
        f"SELECT * FROM donations_recurring WHERE {' AND '.join(conditions)} "
        "ORDER BY id DESC LIMIT 500",
        *args,
    )
    return [_from_row(r) for r in rows]
