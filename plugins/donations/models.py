"""Typed values shared by the services and the API (hand-written pydantic models).

Inputs forbid unknown fields and bound every number and string; outputs mirror the tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from core.money import CURRENCY_EXPONENTS

MAX_MINOR = 10**15
MAX_ID = 2_147_483_647

PaymentMethod = Literal[
    "cash", "cheque", "card", "bank_transfer", "direct_debit", "online", "in_kind", "stock", "other"
]
GiftStatus = Literal["pledged", "received", "refunded", "failed", "written_off"]
CreditType = Literal["in_honour", "in_memory", "solicitor", "matched", "household"]
TributeType = Literal["in_honour", "in_memory"]
Frequency = Literal["weekly", "monthly", "quarterly", "annually"]


def _whole(value: Any) -> Any:
    # Refuse floats and enormous decimals before int conversion (see core schemas).
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
Minor = Annotated[Whole, Field(ge=0, le=MAX_MINOR)]
PositiveMinor = Annotated[Whole, Field(ge=1, le=MAX_MINOR)]
RecordId = Annotated[Whole, Field(ge=1, le=MAX_ID)]


def check_currency(value: str) -> str:
    """An ISO 4217 code that :mod:`core.money` knows."""
    code = value.upper()
    if code not in CURRENCY_EXPONENTS:
        raise ValueError(f"unknown currency {value!r}")
    return code


class Input(BaseModel):
    """Base of every input: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class SplitIn(Input):
    """The part of a gift going to one fund."""

    fund_id: RecordId
    amount_minor: Minor


class SoftCreditIn(Input):
    """Recognition of a gift for another constituent (partial amounts allowed)."""

    constituent_id: RecordId
    credit_type: CreditType
    amount_minor: Minor


class TributeIn(Input):
    """A gift in honour or in memory of someone."""

    tribute_type: TributeType
    honoree_name: str = Field(min_length=1, max_length=200)
    honoree_id: RecordId | None = None
    notify_name: str | None = Field(default=None, max_length=200)
    notify_email: str | None = Field(default=None, max_length=254)
    notify_address: str | None = Field(default=None, max_length=500)


class GiftIn(Input):
    """A gift to record. ``gift_date`` defaults to ``received_at`` (or today) in org time."""

    donor_id: RecordId
    amount_minor: PositiveMinor
    currency: str = Field(min_length=3, max_length=3)
    gift_date: date | None = None
    received_at: datetime | None = None
    payment_method: PaymentMethod = "cash"
    status: GiftStatus = "received"
    anonymous: bool = False
    non_deductible_minor: Minor = 0
    in_kind_description: str | None = Field(default=None, max_length=500)
    source: str = Field(default="manual", pattern=r"^[a-z0-9_.-]{1,40}$")
    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    campaign_id: RecordId | None = None
    appeal_id: RecordId | None = None
    pledge_id: RecordId | None = None
    recurring_id: RecordId | None = None
    matches_gift_id: RecordId | None = None
    splits: list[SplitIn] = Field(default_factory=list, max_length=50)
    soft_credits: list[SoftCreditIn] = Field(default_factory=list, max_length=50)
    tribute: TributeIn | None = None
    notes: str = Field(default="", max_length=4000)

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        return check_currency(value)


class GiftPatch(Input):
    """Fields of a gift to change; omitted fields stay. Lists replace the stored ones."""

    donor_id: RecordId | None = None
    amount_minor: PositiveMinor | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    gift_date: date | None = None
    received_at: datetime | None = None
    payment_method: PaymentMethod | None = None
    status: GiftStatus | None = None
    anonymous: bool | None = None
    non_deductible_minor: Minor | None = None
    in_kind_description: str | None = Field(default=None, max_length=500)
    campaign_id: RecordId | None = None
    appeal_id: RecordId | None = None
    splits: list[SplitIn] | None = Field(default=None, max_length=50)
    soft_credits: list[SoftCreditIn] | None = Field(default=None, max_length=50)
    tribute: TributeIn | None = None
    notes: str | None = Field(default=None, max_length=4000)


class SplitOut(BaseModel):
    """A stored split."""

    fund_id: int
    amount_minor: int


class SoftCreditOut(BaseModel):
    """A stored soft credit."""

    constituent_id: int
    credit_type: str
    amount_minor: int


class TributeOut(BaseModel):
    """A stored tribute."""

    tribute_type: str
    honoree_name: str
    honoree_id: int | None
    notify_name: str | None
    notify_email: str | None
    notify_address: str | None


class Gift(BaseModel):
    """A gift as stored, with its splits, soft credits and tribute."""

    id: int
    donor_id: int
    amount_minor: int
    currency: str
    gift_date: date
    fiscal_year: int
    received_at: datetime | None
    payment_method: str
    status: str
    anonymous: bool
    non_deductible_minor: int
    in_kind_description: str | None
    source: str
    external_id: str | None
    campaign_id: int | None
    appeal_id: int | None
    pledge_id: int | None
    recurring_id: int | None
    batch_id: int | None
    matches_gift_id: int | None
    notes: str
    refunded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    splits: list[SplitOut] = Field(default_factory=list)
    soft_credits: list[SoftCreditOut] = Field(default_factory=list)
    tribute: TributeOut | None = None

    def snapshot(self) -> dict[str, Any]:
        """The gift as an audit snapshot."""
        return self.model_dump(mode="json")

    def as_input(self) -> dict[str, Any]:
        """The gift's editable fields in :class:`GiftIn` shape."""
        data = self.model_dump(
            include=set(GiftIn.model_fields) - {"splits", "soft_credits", "tribute"}
        )
        data["splits"] = [s.model_dump() for s in self.splits]
        data["soft_credits"] = [c.model_dump() for c in self.soft_credits]
        data["tribute"] = self.tribute.model_dump() if self.tribute else None
        return data


class YearTotal(BaseModel):
    """A donor's giving in one fiscal year and currency."""

    fiscal_year: int
    currency: str
    gift_count: int
    total_minor: int


class DonorTotals(BaseModel):
    """The maintained rollup of one donor in one currency."""

    constituent_id: int
    currency: str
    gift_count: int
    lifetime_minor: int
    first_gift_date: date | None
    first_gift_minor: int
    last_gift_date: date | None
    last_gift_minor: int
    largest_gift_date: date | None
    largest_gift_minor: int
    as_of_fiscal_year: int
    this_fy_minor: int
    last_fy_minor: int
    consecutive_years: int
    soft_credit_minor: int


class DonorSummary(BaseModel):
    """Everything the profile panel and the API show about a donor's giving."""

    constituent_id: int
    totals: list[DonorTotals]
    years: list[YearTotal]
    household: HouseholdTotals | None = None


class HouseholdTotals(BaseModel):
    """A household's giving: members' and the household's gifts, each counted once."""

    household_id: int
    currency: str
    member_ids: list[int]
    hard_credit_minor: int
    soft_credit_minor: int
    total_minor: int


DonorSummary.model_rebuild()
