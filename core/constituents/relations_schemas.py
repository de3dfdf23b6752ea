"""Request and response bodies of the relationship, household and consent API.

Inputs forbid unknown fields and bound every string and number; responses are hand-written
models read from the services' dataclasses (``from_attributes``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from core.constituents.consent import MAX_WORDING_LENGTH, PURPOSE_PATTERN

MAX_ID = 2_147_483_647  # PostgreSQL ``serial`` ids are 32-bit


def _whole_number(value: object) -> object:
    # The API decodes JSON numbers exactly (ints stay int, others are Decimal), and Litestar
    # validates with strict=False, which overrides StrictInt: refuse 1.0, 1e999, true, "1".
    if type(value) is not int:
        raise ValueError("must be a whole number")
    return value


Id = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=MAX_ID)]
# JSON object keys are text, so ids used as keys are parsed from it.
IdKey = Annotated[int, Field(ge=1, le=MAX_ID)]


class TypeKind(StrEnum):
    """Which kind of constituent may stand on one side of a relationship type."""

    ANY = "any"
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"
    HOUSEHOLD = "household"


class Side(StrEnum):
    """Which end of a relationship type the constituent in the path is."""

    A = "a"
    B = "b"


class RelationshipStatus(StrEnum):
    """Filter for relationship lists."""

    ACTIVE = "active"
    ENDED = "ended"
    ALL = "all"


class HouseholdRole(StrEnum):
    """A member's role in a household."""

    HEAD = "head"
    PARTNER = "partner"
    CHILD = "child"
    MEMBER = "member"


class Channel(StrEnum):
    """A contact channel that consent is given for."""

    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    MAIL = "mail"


class BlockChannel(StrEnum):
    """A channel a do-not-contact block covers (``all`` covers every channel)."""

    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    MAIL = "mail"
    ALL = "all"


class ConsentStatus(StrEnum):
    """Whether a consent entry grants or withdraws consent."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    """How consent was captured."""

    WEB_FORM = "web_form"
    PAPER = "paper"
    PHONE = "phone"
    IN_PERSON = "in_person"
    IMPORT = "import"
    PORTAL = "portal"
    API = "api"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- inputs ------------------------------------------------------------------------------


class RelationshipTypeIn(_Input):
    """A new relationship type; symmetric types may omit ``label_b_to_a``."""

    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    label_a_to_b: str = Field(min_length=1, max_length=100)
    label_b_to_a: str | None = Field(default=None, min_length=1, max_length=100)
    kind_a: TypeKind = TypeKind.ANY
    kind_b: TypeKind = TypeKind.ANY
    symmetric: bool = False


class RelationshipTypePatch(_Input):
    """Changes to a relationship type (its key never changes)."""

    label_a_to_b: str | None = Field(default=None, min_length=1, max_length=100)
    label_b_to_a: str | None = Field(default=None, min_length=1, max_length=100)
    kind_a: TypeKind | None = None
    kind_b: TypeKind | None = None
    symmetric: bool | None = None
    active: bool | None = None


class RelationshipIn(_Input):
    """A relationship from the constituent in the path to ``related_id``."""

    type_id: Id
    related_id: Id
    side: Side = Side.A
    start_date: date | None = None
    end_date: date | None = None
    notes: str = Field(default="", max_length=500)


class EndRelationshipIn(_Input):
    """When a relationship ended (default: today in the organisation's time zone)."""

    end_date: date | None = None


class HouseholdIn(_Input):
    """A new household and the people who live in it."""

    name: str = Field(min_length=1, max_length=200)
    member_ids: list[Id] = Field(default_factory=list, max_length=50)
    primary_contact_id: Id | None = None
    roles: dict[IdKey, HouseholdRole] = Field(default_factory=dict, max_length=50)


class MemberIn(_Input):
    """A person joining a household today."""

    member_id: Id
    role: HouseholdRole = HouseholdRole.MEMBER
    is_primary_contact: bool = False


class MemberPatch(_Input):
    """A change to a current member's role or primary-contact flag."""

    role: HouseholdRole | None = None
    is_primary_contact: bool | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> MemberPatch:
        if self.role is None and self.is_primary_contact is None:
            raise ValueError("give role and/or is_primary_contact")
        return self


class ConsentIn(_Input):
    """One consent statement, with the exact wording the person saw or heard."""

    channel: Channel
    purpose: str = Field(min_length=1, max_length=60, pattern=PURPOSE_PATTERN)
    status: ConsentStatus
    method: ConsentMethod
    wording: str = Field(min_length=1, max_length=MAX_WORDING_LENGTH)
    occurred_at: AwareDatetime | None = None
    source: str | None = Field(default=None, max_length=100)


class ContactBlockIn(_Input):
    """A do-not-contact block on one channel."""

    channel: BlockChannel
    reason: str = Field(min_length=1, max_length=300)


# -- outputs -----------------------------------------------------------------------------


class _Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RelationshipTypeOut(_Output):
    """A relationship type."""

    id: int
    key: str
    label_a_to_b: str
    label_b_to_a: str
    kind_a: str
    kind_b: str
    symmetric: bool
    active: bool


class RelationshipTypePage(_Output):
    """A page of relationship types."""

    items: list[RelationshipTypeOut]
    total: int
    page: int
    per_page: int


class RelationshipOut(_Output):
    """A relationship as stored (A, type, B)."""

    id: int
    type_id: int
    constituent_a_id: int
    constituent_b_id: int
    start_date: date | None
    end_date: date | None
    notes: str
    created_at: datetime
    active: bool


class RelationshipViewOut(_Output):
    """A relationship seen from one constituent: ``label`` reads "<them> <label> <related>"."""

    id: int
    type_id: int
    type_key: str
    label: str
    symmetric: bool
    side: str
    related_id: int
    related_name: str
    related_kind: str
    start_date: date | None
    end_date: date | None
    active: bool
    notes: str
    created_at: datetime


class RelationshipPage(_Output):
    """A page of a constituent's relationships."""

    items: list[RelationshipViewOut]
    total: int
    page: int
    per_page: int


class MembershipOut(_Output):
    """A person's membership of a household (``left_on`` is null while current)."""

    id: int
    household_id: int
    household_name: str
    member_id: int
    member_name: str
    role: str
    is_primary_contact: bool
    joined_on: date
    left_on: date | None
    current: bool


class MembershipPage(_Output):
    """A page of household memberships."""

    items: list[MembershipOut]
    total: int
    page: int
    per_page: int


class HouseholdOut(_Output):
    """A household and its current members."""

    id: int
    name: str
    members: list[MembershipOut]


class ConsentOut(_Output):
    """One entry of the consent log."""

    id: int
    constituent_id: int
    channel: str
    purpose: str
    status: str
    occurred_at: datetime
    method: str
    wording: str
    recorded_by: str
    source: str


class ConsentOverviewOut(_Output):
    """The current state per (channel, purpose) and a page of the log, newest first."""

    current: list[ConsentOut]
    items: list[ConsentOut]
    total: int
    page: int
    per_page: int


class ContactBlockOut(_Output):
    """A do-not-contact block; ``active`` until lifted."""

    id: int
    constituent_id: int
    channel: str
    reason: str
    created_at: datetime
    created_by: str
    lifted_at: datetime | None
    lifted_by: str | None
    active: bool


class ContactBlockPage(_Output):
    """A page of contact blocks."""

    items: list[ContactBlockOut]
    total: int
    page: int
    per_page: int
