"""Pledges: a promise with an instalment schedule, payments applied, reminders, write-offs.

A payment is an ordinary gift carrying ``pledge_id`` (so it counts in the donor's totals
when the money arrives, never when promised). Payments are applied to instalments in due
order; what remains can be written off, which closes the pledge.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, model_validator

from core import audit, db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.donations import gifts
from plugins.donations.common import as_date, as_instant, as_int, org_today
from plugins.donations.models import (
    Frequency,
    GiftIn,
    Input,
    PaymentMethod,
    PositiveMinor,
    RecordId,
    check_currency,
)
from plugins.donations.schedule import next_occurrence, split_evenly

ENTITY = "donations_pledge"


class InstalmentIn(Input):
    """One instalment of a schedule."""

    due_date: date
    amount_minor: PositiveMinor


class PledgeIn(Input):
    """A pledge: give ``instalments`` explicitly, or ``count`` + ``frequency`` to spread it."""

    donor_id: RecordId
    amount_minor: PositiveMinor
    currency: str = Field(min_length=3, max_length=3)
    pledge_date: date
    fund_id: RecordId | None = None
    campaign_id: RecordId | None = None
    instalments: list[InstalmentIn] = Field(default_factory=list, max_length=600)
    count: int = Field(default=1, ge=1, le=600)
    frequency: Frequency = "monthly"
    first_due: date | None = None
    notes: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _check(self) -> PledgeIn:
        self.currency = check_currency(self.currency)
        if self.instalments and sum(i.amount_minor for i in self.instalments) != self.amount_minor:
            raise ValueError("instalments must add up to the pledged amount")
        return self

    def schedule(self) -> list[tuple[date, int]]:
        """The instalments to store."""
        if self.instalments:
            return sorted((i.due_date, i.amount_minor) for i in self.instalments)
        day, rows = self.first_due or self.pledge_date, []
        for amount in split_evenly(self.amount_minor, self.count):
            rows.append((day, amount))
            day = next_occurrence(day, self.frequency, (self.first_due or self.pledge_date).day)
        return rows


class InstalmentOut(BaseModel):
    """An instalment with what has been applied to it."""

    id: int
    due_date: date
    amount_minor: int
    paid_minor: int
    overdue: bool
    reminded_at: datetime | None


class Pledge(BaseModel):
    """A pledge with its payments and balance."""

    id: int
    donor_id: int
    amount_minor: int
    currency: str
    pledge_date: date
    status: str
    paid_minor: int
    written_off_minor: int
    balance_minor: int
    fund_id: int | None
    campaign_id: int | None
    instalments: list[InstalmentOut]


async def create_pledge(data: PledgeIn) -> Pledge:
    """Record a pledge and its schedule."""
    now = datetime.now(UTC)
    async with unit_of_work():
        if not await db.fetch_one(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", data.donor_id
        ):
            raise InvalidInputError({"donor_id": "no such constituent"})
        row = await db.fetch_one(
            "INSERT INTO donations_pledge (donor_id, amount_minor, currency, pledge_date, status, "
            "written_off_minor, fund_id, campaign_id, notes, created_at, updated_at) VALUES "
            "({}, {}, {}, {}, 'open', 0, {}, {}, {}, {}, {}) RETURNING id",
            data.donor_id,
            data.amount_minor,
            data.currency,
            data.pledge_date,
            data.fund_id,
            data.campaign_id,
            data.notes,
            now,
            now,
        )
        assert row is not None
        pledge_id = int(row["id"])
        await db.execute_many(
            "INSERT INTO donations_instalment (pledge_id, due_date, amount_minor) "
            "VALUES ({}, {}, {})",
            [[pledge_id, due, amount] for due, amount in data.schedule()],
        )
        pledge = await get_pledge(pledge_id)
        await audit.record_change(
            "create",
            ENTITY,
            pledge_id,
            after=pledge.model_dump(mode="json"),
            constituent_id=data.donor_id,
        )
        await emit("donations.pledge_created", {"pledge_id": pledge_id, "donor_id": data.donor_id})
    return pledge


def _apply(instalments: list[dict[str, Any]], paid: int, today: date) -> list[InstalmentOut]:
    out, left = [], paid
    for row in instalments:
        amount = as_int(row["amount_minor"])
        applied = min(amount, left)
        left -= applied
        due = as_date(row["due_date"])
        assert due is not None
        out.append(
            InstalmentOut(
                id=int(row["id"]),
                due_date=due,
                amount_minor=amount,
                paid_minor=applied,
                overdue=applied < amount and due < today,
                reminded_at=as_instant(row["reminded_at"]),
            )
        )
    return out


async def get_pledge(pledge_id: int) -> Pledge:
    """A pledge with payments applied to its instalments in due order."""
    row = await db.fetch_one("SELECT * FROM donations_pledge WHERE id = {}", pledge_id)
    if row is None:
        raise NotFoundError(f"no pledge {pledge_id}")
    paid = as_int(
        await db.fetch_value(
            "SELECT SUM(amount_minor) AS t FROM donations_gift WHERE pledge_id = {} "
            "AND status = 'received' AND deleted_at IS NULL",
            pledge_id,
        )
    )
    instalments = await db.fetch_all(
        "SELECT * FROM donations_instalment WHERE pledge_id = {} ORDER BY due_date, id", pledge_id
    )
    amount, written_off = as_int(row["amount_minor"]), as_int(row["written_off_minor"])
    pledge_date = as_date(row["pledge_date"])
    assert pledge_date is not None
    return Pledge(
        id=pledge_id,
        donor_id=int(row["donor_id"]),
        amount_minor=amount,
        currency=row["currency"],
        pledge_date=pledge_date,
        status=row["status"],
        paid_minor=paid,
        written_off_minor=written_off,
        balance_minor=max(0, amount - paid - written_off),
        fund_id=row["fund_id"],
        campaign_id=row["campaign_id"],
        instalments=_apply(instalments, paid, org_today()),
    )


async def _set_status(pledge_id: int, status: str, **extra: Any) -> None:
    sets = "".join(f", {k} = {{}}" for k in extra)
    await db.execute(
        f"UPDATE donations_pledge SET status = {{}}, updated_at = {{}}{sets} WHERE id = {{}}",
        status,
        datetime.now(UTC),
        *extra.values(),
        pledge_id,
    )


async def pay_pledge(
    pledge_id: int,
    amount_minor: int,
    *,
    gift_date: date | None = None,
    payment_method: PaymentMethod = "cash",
    source: str = "manual",
    external_id: str | None = None,
) -> Pledge:
    """Record a payment (a gift) against a pledge; it is fulfilled when nothing is owed."""
    async with unit_of_work():
        pledge = await get_pledge(pledge_id)
        if pledge.status != "open":
            raise ConflictError(f"pledge {pledge_id} is {pledge.status}")
        if amount_minor > pledge.balance_minor:
            raise InvalidInputError({"amount_minor": f"the balance is {pledge.balance_minor}"})
        splits = (
            [{"fund_id": pledge.fund_id, "amount_minor": amount_minor}] if pledge.fund_id else []
        )
        await gifts.record_gift(
            GiftIn.model_validate(
                {
                    "donor_id": pledge.donor_id,
                    "amount_minor": amount_minor,
                    "currency": pledge.currency,
                    "gift_date": gift_date,
                    "payment_method": payment_method,
                    "pledge_id": pledge_id,
                    "campaign_id": pledge.campaign_id,
                    "splits": splits,
                    "source": source,
                    "external_id": external_id,
                }
            )
        )
        if amount_minor == pledge.balance_minor:
            await _set_status(pledge_id, "fulfilled")
        after = await get_pledge(pledge_id)
    return after


async def write_off(pledge_id: int) -> Pledge:
    """Write off what is still owed; the pledge closes as ``written_off``."""
    async with unit_of_work():
        before = await get_pledge(pledge_id)
        if before.status != "open":
            raise ConflictError(f"pledge {pledge_id} is {before.status}")
        await _set_status(
            pledge_id,
            "written_off",
            written_off_minor=before.balance_minor,
            written_off_at=datetime.now(UTC),
        )
        after = await get_pledge(pledge_id)
        await audit.record_change(
            "write_off",
            ENTITY,
            pledge_id,
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
            constituent_id=after.donor_id,
        )
        await emit(
            "donations.pledge_written_off",
            {"pledge_id": pledge_id, "amount_minor": after.written_off_minor},
        )
    return after


async def list_pledges(donor_id: int | None = None, status: str | None = None) -> list[Pledge]:
    """Pledges, newest first, optionally of one donor or status."""
    conditions, args = ["1 = 1"], []
    for column, value in (("donor_id", donor_id), ("status", status)):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    rows = await db.fetch_all(
        f"SELECT id FROM donations_pledge WHERE {' AND '.join(conditions)} "
        "ORDER BY pledge_date DESC, id DESC LIMIT 500",
        *args,
    )
    return [await get_pledge(int(r["id"])) for r in rows]


async def due_reminders(days_ahead: int = 7) -> list[tuple[Pledge, InstalmentOut]]:
    """Unpaid, unreminded instalments of open pledges due within ``days_ahead`` days."""
    horizon = org_today() + timedelta(days=days_ahead)
    due: list[tuple[Pledge, InstalmentOut]] = []
    for pledge in await list_pledges(status="open"):
        for instalment in pledge.instalments:
            if (
                instalment.paid_minor < instalment.amount_minor
                and instalment.due_date <= horizon
                and instalment.reminded_at is None
            ):
                due.append((pledge, instalment))
    return due


async def mark_reminded(instalment_id: int) -> None:
    """Note that a reminder went out (email delivery arrives with core's mail backend)."""
    await db.execute(
        "UPDATE donations_instalment SET reminded_at = {} WHERE id = {}",
        datetime.now(UTC),
        instalment_id,
    )
