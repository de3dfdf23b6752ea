"""Tables of the ``volunteers`` plugin (named ``volunteers_*``).

Shift start and end are UTC instants; a recurring series keeps its rule in the
organisation's local time (``local_start`` is ``HH:MM`` on the wall clock), so every
generated occurrence starts at the same local time on both sides of a daylight-saving change.
Lists (skills, languages, interests) are stored as JSON arrays of lower-case strings; the
availability is a JSON object ``{"0": [["09:00", "13:00"]], ...}`` keyed by ISO weekday - 1.
Money (the hourly value of volunteer time) is integer minor units plus a currency code.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.constituents.tables import Constituent


class Opportunity(Table, tablename="volunteers_opportunity"):
    """A volunteering role or project people sign up to shifts of."""

    id = Serial(primary_key=True)
    title = Varchar(length=200)
    description = Text(default="")
    location = Varchar(length=300, default="")
    required_skills = Text(default="[]")
    minimum_age = Integer(null=True, default=None)
    contact_constituent_id = ForeignKey(
        Constituent, on_delete=OnDelete.set_null, null=True, default=None
    )
    contact_user_id = Integer(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ShiftSeries(Table, tablename="volunteers_series"):
    """A recurring schedule: weekly or monthly, at a local wall-clock time."""

    id = Serial(primary_key=True)
    opportunity_id = ForeignKey(Opportunity, on_delete=OnDelete.cascade, index=True)
    frequency = Varchar(length=10)  # weekly | monthly
    every_n = Integer(default=1)
    start_date = Date()
    until_date = Date()
    local_start = Varchar(length=5)  # HH:MM in the organisation's time zone
    duration_minutes = Integer()
    capacity = Integer()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Shift(Table, tablename="volunteers_shift"):
    """One shift of an opportunity; ``detached`` once edited apart from its series."""

    id = Serial(primary_key=True)
    opportunity_id = ForeignKey(Opportunity, on_delete=OnDelete.cascade, index=True)
    series_id = ForeignKey(
        ShiftSeries, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    capacity = Integer()
    detached = Boolean(default=False)
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=500, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Profile(Table, tablename="volunteers_profile"):
    """A constituent's volunteer profile."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, unique=True)
    skills = Text(default="[]")
    interests = Text(default="[]")
    languages = Text(default="[]")
    availability = Text(default="{}")
    emergency_name = Varchar(length=200, default="")
    emergency_phone = Varchar(length=50, default="")
    background_status = Varchar(length=20, default="none")  # none|pending|clear|failed
    background_expires = Date(null=True, default=None)
    postcode = Varchar(length=20, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Signup(Table, tablename="volunteers_signup"):
    """A person's place (or waitlist position) on a shift; one row per person and shift."""

    id = Serial(primary_key=True)
    shift_id = ForeignKey(Shift, on_delete=OnDelete.cascade, index=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    # signed_up | confirmed | attended | no_show | cancelled | waitlisted
    status = Varchar(length=20)
    waitlist_position = Integer(null=True, default=None)
    source = Varchar(length=10, default="staff")  # portal | staff
    checked_in_at = Timestamptz(null=True, default=None)
    checked_out_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class HoursEntry(Table, tablename="volunteers_hours"):
    """Time given: from a check-in/out or self-reported, approved by a coordinator."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    opportunity_id = ForeignKey(Opportunity, on_delete=OnDelete.restrict, index=True)
    shift_id = ForeignKey(Shift, on_delete=OnDelete.set_null, null=True, default=None)
    signup_id = Integer(null=True, default=None)
    work_date = Date(index=True)
    minutes = Integer()
    source = Varchar(length=10)  # checkin | self | staff | import
    status = Varchar(length=10)  # pending | approved | rejected
    note = Varchar(length=1000, default="")
    approver_user_id = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class HourlyRate(Table, tablename="volunteers_rate"):
    """The value of one hour of volunteer time from a date on (history kept)."""

    id = Serial(primary_key=True)
    effective_from = Date(unique=True)
    rate_minor = BigInt()
    currency = Varchar(length=3)
    created_at = Timestamptz()


class Notice(Table, tablename="volunteers_notice"):
    """A message already sent (reminder, invitation), so a repeated job sends nothing."""

    id = Serial(primary_key=True)
    notice_key = Varchar(length=200, unique=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    sent_at = Timestamptz()


ALL_TABLES: list[type[Table]] = [
    Opportunity,
    ShiftSeries,
    Shift,
    Profile,
    Signup,
    HoursEntry,
    HourlyRate,
    Notice,
]
