"""Tables of the ``donations`` plugin (named ``donations_*``).

Money is always two columns: ``*_minor`` (``BigInt`` minor units) and a currency code. A
gift's accounting date (``gift_date``) is a calendar date in the organisation's time zone and
``fiscal_year`` is derived from it when the gift is written, so reports group without
date arithmetic in SQL. ``donations_donor_total`` and ``donations_donor_year`` are rollups
the services keep exact inside the transaction that changes a gift.
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


class Fund(Table, tablename="donations_fund"):
    """A fund or designation money is given to (general, building, scholarships...)."""

    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)
    description = Varchar(length=1000, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class Campaign(Table, tablename="donations_campaign"):
    """A fundraising campaign with a goal and dates."""

    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)
    goal_minor = BigInt(default=0)
    currency = Varchar(length=3)
    start_date = Date(null=True, default=None)
    end_date = Date(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()


class Appeal(Table, tablename="donations_appeal"):
    """A solicitation inside a campaign (a mailing, an email, an event), with its cost."""

    id = Serial(primary_key=True)
    campaign_id = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)
    channel = Varchar(length=20, default="mail")
    cost_minor = BigInt(default=0)
    currency = Varchar(length=3)
    start_date = Date(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()


class Pledge(Table, tablename="donations_pledge"):
    """A promise to give an amount, paid in instalments; the rest can be written off."""

    id = Serial(primary_key=True)
    donor_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    pledge_date = Date()
    status = Varchar(length=20, default="open")  # open | fulfilled | written_off | cancelled
    written_off_minor = BigInt(default=0)
    written_off_at = Timestamptz(null=True, default=None)
    fund_id = ForeignKey(Fund, on_delete=OnDelete.restrict, null=True, default=None)
    campaign_id = ForeignKey(Campaign, on_delete=OnDelete.restrict, null=True, default=None)
    notes = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Instalment(Table, tablename="donations_instalment"):
    """One scheduled instalment of a pledge."""

    id = Serial(primary_key=True)
    pledge_id = ForeignKey(Pledge, on_delete=OnDelete.cascade, index=True)
    due_date = Date()
    amount_minor = BigInt()
    reminded_at = Timestamptz(null=True, default=None)


class Recurring(Table, tablename="donations_recurring"):
    """A recurring gift: amount, frequency, the next expected date and its status."""

    id = Serial(primary_key=True)
    donor_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    frequency = Varchar(length=20)  # weekly | monthly | quarterly | annually
    start_date = Date()
    next_date = Date()
    status = Varchar(length=20, default="active")  # active | paused | lapsed | closed
    fund_id = ForeignKey(Fund, on_delete=OnDelete.restrict, null=True, default=None)
    campaign_id = ForeignKey(Campaign, on_delete=OnDelete.restrict, null=True, default=None)
    gateway = Varchar(length=20, default="offline")
    gateway_ref = Varchar(length=200, null=True, default=None)
    last_paid_date = Date(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class RecurringChange(Table, tablename="donations_recurring_change"):
    """Change log of a recurring gift: upgrades, downgrades, pauses, lapses, closure."""

    id = Serial(primary_key=True)
    recurring_id = ForeignKey(Recurring, on_delete=OnDelete.cascade, index=True)
    changed_at = Timestamptz()
    kind = Varchar(length=20)  # created | upgrade | downgrade | frequency | status
    old_amount_minor = BigInt(null=True, default=None)
    new_amount_minor = BigInt(null=True, default=None)
    old_frequency = Varchar(length=20, null=True, default=None)
    new_frequency = Varchar(length=20, null=True, default=None)
    old_status = Varchar(length=20, null=True, default=None)
    new_status = Varchar(length=20, null=True, default=None)


class Batch(Table, tablename="donations_batch"):
    """A batch of gifts keyed by staff, posted only when it matches its control totals."""

    id = Serial(primary_key=True)
    name = Varchar(length=200)
    control_count = Integer()
    control_minor = BigInt()
    currency = Varchar(length=3)
    status = Varchar(length=20, default="open")  # open | posted
    created_at = Timestamptz()
    posted_at = Timestamptz(null=True, default=None)


class BatchItem(Table, tablename="donations_batch_item"):
    """One gift keyed into a batch, kept as validated JSON until the batch posts."""

    id = Serial(primary_key=True)
    batch_id = ForeignKey(Batch, on_delete=OnDelete.cascade, index=True)
    payload = Text()
    amount_minor = BigInt()
    created_at = Timestamptz()


class Gift(Table, tablename="donations_gift"):
    """One gift (hard credit to ``donor_id``); soft-deleted, never removed."""

    id = Serial(primary_key=True)
    donor_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    gift_date = Date(index=True)
    fiscal_year = Integer(index=True)
    received_at = Timestamptz(null=True, default=None)
    payment_method = Varchar(length=20, default="cash")
    status = Varchar(length=20, default="received", index=True)
    anonymous = Boolean(default=False)
    non_deductible_minor = BigInt(default=0)
    in_kind_description = Varchar(length=500, null=True, default=None)
    source = Varchar(length=40, default="manual")
    external_id = Varchar(length=200, null=True, default=None)
    campaign_id = ForeignKey(Campaign, on_delete=OnDelete.restrict, null=True, default=None)
    appeal_id = ForeignKey(Appeal, on_delete=OnDelete.restrict, null=True, default=None)
    pledge_id = ForeignKey(Pledge, on_delete=OnDelete.restrict, null=True, default=None)
    recurring_id = ForeignKey(Recurring, on_delete=OnDelete.restrict, null=True, default=None)
    batch_id = ForeignKey(Batch, on_delete=OnDelete.restrict, null=True, default=None)
    matches_gift_id = Integer(null=True, default=None, index=True)
    notes = Text(default="")
    refunded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    deleted_at = Timestamptz(null=True, default=None)


class GiftSplit(Table, tablename="donations_gift_split"):
    """The part of a gift given to one fund; a gift's splits sum to its amount."""

    id = Serial(primary_key=True)
    gift_id = ForeignKey(Gift, on_delete=OnDelete.cascade, index=True)
    fund_id = ForeignKey(Fund, on_delete=OnDelete.restrict, index=True)
    amount_minor = BigInt()


