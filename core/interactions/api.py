"""JSON API of interactions and follow-ups, mounted by core under ``/api/v1``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from core.auth.principal import require_principal
from core.errors import InvalidInputError
from core.interactions import queries, service
from core.interactions.catalog import interaction_types
from core.interactions.queries import TimelineFilters, org_today
from core.interactions.records import MAX_ID, Interaction
from core.interactions.schemas import (
    Channel,
    FollowUpIn,
    FollowUpPageOut,
    FollowUpStatus,
    InteractionIn,
    InteractionOut,
    InteractionPageOut,
    InteractionPatch,
    InteractionTypeOut,
)
from core.pagination import MAX_PAGE, MAX_PER_PAGE

READ = "interactions.read"
WRITE = "interactions.write"

# Unbounded on purpose: an id that cannot exist is a 404, like any other missing id.
InteractionId = FromPath[int]
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)]


async def _labels() -> dict[str, str]:
    return {key: t.label for key, t in (await interaction_types()).items()}


async def _out(interaction: Interaction) -> InteractionOut:
    return InteractionOut.of(interaction, await _labels(), org_today())


@get("/constituents/{constituent_id:int}/timeline", opt={"permission": READ})
async def constituent_timeline(
    constituent_id: FromPath[int],
    channel: Annotated[Channel | None, QueryParameter()] = None,
    interaction_type: Annotated[str | None, QueryParameter(name="type", max_length=80)] = None,
    plugin: Annotated[str | None, QueryParameter(max_length=40)] = None,
    date_from: Annotated[date | None, QueryParameter()] = None,
    date_to: Annotated[date | None, QueryParameter()] = None,
    follow_up_status: Annotated[FollowUpStatus | None, QueryParameter()] = None,
    sort: Annotated[Literal["-occurred_at", "occurred_at"], QueryParameter()] = "-occurred_at",
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> InteractionPageOut:
    """A constituent's timeline, newest first; filters by channel, type, plugin, dates
    (inclusive, org time zone) and follow-up status."""
    result = await queries.timeline(
        constituent_id,
        page=page,
        per_page=per_page,
        filters=TimelineFilters(
            channel=channel,
            interaction_type=interaction_type,
            plugin=plugin,
            date_from=date_from,
            date_to=date_to,
            follow_up_status=follow_up_status,
        ),
        oldest_first=sort == "occurred_at",
    )
    return InteractionPageOut.of(result, await _labels(), org_today())


@post("/interactions", opt={"permission": WRITE}, status_code=201)
async def record_interaction(data: JSONBody[InteractionIn]) -> InteractionOut:
    """Record an interaction of any active type; its payload is validated by the type."""
    values = data.model_dump()
    return await _out(await service.record_interaction(**values))


@get("/interactions/{interaction_id:int}", opt={"permission": READ})
async def get_interaction(interaction_id: InteractionId) -> InteractionOut:
    """One interaction."""
    return await _out(await service.get_interaction(interaction_id))


@patch("/interactions/{interaction_id:int}", opt={"permission": WRITE})
async def update_interaction(
    interaction_id: InteractionId, data: JSONBody[InteractionPatch]
) -> InteractionOut:
    """Change the fields sent (subject, body, purpose, channel, direction, when, owner,
    follow-up status and due date)."""
    return await _out(await service.update_interaction(interaction_id, data.changes()))


@delete("/interactions/{interaction_id:int}", opt={"permission": WRITE}, status_code=204)
async def delete_interaction(interaction_id: InteractionId) -> None:
    """Remove an interaction from the timeline (soft delete)."""
    await service.delete_interaction(interaction_id)


@post(
    "/interactions/{interaction_id:int}/follow-up/complete",
    opt={"permission": WRITE},
    status_code=200,
)
async def complete_follow_up(interaction_id: InteractionId) -> InteractionOut:
    """Mark an open follow-up done; 409 if it is not open."""
    return await _out(await service.complete_follow_up(interaction_id))


@post(
    "/interactions/{interaction_id:int}/follow-up/cancel",
    opt={"permission": WRITE},
    status_code=200,
)
async def cancel_follow_up(interaction_id: InteractionId) -> InteractionOut:
    """Cancel an open follow-up; 409 if it is not open."""
    return await _out(await service.cancel_follow_up(interaction_id))


def _owner_of(request: Request[Any, Any, Any], owner: str) -> int | None:
    """``me`` (the caller), ``all`` (None) or a staff user id."""
    if owner == "me":
        return require_principal(request).user_id
    if owner == "all":
        return None
    if owner.isascii() and owner.isdigit() and 1 <= int(owner) <= MAX_ID:
        return int(owner)
    raise InvalidInputError({"owner": "must be me, all or a staff user id"})


@get("/follow-ups", opt={"permission": READ})
async def list_follow_ups(
    request: Request[Any, Any, Any],
    owner: Annotated[str, QueryParameter(max_length=20)] = "me",
    status: Annotated[Literal["open", "done", "cancelled"], QueryParameter()] = "open",
    overdue: Annotated[bool, QueryParameter()] = False,
    due_before: Annotated[date | None, QueryParameter()] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> FollowUpPageOut:
    """Follow-ups of ``owner`` (``me``, ``all`` or a user id), earliest due first, with the
    owner's open and overdue counts; ``overdue=true`` keeps those due before today."""
    today = org_today()
    result = await queries.list_follow_ups(
        owner_id=_owner_of(request, owner),
        status=status,
        overdue=overdue,
        due_before=due_before,
        page=page,
        per_page=per_page,
        today=today,
    )
    return FollowUpPageOut.of_follow_ups(result, await _labels(), today)


@post("/follow-ups", opt={"permission": WRITE}, status_code=201)
async def schedule_follow_up(
    request: Request[Any, Any, Any], data: JSONBody[FollowUpIn]
) -> InteractionOut:
    """Schedule a task (``core.task``) with an open follow-up; the owner defaults to the caller."""
    owner_id = data.owner_id or require_principal(request).user_id
    interaction = await service.schedule_follow_up(
        constituent_id=data.constituent_id,
        owner_id=owner_id,
        due=data.due,
        subject=data.subject,
        body=data.body,
    )
    return await _out(interaction)


@get("/interaction-types", opt={"permission": READ})
async def list_interaction_types() -> list[InteractionTypeOut]:
    """Every interaction type of the active plugins, with the JSON schema of its payload."""
    return [InteractionTypeOut.of(t) for t in (await interaction_types()).values()]


ROUTES = [
    constituent_timeline,
    record_interaction,
    get_interaction,
    update_interaction,
    delete_interaction,
    complete_follow_up,
    cancel_follow_up,
    list_follow_ups,
    schedule_follow_up,
    list_interaction_types,
]
