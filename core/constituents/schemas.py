"""Request and response bodies of the constituents API, hand-written (no Piccolo models).

Inputs forbid unknown fields and bound every string, list and number. Services accept these
models (or plain mappings they validate into them), so the API, the CLI and imports share
one definition of valid input.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

Kind = Literal["individual", "organisation", "household"]
LifecycleStage = Literal["prospect", "active", "lapsed", "former", "do_not_solicit"]
EmailType = Literal["home", "work", "other"]
PhoneType = Literal["mobile", "home", "work", "other"]
AddressType = Literal["home", "work", "mailing", "other"]
FieldType = Literal["text", "number", "date", "choice", "boolean"]

MAX_EMAILS = 20
MAX_PHONES = 20
MAX_ADDRESSES = 50
MAX_TAGS_PER_REQUEST = 50
MAX_CUSTOM_VALUES_PER_REQUEST = 100
MAX_CUSTOM_TEXT_LENGTH = 5000
MAX_CHOICES = 100
SLUG_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
MAX_ID = 2_147_483_647  # ids are 32-bit serials on PostgreSQL


def _json_scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, str):
        if len(value) > MAX_CUSTOM_TEXT_LENGTH:
            raise ValueError(f"must be at most {MAX_CUSTOM_TEXT_LENGTH} characters")
        return value
    raise ValueError("must be a string, a number, true, false or null")


def _whole_number(value: Any) -> Any:
    # Runs before int validation. The API decodes JSON numbers as exact decimals and
    # Litestar validates bodies with strict=False, which overrides StrictInt: without this,
    # a million-digit decimal would be converted to int, which takes minutes.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


# A custom field value as sent: typed validation against the field happens in the service.
CustomScalar = Annotated[Any, AfterValidator(_json_scalar)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
TagId = Annotated[WholeNumber, Field(ge=1, le=MAX_ID)]


class _Input(BaseModel):
    # Integers are WholeNumber: an enormous decimal must be refused, not converted to int.
    model_config = ConfigDict(extra="forbid")


# --- contact details ----------------------------------------------------------------------


class EmailIn(_Input):
    """A new email address."""

    email: str = Field(min_length=1, max_length=254)
    email_type: EmailType = "home"
    is_primary: bool = False


class EmailPatch(_Input):
    """Changes to an email address; omitted fields stay as they are."""

    email: str | None = Field(default=None, min_length=1, max_length=254)
    email_type: EmailType | None = None
    is_primary: bool | None = None


class PhoneIn(_Input):
    """A new phone number; without ``+country`` it is read in the default country."""

    number: str = Field(min_length=1, max_length=40)
    phone_type: PhoneType = "mobile"
    is_primary: bool = False


class PhonePatch(_Input):
    """Changes to a phone number."""

    number: str | None = Field(default=None, min_length=1, max_length=40)
    phone_type: PhoneType | None = None
    is_primary: bool | None = None


class AddressIn(_Input):
    """A new postal address."""

    address_type: AddressType = "home"
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    line3: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166 alpha-2")
    is_primary: bool = False
    valid_from: date | None = None
    valid_to: date | None = None


class AddressPatch(_Input):
    """Changes to a postal address; send ``null`` to clear an optional line."""

    address_type: AddressType | None = None
    line1: str | None = Field(default=None, min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    line3: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    is_primary: bool | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class EmailOut(BaseModel):
    """An email address of a constituent."""

    id: int
    email: str
    email_type: str
    is_primary: bool
    created_at: datetime


class PhoneOut(BaseModel):
    """A phone number in E.164, with its digits."""

    id: int
    number: str
    digits: str
    phone_type: str
    is_primary: bool
    created_at: datetime


class AddressOut(BaseModel):
    """A postal address."""

    id: int
    address_type: str
    line1: str
    line2: str | None
    line3: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country: str | None
    is_primary: bool
    valid_from: date | None
    valid_to: date | None
    created_at: datetime


# --- tags ---------------------------------------------------------------------------------


class TagIn(_Input):
    """A new tag."""

    name: str = Field(min_length=1, max_length=60)
    description: str = Field(default="", max_length=200)


class TagPatch(_Input):
    """Renaming or re-describing a tag."""

    name: str | None = Field(default=None, min_length=1, max_length=60)
    description: str | None = Field(default=None, max_length=200)


class TagOut(BaseModel):
    """A tag."""

    id: int
    name: str
    description: str
    created_at: datetime


class TagSummary(TagOut):
    """A tag with the number of (not deleted) constituents carrying it."""

    constituent_count: int


class TagPage(BaseModel):
    """A page of tags."""

    items: list[TagSummary]
    total: int
    page: int
    per_page: int


# --- custom fields ------------------------------------------------------------------------


class CustomFieldIn(_Input):
    """A new organisation-defined field."""

    key: str = Field(pattern=SLUG_PATTERN, max_length=60, description="a-z, 0-9 and _")
    label: str = Field(min_length=1, max_length=120)
    field_type: FieldType
    choices: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_CHOICES
    )
    required: bool = False
    help_text: str = Field(default="", max_length=300)
    max_length: WholeNumber = Field(default=500, ge=1, le=MAX_CUSTOM_TEXT_LENGTH)
    position: WholeNumber = Field(default=0, ge=0, le=10_000)


class CustomFieldPatch(_Input):
    """Changes to a field definition (its key and type never change)."""

    label: str | None = Field(default=None, min_length=1, max_length=120)
    choices: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=MAX_CHOICES
    )
    required: bool | None = None
    help_text: str | None = Field(default=None, max_length=300)
    max_length: WholeNumber | None = Field(default=None, ge=1, le=MAX_CUSTOM_TEXT_LENGTH)
    position: WholeNumber | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class CustomFieldOut(BaseModel):
    """A field definition."""

    id: int
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    help_text: str
    max_length: int
    position: int
    active: bool
    created_at: datetime


class CustomFieldPage(BaseModel):
    """A page of field definitions."""

    items: list[CustomFieldOut]
    total: int
    page: int
    per_page: int


class CustomValueIn(_Input):
    """A value for one custom field; ``null`` clears it."""

    value: CustomScalar = Field(
        description="text, decimal number (string or JSON number), ISO date, choice or boolean"
    )


# --- constituents -------------------------------------------------------------------------


class ConstituentIn(_Input):
    """A new constituent, optionally with contact details, tags and custom values."""

    kind: Kind
    prefix: str | None = Field(default=None, max_length=40)
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    suffix: str | None = Field(default=None, max_length=40)
    preferred_name: str | None = Field(default=None, max_length=100)
    organisation_name: str | None = Field(default=None, max_length=200)
    household_name: str | None = Field(default=None, max_length=200)
    lifecycle_stage: LifecycleStage = "prospect"
    birth_date: date | None = None
    deceased: bool = False
    deceased_date: date | None = None
    source: str | None = Field(default=None, max_length=60)
    external_id: str | None = Field(default=None, max_length=100)
    notes: str = Field(default="", max_length=10_000)
    emails: list[EmailIn] = Field(default_factory=list, max_length=MAX_EMAILS)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=MAX_PHONES)
    addresses: list[AddressIn] = Field(default_factory=list, max_length=MAX_ADDRESSES)
    tags: list[TagId] = Field(default_factory=list, max_length=MAX_TAGS_PER_REQUEST)
    custom_fields: dict[Annotated[str, Field(max_length=60)], CustomScalar] = Field(
        default_factory=dict, max_length=MAX_CUSTOM_VALUES_PER_REQUEST
    )


class ConstituentPatch(_Input):
    """A partial update: only the fields sent change; ``null`` clears an optional field.

    The kind never changes. Contact details, tags and custom values have their own endpoints.
    """

    prefix: str | None = Field(default=None, max_length=40)
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    suffix: str | None = Field(default=None, max_length=40)
    preferred_name: str | None = Field(default=None, max_length=100)
    organisation_name: str | None = Field(default=None, max_length=200)
    household_name: str | None = Field(default=None, max_length=200)
    lifecycle_stage: LifecycleStage | None = None
    birth_date: date | None = None
    deceased: bool | None = None
    deceased_date: date | None = None
    source: str | None = Field(default=None, max_length=60)
    external_id: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=10_000)


class ConstituentSummary(BaseModel):
    """A constituent in a list."""

    id: int
    kind: str
    display_name: str
    sort_name: str
    lifecycle_stage: str
    deceased: bool
    primary_email: str | None
    primary_phone: str | None
    primary_postcode: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ConstituentPage(BaseModel):
    """A page of constituents."""

    items: list[ConstituentSummary]
    total: int
    page: int
    per_page: int


class ConstituentDetail(ConstituentSummary):
    """A constituent with names, contact details, tags and custom values.

    ``custom_fields`` maps a field key to its canonical value: text, choice and ISO date as
    strings, numbers as exact decimal strings, booleans as ``true``/``false``.
    """

    prefix: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    suffix: str | None
    preferred_name: str | None
    organisation_name: str | None
    household_name: str | None
    informal_name: str
    greeting_name: str
    birth_date: date | None
    deceased_date: date | None
    source: str | None
    external_id: str | None
    notes: str
    merged_into_id: int | None
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    tags: list[TagOut]
    custom_fields: dict[str, str | bool]


# --- personal data ------------------------------------------------------------------------


class ExportSectionOut(BaseModel):
    """What one plugin holds about the constituent."""

    plugin: str
    records: dict[str, list[dict[str, Any]]]


class PersonalDataExport(BaseModel):
    """A subject-access export: every enabled plugin's section."""

    constituent_id: int
    generated_at: datetime
    sections: list[ExportSectionOut]


class ErasureReportOut(BaseModel):
    """What one plugin erased, and what it kept with the legal reason."""

    plugin: str
    erased: dict[str, int]
    retained: dict[str, str]


class ErasureResult(BaseModel):
    """The outcome of erasing a constituent's personal data."""

    constituent_id: int
    erased_at: datetime
    reports: list[ErasureReportOut]
