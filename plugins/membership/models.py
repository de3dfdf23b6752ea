"""Typed values shared by the services and the API (hand-written pydantic models).

Inputs forbid unknown fields and bound every number and string; outputs mirror the tables.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from core.money import CURRENCY_EXPONENTS
from plugins.membership.periods import PeriodSpec

MAX_MINOR = 10**15
MAX_ID = 2_147_483_647

DurationUnit = Literal["months", "years"]
PeriodType = Literal["rolling", "fixed"]
LevelKind = Literal["individual", "family", "organisation"]
Source = Literal["staff", "portal", "import"]
Lifecycle = Literal["pending", "active", "cancelled"]
Anchor = Literal["join", "start", "end", "grace_end"]
RuleLifecycle = Literal["any", "pending", "active", "cancelled"]
PaymentMethod = Literal[
    "cash", "cheque", "card", "bank_transfer", "direct_debit", "online", "other"
]
StatusName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")]


def _whole(value: Any) -> Any:
    # Refuse floats, booleans and numeric strings before int conversion.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
Minor = Annotated[Whole, Field(ge=0, le=MAX_MINOR)]
RecordId = Annotated[Whole, Field(ge=1, le=MAX_ID)]


class Input(BaseModel):
    """Base of every input: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


def _check_currency(value: str) -> str:
    code = value.upper()
    if code not in CURRENCY_EXPONENTS:
        raise ValueError(f"unknown currency {value!r}")
    return code


