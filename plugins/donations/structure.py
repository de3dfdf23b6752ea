"""Funds, campaigns and appeals: the fundraising structure gifts are coded to.

Campaigns hold appeals (campaign → appeal). Records are deactivated, never deleted, once
gifts use them; a record nothing uses may be deleted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from core import audit, db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import unit_of_work
from plugins.donations.common import as_bool, as_date, as_int
from plugins.donations.models import Input, Minor, RecordId, check_currency

Code = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
Channel = Literal["mail", "email", "phone", "event", "web", "social", "in_person", "other"]


class FundIn(Input):
    """A fund to create or replace."""

    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=1000)
    active: bool = True


class Fund(FundIn):
    """A stored fund."""

    model_config = {"extra": "ignore"}
    id: int


class CampaignIn(Input):
    """A campaign to create or replace."""

    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    goal_minor: Minor = 0
    currency: str = Field(default="USD", min_length=3, max_length=3)
    start_date: date | None = None
    end_date: date | None = None
    active: bool = True

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class Campaign(CampaignIn):
    """A stored campaign."""

    model_config = {"extra": "ignore"}
    id: int


class AppealIn(Input):
    """An appeal to create or replace, inside a campaign."""

    campaign_id: RecordId
    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    channel: Channel = "mail"
    cost_minor: Minor = 0
    currency: str = Field(default="USD", min_length=3, max_length=3)
    start_date: date | None = None
    active: bool = True

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class Appeal(AppealIn):
    """A stored appeal."""

    model_config = {"extra": "ignore"}
    id: int


KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "fund": ("donations_fund", Fund, "fund_id"),
    "campaign": ("donations_campaign", Campaign, "campaign_id"),
    "appeal": ("donations_appeal", Appeal, "appeal_id"),
}


def _model(kind: str, row: dict[str, Any]) -> Any:
    _, model, _ = KINDS[kind]
    data = dict(row)
    for key in list(data):
        if key.endswith("_date"):
            data[key] = as_date(data[key])
        elif key.endswith("_minor"):
            data[key] = as_int(data[key])
        elif key == "active":
            data[key] = as_bool(data[key])
    return model.model_validate(data)


async def _get(kind: str, record_id: int) -> Any:
    table = KINDS[kind][0]
    row = await db.fetch_one(f"SELECT * FROM {table} WHERE id = {{}}", record_id)
    if row is None:
        raise NotFoundError(f"no {kind} {record_id}")
    return _model(kind, row)


async def _check(kind: str, data: BaseModel, record_id: int | None) -> None:
    table = KINDS[kind][0]
    code = getattr(data, "code", "")
    clash = await db.fetch_one(
        f"SELECT id FROM {table} WHERE code = {{}} AND id <> {{}}",
        code,
        record_id or 0,
    )
    if clash is not None:
        raise ConflictError(f"another {kind} already has code {code!r}")
    if isinstance(data, AppealIn):
        await _get("campaign", data.campaign_id)
    if (
        isinstance(data, CampaignIn)
        and data.start_date
        and data.end_date
        and data.end_date < data.start_date
    ):
        raise InvalidInputError({"end_date": "must not be before start_date"})


async def _save(kind: str, data: BaseModel, record_id: int | None = None) -> Any:
    table = KINDS[kind][0]
    values = data.model_dump()
    columns = list(values)
    async with unit_of_work():
        await _check(kind, data, record_id)
        before = None if record_id is None else await _get(kind, record_id)
        if record_id is None:
            marks = ", ".join("{}" for _ in columns)
            row = await db.fetch_one(
                f"INSERT INTO {table} ({', '.join(columns)}, created_at) VALUES ({marks}, {{}}) "
                "RETURNING id",
                *values.values(),
                datetime.now(UTC),
            )
            assert row is not None
            record_id = int(row["id"])
        else:
            sets = ", ".join(f"{c} = {{}}" for c in columns)
            await db.execute(
                f"UPDATE {table} SET {sets} WHERE id = {{}}", *values.values(), record_id
            )
        after = await _get(kind, record_id)
        await audit.record_change(
            "create" if before is None else "update",
            table,
            record_id,
            before=None if before is None else before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
        )
    return after


async def _delete(kind: str, record_id: int) -> None:
    table, _, column = KINDS[kind]
    async with unit_of_work():
        before = await _get(kind, record_id)
        used = (
            await db.fetch_value(
                f"SELECT COUNT(*) AS n FROM donations_gift WHERE {column} = {{}}", record_id
            )
            if kind != "fund"
            else await db.fetch_value(
                "SELECT COUNT(*) AS n FROM donations_gift_split WHERE fund_id = {}", record_id
            )
        )
        if int(used or 0) or (
            kind == "campaign"
            and await db.fetch_value(
                "SELECT COUNT(*) AS n FROM donations_appeal WHERE campaign_id = {}", record_id
            )
        ):
            raise ConflictError(f"{kind} {record_id} is in use; deactivate it instead")
        await db.execute(f"DELETE FROM {table} WHERE id = {{}}", record_id)
        await audit.record_change("delete", table, record_id, before=before.model_dump(mode="json"))


async def _list(kind: str, active_only: bool) -> list[Any]:
    table = KINDS[kind][0]
    where = "WHERE active = {}" if active_only else ""
    args = [True] if active_only else []
    rows = await db.fetch_all(f"SELECT * FROM {table} {where} ORDER BY name, id", *args)
    return [_model(kind, row) for row in rows]


async def create_fund(data: FundIn) -> Fund:
    """Create a fund; ConflictError when the code is taken."""
    return await _save("fund", data)  # type: ignore[no-any-return]


async def update_fund(fund_id: int, data: FundIn) -> Fund:
    """Replace a fund's fields."""
    return await _save("fund", data, fund_id)  # type: ignore[no-any-return]


