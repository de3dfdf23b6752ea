"""Tables of the ``membership`` plugin (named ``membership_*``).

Dues are money as ``dues_minor`` (minor units) plus a currency code. Membership dates are
calendar dates in the organisation's time zone. ``end_date`` is the day a membership
*expires*: the member is covered on every day before it (a rolling year joined on 15 March
2026 expires on 15 March 2027). ``version`` is bumped by every change, so a write that lost
a race is detected with a conditional ``UPDATE ... WHERE version = <read>``.
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


class Level(Table, tablename="membership_level"):
    """A membership level: dues, how long a period lasts and how periods are laid out."""

    id = Serial(primary_key=True)
    name = Varchar(length=200, unique=True)
    dues_minor = BigInt(default=0)
    currency = Varchar(length=3)
    duration_count = Integer(default=1)
    duration_unit = Varchar(length=10, default="years")  # months | years
    period_type = Varchar(length=10, default="rolling")  # rolling | fixed
    fixed_start_month = Integer(default=1)  # fixed periods start on day 1 of this month
    rollover_month = Integer(null=True, default=None)
    rollover_day = Integer(null=True, default=None)
    grace_days = Integer(default=30)
    auto_renew_allowed = Boolean(default=True)
    benefits = Text(default="")
    tier = Integer(default=0)
    kind = Varchar(length=20, default="individual")  # individual | family | organisation
    member_cap = Integer(default=0)  # associated members allowed (family/organisation)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Membership(Table, tablename="membership_membership"):
    """One constituent's membership: its level, current continuous period and status."""

    id = Serial(primary_key=True)
    member_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    level_id = ForeignKey(Level, on_delete=OnDelete.restrict, index=True)
    join_date = Date()
    period_start = Date()  # start of the current continuous period of membership
    term_start = Date()  # start of the term now paid for (upgrades pro-rate from here)
    end_date = Date(index=True)  # expires on this day
    lifecycle = Varchar(length=20, default="active")  # pending | active | cancelled
    status = Varchar(length=20, default="current", index=True)
    counts_as_member = Boolean(default=True)
    source = Varchar(length=20, default="staff")  # staff | portal | import
    gift_id = Integer(null=True, default=None)  # the dues gift, when donations is enabled
    override_status = Varchar(length=20, null=True, default=None)
    override_reason = Text(default="")
    override_until = Date(null=True, default=None)
    auto_renew = Boolean(default=False)
    directory_opt_in = Boolean(default=False)
    external_id = Varchar(length=200, null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Term(Table, tablename="membership_term"):
    """History: each join, renewal, rejoin, upgrade or downgrade, with dates and credit."""

    id = Serial(primary_key=True)
    membership_id = ForeignKey(Membership, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)  # join | renew | rejoin | upgrade | downgrade
    on_date = Date(index=True)  # the organisation date the change was made
    level_id = Integer()
    start_date = Date()
    end_date = Date()
    dues_minor = BigInt(default=0)
    credit_minor = BigInt(default=0)
    due_minor = BigInt(default=0)
    currency = Varchar(length=3)
    gift_id = Integer(null=True, default=None)
    # Days added to the term by carrying a downgrade's unused credit (see periods.carry_credit).
    credit_days = Integer(default=0)
    created_at = Timestamptz()


class StatusRule(Table, tablename="membership_status_rule"):
    """Maps dates to a status: applies when ``anchor + from_days <= today < anchor + until_days``.

    ``anchor`` is ``join``, ``start`` (of the continuous period), ``end`` or ``grace_end``
    (end plus the level's grace days); ``lifecycle`` restricts the rule to pending, active or
    cancelled memberships (``any`` for all). Rules are tried in ``position`` order.
    """

    id = Serial(primary_key=True)
    position = Integer(default=0)
    status = Varchar(length=20)
    label = Varchar(length=100, default="")
    lifecycle = Varchar(length=20, default="active")
    anchor = Varchar(length=20, default="end")
    from_days = Integer(null=True, default=None)
    until_days = Integer(null=True, default=None)
    counts_as_member = Boolean(default=False)


class Associate(Table, tablename="membership_associate"):
    """A person who inherits a family or organisation membership."""

    id = Serial(primary_key=True)
    membership_id = ForeignKey(Membership, on_delete=OnDelete.cascade, index=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    added_at = Timestamptz()


class Reminder(Table, tablename="membership_reminder"):
    """A renewal reminder sent; unique per membership, end date, kind and offset."""

    id = Serial(primary_key=True)
    membership_id = ForeignKey(Membership, on_delete=OnDelete.cascade, index=True)
    constituent_id = Integer(index=True)
    kind = Varchar(length=10)  # before | grace
    end_date = Date()
    days = Integer()
    status = Varchar(length=20, default="claimed")  # claimed | sent | no_address
    outbox_id = Integer(null=True, default=None)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class OnlinePayment(Table, tablename="membership_online_payment"):
    """A join, renewal or level change being paid through a gateway's hosted checkout.

    Keyed by donations' checkout id: what the payment is for (action, level, quoted amount,
    how long the quote holds) is read from here when the payment arrives, never from the
    gateway's metadata.
    """

    id = Serial(primary_key=True)
    checkout_id = Integer(unique=True)
    membership_id = ForeignKey(Membership, on_delete=OnDelete.cascade, index=True)
    member_id = Integer(index=True)
    action = Varchar(length=20)  # join | renew | upgrade | downgrade
    level_id = Integer()
    amount_minor = BigInt()
    currency = Varchar(length=3)
    expires_at = Timestamptz()
    # open | applied | follow_up (paid, staff to act) | superseded (a newer checkout)
    status = Varchar(length=20, default="open")
    problem = Varchar(length=200, default="")
    gift_id = Integer(null=True, default=None)
    created_at = Timestamptz()
    settled_at = Timestamptz(null=True, default=None)


ALL_TABLES: list[type[Table]] = [
    Level,
    Membership,
    Term,
    StatusRule,
    Associate,
    Reminder,
    OnlinePayment,
]