class SoftCredit(Table, tablename="donations_soft_credit"):
    """Recognition of a gift for someone other than the donor (never counted as money)."""

    id = Serial(primary_key=True)
    gift_id = ForeignKey(Gift, on_delete=OnDelete.cascade, index=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.restrict, index=True)
    credit_type = Varchar(length=20)  # in_honour | in_memory | solicitor | matched | household
    amount_minor = BigInt()


class Tribute(Table, tablename="donations_tribute"):
    """A gift made in honour or in memory of someone, and who to tell about it."""

    id = Serial(primary_key=True)
    gift_id = ForeignKey(Gift, on_delete=OnDelete.cascade, index=True)
    tribute_type = Varchar(length=20)  # in_honour | in_memory
    honoree_name = Varchar(length=200)
    honoree_id = Integer(null=True, default=None)
    notify_name = Varchar(length=200, null=True, default=None)
    notify_email = Varchar(length=254, null=True, default=None)
    notify_address = Varchar(length=500, null=True, default=None)
    notified_at = Timestamptz(null=True, default=None)


class DonorTotal(Table, tablename="donations_donor_total"):
    """Rollup per donor and currency, recomputed with every change to the donor's gifts."""

    id = Serial(primary_key=True)
    constituent_id = Integer(index=True)
    currency = Varchar(length=3)
    gift_count = Integer(default=0)
    lifetime_minor = BigInt(default=0)
    first_gift_date = Date(null=True, default=None)
    first_gift_minor = BigInt(default=0)
    last_gift_date = Date(null=True, default=None)
    last_gift_minor = BigInt(default=0)
    largest_gift_date = Date(null=True, default=None)
    largest_gift_minor = BigInt(default=0)
    as_of_fiscal_year = Integer()
    this_fy_minor = BigInt(default=0)
    last_fy_minor = BigInt(default=0)
    consecutive_years = Integer(default=0)
    soft_credit_minor = BigInt(default=0)
    # RFM frequency + monetary score (2 to 10): both depend on this row alone, so they are
    # kept here; recency depends on today and is scored on read (reports/rfm.py).
    fm_score = Integer(default=0)
    updated_at = Timestamptz()