async def get_fund(fund_id: int) -> Fund:
    """One fund; NotFoundError when missing."""
    return await _get("fund", fund_id)  # type: ignore[no-any-return]


async def list_funds(active_only: bool = False) -> list[Fund]:
    """Every fund, by name."""
    return await _list("fund", active_only)


async def delete_fund(fund_id: int) -> None:
    """Delete an unused fund; ConflictError when gifts use it."""
    await _delete("fund", fund_id)


async def create_campaign(data: CampaignIn) -> Campaign:
    """Create a campaign."""
    return await _save("campaign", data)  # type: ignore[no-any-return]


async def update_campaign(campaign_id: int, data: CampaignIn) -> Campaign:
    """Replace a campaign's fields."""
    return await _save("campaign", data, campaign_id)  # type: ignore[no-any-return]


async def get_campaign(campaign_id: int) -> Campaign:
    """One campaign; NotFoundError when missing."""
    return await _get("campaign", campaign_id)  # type: ignore[no-any-return]


async def list_campaigns(active_only: bool = False) -> list[Campaign]:
    """Every campaign, by name."""
    return await _list("campaign", active_only)


async def delete_campaign(campaign_id: int) -> None:
    """Delete a campaign without gifts or appeals."""
    await _delete("campaign", campaign_id)


async def create_appeal(data: AppealIn) -> Appeal:
    """Create an appeal inside a campaign."""
    return await _save("appeal", data)  # type: ignore[no-any-return]


async def update_appeal(appeal_id: int, data: AppealIn) -> Appeal:
    """Replace an appeal's fields."""
    return await _save("appeal", data, appeal_id)  # type: ignore[no-any-return]


async def get_appeal(appeal_id: int) -> Appeal:
    """One appeal; NotFoundError when missing."""
    return await _get("appeal", appeal_id)  # type: ignore[no-any-return]


async def list_appeals(active_only: bool = False) -> list[Appeal]:
    """Every appeal, by name."""
    return await _list("appeal", active_only)


async def delete_appeal(appeal_id: int) -> None:
    """Delete an appeal without gifts."""
    await _delete("appeal", appeal_id)
