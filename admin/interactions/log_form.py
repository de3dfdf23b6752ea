"""Logging an interaction (with an optional follow-up) from a constituent's page.

``GET /admin/interactions/new?constituent_id=N`` shows the form with sensible defaults
(now, me, the type's default channel and direction); ``POST /admin/interactions`` records
it through :func:`core.interactions.service.record_interaction` and returns to the
constituent. Bad input re-renders the form (422) with the typed values and a message next
to each field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from admin.forms import FormErrors, errors_from_service, form_values, validate_form
from admin.interactions.labels import labels_for
from admin.interactions.timeline import constituent_name
from admin.rendering import render_admin_page
from core.auth.principal import require_principal
from core.auth.users import list_users
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.interactions import service
from core.interactions.catalog import (
    CHANNELS,
    DIRECTIONS,
    RegisteredType,
    interaction_types,
    year_in_range,
)
from core.interactions.fields import BODY_MAX, SUBJECT_MAX
from core.interactions.queries import org_zone
from core.interactions.records import MAX_ID
from core.web.pages import is_htmx, redirect_with_flash

WRITE = "interactions.write"
FORM_FIELDS = frozenset(
    {
        "interaction_type",
        "channel",
        "direction",
        "subject",
        "body",
        "occurred_at",
        "follow_up_due",
        "owner_id",
    }
)
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def _one_of(value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is not None and value not in choices:
        raise ValueError(_("Choose one of the options."))
    return value


class InteractionForm(BaseModel):
    """The posted "log an interaction" form."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    constituent_id: int = Field(ge=1, le=MAX_ID)
    interaction_type: str = Field(min_length=1, max_length=80)
    channel: str | None = None
    direction: str | None = None
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: str | None = Field(default=None, max_length=BODY_MAX)
    occurred_at: datetime
    follow_up_due: date | None = None
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        return _one_of(value, CHANNELS)

    @field_validator("direction")
    @classmethod
    def _direction(cls, value: str | None) -> str | None:
        return _one_of(value, DIRECTIONS)

    @field_validator("occurred_at", "follow_up_due")
    @classmethod
    def _plausible_year(cls, value: date | None) -> date | None:
        if value is not None and not year_in_range(value):
            raise ValueError(_("Enter a date between the years 1900 and 2199."))
        return value


def local_now_input() -> str:
    """Now in the organisation's time zone, as a ``datetime-local`` input value."""
    return datetime.now(org_zone()).strftime(LOCAL_INPUT_FORMAT)


def as_org_instant(value: datetime) -> datetime:
    """A ``datetime-local`` value (no offset) read as wall time in the organisation's zone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=org_zone())


def loggable(registered: RegisteredType) -> bool:
    """Types staff can log by hand: their payload has no required fields.

    A plugin's own facts (a gift, a shift) are recorded by that plugin, with its payload.
    """
    try:
        registered.payload_model.model_validate({})
    except ValidationError:
        return False
    return True


async def form_context(
    constituent_id: int, values: dict[str, Any], errors: FormErrors
) -> dict[str, Any]:
    """What ``admin/interactions/new.html`` needs (NotFoundError for a missing constituent)."""
    name = await constituent_name(constituent_id)
    types = await interaction_types()
    labels = labels_for(types)
    staff = await list_users(is_active=True, per_page=200, sort="display_name")
    return {
        "constituent_id": constituent_id,
        "constituent_name": name,
        "values": values,
        "errors": errors,
        "type_options": [(key, labels.type(key)) for key, t in types.items() if loggable(t)],
        "channel_options": [(key, labels.channel(key)) for key in CHANNELS],
        "direction_options": [(key, labels.direction(key)) for key in DIRECTIONS],
        "owner_options": [(str(u.id), u.display_name or u.email) for u in staff.items],
    }


@get("/interactions/new", include_in_schema=False, opt={"permission": WRITE})
async def new_interaction(
    request: Request[Any, Any, Any],
    constituent_id: Annotated[int, QueryParameter(ge=1, le=MAX_ID)],
) -> Response[str]:
    """The empty form: type, channel, direction, subject, notes, when and a follow-up."""
    values = {
        "interaction_type": "core.note",
        "occurred_at": local_now_input(),
        "owner_id": str(require_principal(request).user_id),
    }
    context = await form_context(constituent_id, values, {})
    return await render_admin_page(request, "admin/interactions/new.html", context)


def _placed(errors: FormErrors) -> FormErrors:
    """Errors of fields the form does not show (a plugin type's payload) go to the top."""
    placed: FormErrors = {}
    for key, message in errors.items():
        if key in FORM_FIELDS:
            placed[key] = message
        else:
            placed["__all__"] = f"{placed['__all__']} {message}" if "__all__" in placed else message
    return placed


@post("/interactions", include_in_schema=False, opt={"permission": WRITE})
async def create_interaction(request: Request[Any, Any, Any]) -> Response[Any]:
    """Record the interaction and go back to the constituent; 422 with the form otherwise."""
    values = await form_values(request)
    raw_id = values.get("constituent_id")
    valid_id = isinstance(raw_id, str) and raw_id.isascii() and raw_id.isdigit()
    if not (valid_id and 1 <= int(str(raw_id)) <= MAX_ID):
        raise InvalidInputError({"constituent_id": "must be a constituent id"})
    constituent_id = int(str(raw_id))
    data, errors = validate_form(InteractionForm, values)
    chosen_type = values.get("interaction_type")
    types = await interaction_types()
    if chosen_type and (chosen_type not in types or not loggable(types[chosen_type])):
        data, errors = None, {**errors, "interaction_type": _("Choose one of the options.")}
    if data is not None:
        try:
            await service.record_interaction(
                constituent_id=constituent_id,
                interaction_type=data.interaction_type,
                channel=data.channel,
                direction=data.direction,
                subject=data.subject,
                body=data.body,
                occurred_at=as_org_instant(data.occurred_at),
                owner_id=data.owner_id,
                follow_up_due=data.follow_up_due,
            )
        except InvalidInputError as exc:
            errors = errors_from_service(exc)
        else:
            return redirect_with_flash(
                f"/admin/constituents/{constituent_id}",
                _("Interaction logged."),
                htmx=is_htmx(request),
            )
    context = await form_context(constituent_id, values, _placed(errors))
    return await render_admin_page(request, "admin/interactions/new.html", context, status_code=422)


ROUTES = [new_interaction, create_interaction]
