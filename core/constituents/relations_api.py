"""API endpoints for relationship types, relationships, households, consent and blocks.

Handlers are thin: they parse, call a service and shape the response. Core mounts them under
``/api/v1`` behind the staff guard; each declares its permission in ``opt``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import JSONBody, QueryParameter

from core.constituents import consent, households, relations, relationship_types
from core.constituents.api_support import Id as IdPath
from core.constituents.api_support import Page as PageQuery
from core.constituents.api_support import PerPage as PerPageQuery
from core.constituents.api_support import PreciseJSONRequest
from core.constituents.consent import PURPOSE_PATTERN
from core.constituents.relations_schemas import (
    Channel,
    ConsentIn,
    ConsentOut,
    ConsentOverviewOut,
    ContactBlockIn,
    ContactBlockOut,
    ContactBlockPage,
    EndRelationshipIn,
    HouseholdIn,
    HouseholdOut,
    MemberIn,
    MemberPatch,
    MembershipOut,
    MembershipPage,
    RelationshipIn,
    RelationshipOut,
    RelationshipPage,
    RelationshipStatus,
    RelationshipTypeIn,
    RelationshipTypeOut,
    RelationshipTypePage,
    RelationshipTypePatch,
    RelationshipViewOut,
)
from core.plugins.types import EventType, Permission

READ = {"permission": "constituents.read"}
WRITE = {"permission": "constituents.write"}
MANAGE_TYPES = {"permission": "relationships.manage"}


# -- relationship types ------------------------------------------------------------------


@get("/relationship-types", opt=READ)
async def list_relationship_types(
    active: Annotated[bool | None, QueryParameter()] = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> RelationshipTypePage:
    """Relationship types by label; ``?active=true`` for those offered for new relationships."""
    result = await relationship_types.list_relationship_types(
        active=active, page=page, per_page=per_page
    )
    return RelationshipTypePage.model_validate(result)


@post("/relationship-types", opt=MANAGE_TYPES, request_class=PreciseJSONRequest)
async def create_relationship_type(data: JSONBody[RelationshipTypeIn]) -> RelationshipTypeOut:
    """Add a relationship type."""
    record = await relationship_types.create_relationship_type(
        data.key,
        data.label_a_to_b,
        data.label_b_to_a,
        kind_a=data.kind_a.value,
        kind_b=data.kind_b.value,
        symmetric=data.symmetric,
    )
    return RelationshipTypeOut.model_validate(record)


@patch("/relationship-types/{type_id:int}", opt=MANAGE_TYPES, request_class=PreciseJSONRequest)
async def update_relationship_type(
    type_id: IdPath, data: JSONBody[RelationshipTypePatch]
) -> RelationshipTypeOut:
    """Relabel, (de)activate or, while unused, re-shape a relationship type."""
    changes = data.model_dump(exclude_none=True, mode="json")
    record = await relationship_types.update_relationship_type(type_id, **changes)
    return RelationshipTypeOut.model_validate(record)


# -- relationships -----------------------------------------------------------------------


@get("/constituents/{constituent_id:int}/relationships", opt=READ)
async def list_relationships(
    constituent_id: IdPath,
    status: Annotated[RelationshipStatus, QueryParameter()] = RelationshipStatus.ALL,
    sort: Annotated[str, QueryParameter(max_length=40)] = "related_name",
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> RelationshipPage:
    """A constituent's relationships, each labelled from this constituent's point of view."""
    result = await relations.list_relationships(
        constituent_id, status=status.value, sort=sort, page=page, per_page=per_page
    )
    return RelationshipPage.model_validate(result)


@post(
    "/constituents/{constituent_id:int}/relationships", opt=WRITE, request_class=PreciseJSONRequest
)
async def create_relationship(
    constituent_id: IdPath, data: JSONBody[RelationshipIn]
) -> RelationshipViewOut:
    """Relate this constituent to another (``side`` says which end of the type it is)."""
    view = await relations.create_relationship(
        constituent_id,
        data.related_id,
        data.type_id,
        side=data.side.value,
        start_date=data.start_date,
        end_date=data.end_date,
        notes=data.notes,
    )
    return RelationshipViewOut.model_validate(view)


@post(
    "/relationships/{relationship_id:int}/end",
    opt=WRITE,
    status_code=200,
    request_class=PreciseJSONRequest,
)
async def end_relationship(
    relationship_id: IdPath, data: JSONBody[EndRelationshipIn | None] = None
) -> RelationshipOut:
    """End an active relationship (today unless ``end_date`` is given); history is kept."""
    record = await relations.end_relationship(relationship_id, data.end_date if data else None)
    return RelationshipOut.model_validate(record)


@delete("/relationships/{relationship_id:int}", opt=WRITE)
async def delete_relationship(relationship_id: IdPath) -> None:
    """Delete a relationship entered in error."""
    await relations.delete_relationship(relationship_id)


# -- households --------------------------------------------------------------------------


@post("/households", opt=WRITE, request_class=PreciseJSONRequest)
async def create_household(data: JSONBody[HouseholdIn]) -> HouseholdOut:
    """Create a household and move the given people into it."""
    household = await households.create_household(
        data.name,
        data.member_ids,
        data.primary_contact_id,
        roles={member: role.value for member, role in data.roles.items()},
    )
    return HouseholdOut.model_validate(household)


@get("/households/{household_id:int}/members", opt=READ)
async def list_household_members(
    household_id: IdPath,
    history: Annotated[bool, QueryParameter()] = False,
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> MembershipPage:
    """Current members; ``?history=true`` adds everyone who has left."""
    result = await households.list_members(
        household_id, history=history, page=page, per_page=per_page
    )
    return MembershipPage.model_validate(result)


@post("/households/{household_id:int}/members", opt=WRITE, request_class=PreciseJSONRequest)
async def add_household_member(household_id: IdPath, data: JSONBody[MemberIn]) -> MembershipOut:
    """Add a person today; they leave any other household today."""
    membership = await households.add_member(
        household_id,
        data.member_id,
        role=data.role.value,
        is_primary_contact=data.is_primary_contact,
    )
    return MembershipOut.model_validate(membership)


@patch(
    "/households/{household_id:int}/members/{member_id:int}",
    opt=WRITE,
    request_class=PreciseJSONRequest,
)
async def update_household_member(
    household_id: IdPath, member_id: IdPath, data: JSONBody[MemberPatch]
) -> MembershipOut:
    """Change a current member's role or primary-contact flag."""
    membership = await households.update_member(
        household_id,
        member_id,
        role=data.role.value if data.role else None,
        is_primary_contact=data.is_primary_contact,
    )
    return MembershipOut.model_validate(membership)


