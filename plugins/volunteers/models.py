"""Typed inputs and outputs of the volunteers services (also the API bodies)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from plugins.volunteers.common import MAX_ID, clean_terms

Term = list[str]
Status = Literal["signed_up", "confirmed", "attended", "no_show", "cancelled", "waitlisted"]
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _terms(values: list[str]) -> list[str]:
    if len(values) > 50 or any(len(v) > 60 for v in values):
        raise ValueError("at most 50 terms of at most 60 characters")
    return clean_terms(values)


class OpportunityIn(BaseModel):
    """An opportunity to create or replace."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    location: str = Field(default="", max_length=300)
    required_skills: list[str] = Field(default_factory=list)
    minimum_age: int | None = Field(default=None, ge=0, le=120)
    contact_constituent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    contact_user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    active: bool = True

    _skills = field_validator("required_skills")(_terms)


class Opportunity(OpportunityIn):
    """A stored opportunity."""

    id: int
    created_at: datetime
    updated_at: datetime


class ShiftIn(BaseModel):
    """A one-off shift (instants with an offset; stored in UTC)."""

    model_config = ConfigDict(extra="forbid")
    opportunity_id: int = Field(ge=1, le=MAX_ID)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=1, le=10_000)


class ShiftPatch(BaseModel):
    """Changes to one shift; it then no longer follows its series."""

    model_config = ConfigDict(extra="forbid")
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=10_000)


class Shift(BaseModel):
    """A stored shift with how many places are taken and how many wait."""

    id: int
    opportunity_id: int
    opportunity_title: str
    location: str
    series_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    detached: bool
    cancelled_at: datetime | None
    cancel_reason: str
    taken: int
    waitlisted: int

    @property
    def free(self) -> int:
        """Places still open."""
        return max(0, self.capacity - self.taken)


class SeriesIn(BaseModel):
    """A recurring schedule in the organisation's local time."""

    model_config = ConfigDict(extra="forbid")
    opportunity_id: int = Field(ge=1, le=MAX_ID)
    frequency: Literal["weekly", "monthly"]
    every_n: int = Field(default=1, ge=1, le=12)
    start_date: date
    until_date: date
    local_start: str = Field(pattern=HHMM)
    duration_minutes: int = Field(ge=15, le=24 * 60)
    capacity: int = Field(ge=1, le=10_000)


class SeriesChange(BaseModel):
    """A change to every future occurrence of a series that was not edited on its own."""

    model_config = ConfigDict(extra="forbid")
    local_start: str | None = Field(default=None, pattern=HHMM)
    duration_minutes: int | None = Field(default=None, ge=15, le=24 * 60)
    capacity: int | None = Field(default=None, ge=1, le=10_000)


class Signup(BaseModel):
    """A person's sign-up to a shift."""

    id: int
    shift_id: int
    constituent_id: int
    display_name: str
    status: str
    waitlist_position: int | None
    source: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    created_at: datetime


class ProfileIn(BaseModel):
    """A volunteer profile to create or replace."""

    model_config = ConfigDict(extra="forbid")
    skills: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    availability: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[tuple[str, str]]] = Field(
        default_factory=dict
    )
    emergency_name: str = Field(default="", max_length=200)
    emergency_phone: str = Field(default="", max_length=50)
    background_status: Literal["none", "pending", "clear", "failed"] = "none"
    background_expires: date | None = None
    postcode: str = Field(default="", max_length=20)

    _lists = field_validator("skills", "interests", "languages")(_terms)

    @field_validator("availability")
    @classmethod
    def _ranges(cls, value: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:

        for ranges in value.values():
            if len(ranges) > 6:
                raise ValueError("at most 6 time ranges a day")
            for start, end in ranges:
                if not re.match(HHMM, start) or not re.match(HHMM, end) or start >= end:
                    raise ValueError("time ranges are HH:MM-HH:MM with the start first")
        return value


class Profile(ProfileIn):
    """A stored volunteer profile."""

    constituent_id: int