class LevelFields(Input):
    """Fields shared by a new level and a level as stored."""

    name: str = Field(min_length=1, max_length=200)
    dues_minor: Minor = 0
    currency: str = Field(min_length=3, max_length=3)
    duration_count: Annotated[Whole, Field(ge=1, le=120)] = 1
    duration_unit: DurationUnit = "years"
    period_type: PeriodType = "rolling"
    fixed_start_month: Annotated[Whole, Field(ge=1, le=12)] = 1
    rollover_month: Annotated[Whole, Field(ge=1, le=12)] | None = None
    rollover_day: Annotated[Whole, Field(ge=1, le=31)] | None = None
    grace_days: Annotated[Whole, Field(ge=0, le=366)] = 30
    auto_renew_allowed: bool = True
    benefits: str = Field(default="", max_length=4000)
    tier: Annotated[Whole, Field(ge=0, le=1000)] = 0
    kind: LevelKind = "individual"
    member_cap: Annotated[Whole, Field(ge=0, le=100)] = 0
    active: bool = True

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return _check_currency(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> LevelFields:
        if (self.rollover_month is None) != (self.rollover_day is None):
            raise ValueError("give both the rollover month and day, or neither")
        if self.rollover_month is not None and self.rollover_day is not None:
            if self.rollover_day > calendar.monthrange(2028, self.rollover_month)[1]:
                raise ValueError("the rollover day does not exist in that month")
            if self.period_type == "rolling":
                raise ValueError("a rollover date applies to fixed periods only")
        if self.kind == "individual" and self.member_cap:
            raise ValueError("only family and organisation levels have associated members")
        return self

    @property
    def months(self) -> int:
        """The period's length in months."""
        return self.duration_count * (12 if self.duration_unit == "years" else 1)

    def spec(self) -> PeriodSpec:
        """The level's period layout for :mod:`plugins.membership.periods`."""
        return PeriodSpec(
            months=self.months,
            period_type=self.period_type,
            fixed_start_month=self.fixed_start_month,
            rollover_month=self.rollover_month,
            rollover_day=self.rollover_day,
            grace_days=self.grace_days,
        )


class LevelIn(LevelFields):
    """A membership level to create (or the full replacement of one)."""


class LevelPatch(Input):
    """Fields of a level to change; omitted fields stay."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    dues_minor: Minor | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    duration_count: Annotated[Whole, Field(ge=1, le=120)] | None = None
    duration_unit: DurationUnit | None = None
    period_type: PeriodType | None = None
    fixed_start_month: Annotated[Whole, Field(ge=1, le=12)] | None = None
    rollover_month: Annotated[Whole, Field(ge=1, le=12)] | None = None
    rollover_day: Annotated[Whole, Field(ge=1, le=31)] | None = None
    grace_days: Annotated[Whole, Field(ge=0, le=366)] | None = None
    auto_renew_allowed: bool | None = None
    benefits: str | None = Field(default=None, max_length=4000)
    tier: Annotated[Whole, Field(ge=0, le=1000)] | None = None
    kind: LevelKind | None = None
    member_cap: Annotated[Whole, Field(ge=0, le=100)] | None = None
    active: bool | None = None


class Level(LevelFields):
    """A stored membership level."""

    model_config = ConfigDict(extra="ignore")
    id: int
    created_at: datetime
    updated_at: datetime


class JoinIn(Input):
    """Make a constituent a member. ``paid=False`` leaves it pending payment."""

    member_id: RecordId
    level_id: RecordId
    join_date: date | None = None
    source: Source = "staff"
    auto_renew: bool = False
    paid: bool = True
    payment_method: PaymentMethod | None = None
    external_id: str | None = Field(default=None, min_length=1, max_length=200)


class RenewIn(Input):
    """Renew a membership (``on`` defaults to today in the organisation's time zone)."""

    on: date | None = None
    payment_method: PaymentMethod | None = None


class ChangeLevelIn(Input):
    """Move a membership to another level mid-term."""

    level_id: RecordId
    on: date | None = None
    payment_method: PaymentMethod | None = None


class OverrideIn(Input):
    """Force a status until a date (or until cleared), with the reason why."""

    status: StatusName
    reason: str = Field(min_length=1, max_length=500)
    until: date | None = None


class CancelIn(Input):
    """Cancel a membership."""

    reason: str = Field(default="", max_length=500)


class MemberSettingsIn(Input):
    """What a member may change: auto-renewal and the directory listing."""

    auto_renew: bool | None = None
    directory_opt_in: bool | None = None


class Membership(BaseModel):
    """A stored membership with its level's name and its member's display name."""

    id: int
    member_id: int
    member_name: str
    level_id: int
    level_name: str
    join_date: date
    period_start: date
    term_start: date
    end_date: date
    lifecycle: str
    status: str
    counts_as_member: bool
    source: str
    gift_id: int | None
    override_status: str | None
    override_reason: str
    override_until: date | None
    auto_renew: bool
    directory_opt_in: bool
    external_id: str | None
    cancelled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    def snapshot(self) -> dict[str, Any]:
        """The audited fields (names excluded: they belong to other records)."""
        return self.model_dump(mode="json", exclude={"member_name", "level_name"})


class Term(BaseModel):
    """One join, renewal, rejoin, upgrade or downgrade."""

    id: int
    membership_id: int
    kind: str
    on_date: date
    level_id: int
    start_date: date
    end_date: date
    dues_minor: int
    credit_minor: int
    due_minor: int
    currency: str
    gift_id: int | None
    credit_days: int = 0
    created_at: datetime


class LevelChangeQuote(BaseModel):
    """What a level change would cost on a date: shown before it is confirmed."""

    level_id: int
    currency: str
    credit_minor: int
    dues_minor: int
    due_minor: int
    unused_credit_minor: int
    credit_days: int = 0
    start_date: date
    end_date: date
    kind: str


class StatusRuleIn(Input):
    """A status rule (see :class:`plugins.membership.tables.StatusRule`)."""

    position: Annotated[Whole, Field(ge=0, le=10_000)]
    status: StatusName
    label: str = Field(default="", max_length=100)
    lifecycle: RuleLifecycle = "active"
    anchor: Anchor = "end"
    from_days: Annotated[Whole, Field(ge=-3660, le=3660)] | None = None
    until_days: Annotated[Whole, Field(ge=-3660, le=3660)] | None = None
    counts_as_member: bool = False


class StatusRule(StatusRuleIn):
    """A stored status rule."""

    model_config = ConfigDict(extra="ignore")
    id: int


class Associate(BaseModel):
    """A person inheriting a family or organisation membership."""

    id: int
    membership_id: int
    constituent_id: int
    name: str
    added_at: datetime
