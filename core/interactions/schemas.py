"""Request and response bodies of the interactions API (hand-written, for OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from core.interactions.catalog import KEY_MAX_LENGTH, RegisteredType
from core.interactions.fields import BODY_MAX, EXTERNAL_REF_MAX, PURPOSE_MAX, SUBJECT_MAX
from core.interactions.records import MAX_ID, FollowUpPage, Interaction
from core.pagination import Page

Channel = Literal["email", "phone", "meeting", "letter", "sms", "social", "web", "event", "other"]
Direction = Literal["inbound", "outbound", "internal"]
Initiator = Literal["constituent", "staff", "system"]
FollowUpStatus = Literal["none", "open", "done", "cancelled"]


class InteractionIn(BaseModel):
    """A new interaction; omitted fields take the type's and core's defaults."""

    model_config = ConfigDict(extra="forbid")

    constituent_id: int = Field(ge=1, le=MAX_ID)
    interaction_type: str = Field(min_length=3, max_length=KEY_MAX_LENGTH)
    channel: Channel | None = None
    direction: Direction | None = None
    purpose: str = Field(default="", max_length=PURPOSE_MAX)
    subject: str = Field(default="", max_length=SUBJECT_MAX)
    body: str = Field(default="", max_length=BODY_MAX)
    initiated_by: Initiator | None = None
    occurred_at: AwareDatetime | None = None
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    follow_up_status: Literal["none", "open"] | None = None
    follow_up_due: date | None = None
    external_ref: str | None = Field(default=None, min_length=1, max_length=EXTERNAL_REF_MAX)
    payload: dict[str, Any] = Field(default_factory=dict, max_length=100)


class InteractionPatch(BaseModel):
    """Fields to change; only those present are changed (null clears owner and due date)."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=SUBJECT_MAX)
    body: str | None = Field(default=None, max_length=BODY_MAX)
    purpose: str | None = Field(default=None, max_length=PURPOSE_MAX)
    channel: Channel | None = None
    direction: Direction | None = None
    occurred_at: AwareDatetime | None = None
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    follow_up_status: FollowUpStatus | None = None
    follow_up_due: date | None = None

    def changes(self) -> dict[str, Any]:
        """The fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class FollowUpIn(BaseModel):
    """A task for a staff member about a constituent, due on a day (org time zone)."""

    model_config = ConfigDict(extra="forbid")

    constituent_id: int = Field(ge=1, le=MAX_ID)
    due: date
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: str = Field(default="", max_length=BODY_MAX)
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class InteractionOut(BaseModel):
    """An interaction as the API shows it."""

    id: int
    constituent_id: int
    constituent_name: str | None
    interaction_type: str
    type_label: str
    source_plugin: str
    channel: str
    direction: str
    purpose: str
    subject: str
    body: str
    initiated_by: str
    occurred_at: datetime
    owner_id: int | None
    owner_name: str | None
    follow_up_status: str
    follow_up_due: date | None
    follow_up_done_at: datetime | None
    overdue: bool
    payload: dict[str, Any]
    external_ref: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, interaction: Interaction, labels: dict[str, str], today: date) -> InteractionOut:
        """Shape an interaction; ``labels`` maps type keys to labels (inactive: the key)."""
        return cls(
            id=interaction.id,
            constituent_id=interaction.constituent_id,
            constituent_name=interaction.constituent_name,
            interaction_type=interaction.interaction_type,
            type_label=labels.get(interaction.interaction_type, interaction.interaction_type),
            source_plugin=interaction.source_plugin,
            channel=interaction.channel,
            direction=interaction.direction,
            purpose=interaction.purpose,
            subject=interaction.subject,
            body=interaction.body,
            initiated_by=interaction.initiated_by,
            occurred_at=interaction.occurred_at,
            owner_id=interaction.owner_id,
            owner_name=interaction.owner_name,
            follow_up_status=interaction.follow_up_status,
            follow_up_due=interaction.follow_up_due,
            follow_up_done_at=interaction.follow_up_done_at,
            overdue=interaction.is_overdue(today),
            payload=interaction.payload,
            external_ref=interaction.external_ref,
            created_at=interaction.created_at,
            updated_at=interaction.updated_at,
        )


class InteractionPageOut(BaseModel):
    """A page of a timeline."""

    items: list[InteractionOut]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, page: Page[Interaction], labels: dict[str, str], today: date) -> InteractionPageOut:
        """Shape a page of interactions."""
        return cls(
            items=[InteractionOut.of(i, labels, today) for i in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
        )


class FollowUpCountsOut(BaseModel):
    """Open follow-ups in the owner scope and how many are overdue."""

    open: int
    overdue: int


class FollowUpPageOut(InteractionPageOut):
    """A page of follow-ups with the owner's open and overdue counts."""

    counts: FollowUpCountsOut
    today: date

    @classmethod
    def of_follow_ups(
        cls, page: FollowUpPage, labels: dict[str, str], today: date
    ) -> FollowUpPageOut:
        """Shape a page of follow-ups."""
        return cls(
            items=[InteractionOut.of(i, labels, today) for i in page.items],
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            counts=FollowUpCountsOut(open=page.counts.open, overdue=page.counts.overdue),
            today=today,
        )


class InteractionTypeOut(BaseModel):
    """An interaction type staff and plugins can record, with its payload's JSON schema."""

    key: str
    label: str
    plugin: str
    default_channel: str
    payload_schema: dict[str, Any]

    @classmethod
    def of(cls, registered: RegisteredType) -> InteractionTypeOut:
        """Shape a registered type."""
        return cls(
            key=registered.key,
            label=registered.label,
            plugin=registered.plugin,
            default_channel=registered.default_channel,
            payload_schema=registered.payload_schema(),
        )