class DonorYear(Table, tablename="donations_donor_year"):
    """Rollup per donor, currency and fiscal year (reports read this, never raw gifts)."""

    id = Serial(primary_key=True)
    constituent_id = Integer(index=True)
    currency = Varchar(length=3)
    fiscal_year = Integer(index=True)
    gift_count = Integer(default=0)
    total_minor = BigInt(default=0)
    largest_minor = BigInt(default=0)
    # Whether the donor also gave (same currency) in the fiscal year before / after this
    # row's year: facts about stored years, so they stay true when the current year turns.
    gave_year_before = Boolean(default=False)
    gave_year_after = Boolean(default=False)


class YearTotal(Table, tablename="donations_year_total"):
    """Per currency and fiscal year, sums of the donor-year rollup rows, kept with them.

    ``kept_donors``: donors of the year who also gave the year after; ``returning_minor``:
    the year's money from donors who also gave the year before (retention reads these).
    """

    id = Serial(primary_key=True)
    currency = Varchar(length=3)
    fiscal_year = Integer()
    donors = BigInt(default=0)
    total_minor = BigInt(default=0)
    kept_donors = BigInt(default=0)
    returning_minor = BigInt(default=0)


class RfmCount(Table, tablename="donations_rfm_count"):
    """Donors (with gifts) per currency, RFM frequency + monetary score and last gift date.

    Kept with the donor rollups; an RFM page sums it per recency band of today.
    """

    id = Serial(primary_key=True)
    currency = Varchar(length=3)
    fm_score = Integer()
    last_gift_date = Date()
    donors = BigInt(default=0)


class ReceiptSequence(Table, tablename="donations_receipt_sequence"):
    """The next receipt number of each series; allocated inside the receipt's transaction."""

    id = Serial(primary_key=True)
    series = Varchar(length=20, unique=True)
    next_number = BigInt(default=1)


class Receipt(Table, tablename="donations_receipt"):
    """An issued receipt (one gift) or annual statement (one donor, one fiscal year)."""

    id = Serial(primary_key=True)
    series = Varchar(length=20)
    number = BigInt()
    kind = Varchar(length=20)  # gift | annual
    constituent_id = Integer(index=True)
    gift_id = Integer(null=True, default=None, index=True)
    fiscal_year = Integer(null=True, default=None)
    amount_minor = BigInt()
    deductible_minor = BigInt()
    currency = Varchar(length=3)
    language = Varchar(length=5)
    jurisdiction = Varchar(length=20)
    issued_at = Timestamptz()
    voided_at = Timestamptz(null=True, default=None)


class CheckoutSession(Table, tablename="donations_checkout"):
    """An online donation started through a payment gateway, before the money arrives."""

    id = Serial(primary_key=True)
    gateway = Varchar(length=20)
    session_ref = Varchar(length=200, null=True, default=None, index=True)
    constituent_id = Integer(null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    frequency = Varchar(length=20, default="once")
    fund_id = Integer(null=True, default=None)
    status = Varchar(length=20, default="open")  # open | completed | expired
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)


class WebhookEvent(Table, tablename="donations_webhook_event"):
    """Every gateway event received, unique per (provider, event id): the idempotency key."""

    id = Serial(primary_key=True)
    provider = Varchar(length=20)
    event_id = Varchar(length=200)
    event_type = Varchar(length=100)
    object_ref = Varchar(length=200, null=True, default=None, index=True)
    status = Varchar(length=20)  # processed | deferred | ignored
    payload = Text(default="")
    received_at = Timestamptz()
    processed_at = Timestamptz(null=True, default=None)


ALL_TABLES: list[type[Table]] = [
    Fund,
    Campaign,
    Appeal,
    Pledge,
    Instalment,
    Recurring,
    RecurringChange,
    Batch,
    BatchItem,
    Gift,
    GiftSplit,
    SoftCredit,
    Tribute,
    DonorTotal,
    DonorYear,
    YearTotal,
    RfmCount,
    ReceiptSequence,
    Receipt,
    CheckoutSession,
    WebhookEvent,
]