@delete("/households/{household_id:int}/members/{member_id:int}", opt=WRITE, status_code=200)
async def remove_household_member(household_id: IdPath, member_id: IdPath) -> MembershipOut:
    """Record that a person left the household today; returns the closed membership."""
    membership = await households.remove_member(household_id, member_id)
    return MembershipOut.model_validate(membership)


@get("/constituents/{constituent_id:int}/households", opt=READ)
async def list_constituent_households(
    constituent_id: IdPath, page: PageQuery = 1, per_page: PerPageQuery = 50
) -> MembershipPage:
    """A person's households, the current one first, with the history of earlier ones."""
    result = await households.households_of(constituent_id, page=page, per_page=per_page)
    return MembershipPage.model_validate(result)


# -- consent and do-not-contact ----------------------------------------------------------


@get("/constituents/{constituent_id:int}/consent", opt=READ)
async def get_consent(
    constituent_id: IdPath,
    channel: Annotated[Channel | None, QueryParameter()] = None,
    purpose: Annotated[str | None, QueryParameter(pattern=PURPOSE_PATTERN, max_length=60)] = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> ConsentOverviewOut:
    """The current consent state per (channel, purpose) and the log, newest first."""
    log = await consent.consent_log(
        constituent_id,
        channel=channel.value if channel else None,
        purpose=purpose,
        page=page,
        per_page=per_page,
    )
    current = await consent.current_consent(constituent_id)
    return ConsentOverviewOut(
        current=[ConsentOut.model_validate(e) for e in current],
        items=[ConsentOut.model_validate(e) for e in log.items],
        total=log.total,
        page=log.page,
        per_page=log.per_page,
    )


@post("/constituents/{constituent_id:int}/consent", opt=WRITE, request_class=PreciseJSONRequest)
async def record_consent(constituent_id: IdPath, data: JSONBody[ConsentIn]) -> ConsentOut:
    """Append to the consent log (entries are never changed or deleted)."""
    entry = await consent.record_consent(
        constituent_id,
        channel=data.channel.value,
        purpose=data.purpose,
        status=data.status.value,
        method=data.method.value,
        wording=data.wording,
        occurred_at=data.occurred_at,
        source=data.source,
    )
    return ConsentOut.model_validate(entry)


@get("/constituents/{constituent_id:int}/contact-blocks", opt=READ)
async def list_contact_blocks(
    constituent_id: IdPath,
    active: Annotated[bool | None, QueryParameter()] = None,
    page: PageQuery = 1,
    per_page: PerPageQuery = 50,
) -> ContactBlockPage:
    """Do-not-contact blocks, newest first; ``?active=true`` for those in force."""
    result = await consent.list_blocks(constituent_id, active=active, page=page, per_page=per_page)
    return ContactBlockPage.model_validate(result)


@post(
    "/constituents/{constituent_id:int}/contact-blocks", opt=WRITE, request_class=PreciseJSONRequest
)
async def block_contact(constituent_id: IdPath, data: JSONBody[ContactBlockIn]) -> ContactBlockOut:
    """Block a channel (or ``all``) for this constituent."""
    block = await consent.block_contact(constituent_id, data.channel.value, data.reason)
    return ContactBlockOut.model_validate(block)


@post("/contact-blocks/{block_id:int}/lift", opt=WRITE, status_code=200)
async def lift_contact_block(block_id: IdPath) -> ContactBlockOut:
    """Lift a block; it stays in the history with who lifted it and when."""
    return ContactBlockOut.model_validate(await consent.lift_block(block_id))


# -- what the constituents plugin's hooks add --------------------------------------------

ROUTES = [
    list_relationship_types,
    create_relationship_type,
    update_relationship_type,
    list_relationships,
    create_relationship,
    end_relationship,
    delete_relationship,
    create_household,
    list_household_members,
    add_household_member,
    update_household_member,
    remove_household_member,
    list_constituent_households,
    get_consent,
    record_consent,
    list_contact_blocks,
    block_contact,
    lift_contact_block,
]
PERMISSIONS = [
    Permission(
        "relationships.manage",
        "Manage relationship types",
        "Add, relabel and deactivate the kinds of relationship between constituents",
        order=35,
    ),
]
EVENT_TYPES: list[EventType] = [
    *relationship_types.EVENT_TYPES,
    *relations.EVENT_TYPES,
    *households.EVENT_TYPES,
    *consent.EVENT_TYPES,
]
