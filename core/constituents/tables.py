"""Tables of the ``core_constituents`` Piccolo app: people, organisations, households.

Names are stored as entered; ``display_name``, ``sort_name`` and ``search_text`` are computed
by the service on every change (see :mod:`core.constituents.names`). ``primary_email``,
``primary_phone`` and ``primary_postcode`` are kept in step with the contact tables so that
lists and search need no joins.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
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


class Constituent(Table, tablename="core_constituent"):
    """An individual, organisation or household."""

    id = Serial(primary_key=True)
    kind = Varchar(length=20, index=True)  # individual | organisation | household
    prefix = Varchar(length=40, null=True, default=None)
    first_name = Varchar(length=100, null=True, default=None)
    middle_name = Varchar(length=100, null=True, default=None)
    last_name = Varchar(length=100, null=True, default=None)
    suffix = Varchar(length=40, null=True, default=None)
    preferred_name = Varchar(length=100, null=True, default=None)
    organisation_name = Varchar(length=200, null=True, default=None)
    household_name = Varchar(length=200, null=True, default=None)
    display_name = Varchar(length=300)
    sort_name = Varchar(length=300, index=True)
    search_text = Text(default="")
    lifecycle_stage = Varchar(length=30, default="prospect", index=True)
    birth_date = Date(null=True, default=None)
    deceased = Boolean(default=False)
    deceased_date = Date(null=True, default=None)
    primary_email = Varchar(length=254, null=True, default=None, index=True)
    primary_phone = Varchar(length=20, null=True, default=None)
    primary_postcode = Varchar(length=20, null=True, default=None, index=True)
    source = Varchar(length=60, null=True, default=None)
    external_id = Varchar(length=100, null=True, default=None, unique=True)
    notes = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    deleted_at = Timestamptz(null=True, default=None, index=True)
    merged_into_id = Integer(null=True, default=None)


class Email(Table, tablename="core_email"):
    """An email address of a constituent."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=254, index=True)
    email_type = Varchar(length=20, default="home")  # home | work | other
    is_primary = Boolean(default=False)
    created_at = Timestamptz()


class Phone(Table, tablename="core_phone"):
    """A phone number of a constituent, stored in E.164 plus its digits for search."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    number = Varchar(length=20)
    digits = Varchar(length=20, index=True)
    phone_type = Varchar(length=20, default="mobile")  # mobile | home | work | other
    is_primary = Boolean(default=False)
    created_at = Timestamptz()


class Address(Table, tablename="core_address"):
    """A postal address of a constituent, with the dates it was valid."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    address_type = Varchar(length=20, default="home")  # home | work | mailing | other
    line1 = Varchar(length=200)
    line2 = Varchar(length=200, null=True, default=None)
    line3 = Varchar(length=200, null=True, default=None)
    city = Varchar(length=100, null=True, default=None)
    region = Varchar(length=100, null=True, default=None)
    postcode = Varchar(length=20, null=True, default=None, index=True)
    country = Varchar(length=2, null=True, default=None)
    is_primary = Boolean(default=False)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    created_at = Timestamptz()


class Tag(Table, tablename="core_tag"):
    """A label staff put on constituents."""

    id = Serial(primary_key=True)
    name = Varchar(length=60, unique=True)
    description = Varchar(length=200, default="")
    created_at = Timestamptz()


class ConstituentTag(Table, tablename="core_constituent_tag"):
    """A tag on a constituent (unique per pair)."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    tag_id = ForeignKey(Tag, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()


class CustomField(Table, tablename="core_custom_field"):
    """An organisation-defined field: text, number, date, choice or boolean."""

    id = Serial(primary_key=True)
    key = Varchar(length=60, unique=True)
    label = Varchar(length=120)
    field_type = Varchar(length=20)  # text | number | date | choice | boolean
    choices = JSON(default="[]")
    required = Boolean(default=False)
    help_text = Varchar(length=300, default="")
    max_length = Integer(default=500)
    position = Integer(default=0)
    active = Boolean(default=True)
    created_at = Timestamptz()


class CustomValue(Table, tablename="core_custom_value"):
    """A constituent's value of a custom field, in canonical text form (unique per pair)."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    field_id = ForeignKey(CustomField, on_delete=OnDelete.cascade, index=True)
    value = Text()
    updated_at = Timestamptz()


class RelationshipType(Table, tablename="core_relationship_type"):
    """A typed two-way relationship, e.g. ``employer of`` / ``employee of``."""

    id = Serial(primary_key=True)
    key = Varchar(length=60, unique=True)
    label_a_to_b = Varchar(length=100)
    label_b_to_a = Varchar(length=100)
    kind_a = Varchar(length=20, default="any")
    kind_b = Varchar(length=20, default="any")
    symmetric = Boolean(default=False)
    active = Boolean(default=True)


class Relationship(Table, tablename="core_relationship"):
    """A relationship between two constituents, with the dates it held."""

    id = Serial(primary_key=True)
    type_id = ForeignKey(RelationshipType, on_delete=OnDelete.restrict, index=True)
    constituent_a_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    constituent_b_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    start_date = Date(null=True, default=None)
    end_date = Date(null=True, default=None)
    notes = Varchar(length=500, default="")
    created_at = Timestamptz()


class HouseholdMember(Table, tablename="core_household_member"):
    """Membership of a person in a household, kept as history (``left_on`` closes it)."""

    id = Serial(primary_key=True)
    household_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    member_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=30, default="member")  # head | partner | child | member
    is_primary_contact = Boolean(default=False)
    joined_on = Date()
    left_on = Date(null=True, default=None)
    created_at = Timestamptz()


class ConsentRecord(Table, tablename="core_consent"):
    """One entry of the consent log: granted or withdrawn, how, when, with the exact wording."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    channel = Varchar(length=20)  # email | phone | sms | mail
    purpose = Varchar(length=60)
    status = Varchar(length=20)  # granted | withdrawn
    occurred_at = Timestamptz()
    method = Varchar(length=40)  # web_form | paper | phone | in_person | import | portal | api
    wording = Text()
    recorded_by = Varchar(length=200, default="")
    source = Varchar(length=100, default="")


class ContactBlock(Table, tablename="core_contact_block"):
    """Per-channel do-not-contact: active while ``lifted_at`` is null."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    channel = Varchar(length=20)  # email | phone | sms | mail | all
    reason = Varchar(length=300, default="")
    created_at = Timestamptz()
    created_by = Varchar(length=200, default="")
    lifted_at = Timestamptz(null=True, default=None)
    lifted_by = Varchar(length=200, null=True, default=None)


class SavedSegment(Table, tablename="core_saved_segment"):
    """A named constituent list filter (the list page's query string), shared by all staff."""

    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)
    query = Text(default="")
    created_by = Varchar(length=200, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


ALL_TABLES: list[type[Table]] = [
    Constituent,
    Email,
    Phone,
    Address,
    Tag,
    ConstituentTag,
    CustomField,
    CustomValue,
    RelationshipType,
    Relationship,
    HouseholdMember,
    ConsentRecord,
    ContactBlock,
    SavedSegment,
]
