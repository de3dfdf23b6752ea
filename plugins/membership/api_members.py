"""API for memberships (``/api/v1/membership/memberships`` ...)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import delete, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel

from core.constituents.api_support import Page, PerPage, PreciseJSONRequest
from plugins.membership import adjust, level_change, memberships, queries, store
from plugins.membership.api_support import READ, TAGS, WRITE, Id, ItemPage
from plugins.membership.models import (
    Associate,
    CancelIn,
    ChangeLevelIn,
    Input,
    JoinIn,
    LevelChangeQuote,
    MemberSettingsIn,
    Membership,
    OverrideIn,
    RecordId,
    RenewIn,
    Term,
)


class MembershipDetail(BaseModel):
    """A membership with its history and the people it covers."""

    membership: Membership
    terms: list[Term]
    associates: list[Associate]


class AssociateIn(Input):
    """A person to add to a family or organisation membership."""

    constituent_id: RecordId


OptionalId = Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)]
Status = Annotated[str | None, QueryParameter(max_length=20)]
LifecycleParam = Annotated[str | None, QueryParameter(pattern=r"^(pending|active|cancelled)$")]
Days = Annotated[int | None, QueryParameter(ge=0, le=3660)]
Search = Annotated[str | None, QueryParameter(max_length=200)]
Sort = Annotated[str, QueryParameter(pattern=r"^-?(end_date|name|join_date)$")]


@get("/memberships", opt=READ, tags=TAGS)
async def list_memberships(
    status: Status = None,
    level_id: OptionalId = None,
    member_id: OptionalId = None,
    lifecycle: LifecycleParam = None,
    expiring_within_days: Days = None,
    search: Search = None,
    sort: Sort = "end_date",
    page: Page = 1,
    per_page: PerPage = 50,
) -> ItemPage[Membership]:
    """Memberships matching the filters, one page at a time."""
    filters = queries.MembershipFilter(
        status=status,
        level_id=level_id,
        member_id=member_id,
        lifecycle=lifecycle,
        expiring_within_days=expiring_within_days,
        search=search,
        sort=sort,
    )
    result = await queries.list_memberships(filters, page, per_page)
    return ItemPage[Membership](
        items=list(result.items), total=result.total, page=result.page, per_page=result.per_page
    )


@get("/memberships/{membership_id:int}", opt=READ, tags=TAGS)
async def get_membership(membership_id: Id) -> MembershipDetail:
    """One membership with its history and associated members."""
    return MembershipDetail(
        membership=await store.fetch_membership(membership_id),
        terms=await store.terms_of(membership_id),
        associates=await store.associates_of(membership_id),
    )


@post("/memberships", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def join(data: JSONBody[JoinIn]) -> Membership:
    """Make a constituent a member (409 when they already have an open membership)."""
    return await memberships.join(data)


@post(
    "/memberships/{membership_id:int}/renew", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS
)
async def renew(membership_id: Id, data: JSONBody[RenewIn]) -> Membership:
    """Renew for one more period (a new period if it has lapsed)."""
    return await memberships.renew(membership_id, data)


@get("/memberships/{membership_id:int}/level-quote", opt=READ, tags=TAGS)
async def level_quote(
    membership_id: Id,
    level_id: Annotated[int, QueryParameter(ge=1)],
    on: Annotated[date | None, QueryParameter(required=False)] = None,
) -> LevelChangeQuote:
    """The pro-rata credit and amount due for a change of level, before making it."""
    return await level_change.quote_level_change(membership_id, level_id, on)


@post(
    "/memberships/{membership_id:int}/level", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS
)
async def change_level(membership_id: Id, data: JSONBody[ChangeLevelIn]) -> Membership:
    """Upgrade or downgrade now, crediting the unused part of the current term."""
    return await level_change.change_membership_level(membership_id, data)


@post("/memberships/{membership_id:int}/confirm-payment", opt=WRITE, tags=TAGS)
async def confirm_payment(membership_id: Id) -> Membership:
    """A pending membership's dues arrived: make it active."""
    return await memberships.confirm_payment(membership_id)


@post(
    "/memberships/{membership_id:int}/cancel",
    opt=WRITE,
    request_class=PreciseJSONRequest,
    tags=TAGS,
)
async def cancel(membership_id: Id, data: JSONBody[CancelIn]) -> Membership:
    """Cancel a membership."""
    return await memberships.cancel(membership_id, data.reason)


@post(
    "/memberships/{membership_id:int}/override",
    opt=WRITE,
    request_class=PreciseJSONRequest,
    tags=TAGS,
)
async def override(membership_id: Id, data: JSONBody[OverrideIn]) -> Membership:
    """Force a status with a reason, until a date or until cleared."""
    return await adjust.override_status(membership_id, data)


@delete("/memberships/{membership_id:int}/override", opt=WRITE, tags=TAGS, status_code=200)
async def clear_override(membership_id: Id) -> Membership:
    """Remove the status override."""
    return await adjust.clear_override(membership_id)


@post(
    "/memberships/{membership_id:int}/settings",
    opt=WRITE,
    request_class=PreciseJSONRequest,
    tags=TAGS,
)
async def member_settings(membership_id: Id, data: JSONBody[MemberSettingsIn]) -> Membership:
    """Turn auto-renewal or the directory listing on or off."""
    return await adjust.update_member_settings(membership_id, data)


@post(
    "/memberships/{membership_id:int}/associates",
    opt=WRITE,
    request_class=PreciseJSONRequest,
    tags=TAGS,
)
async def add_associate(membership_id: Id, data: JSONBody[AssociateIn]) -> Associate:
    """Add a person a family or organisation membership covers (within the level's cap)."""
    return await adjust.add_associate(membership_id, data.constituent_id)


@delete("/memberships/{membership_id:int}/associates/{constituent_id:int}", opt=WRITE, tags=TAGS)
async def remove_associate(membership_id: Id, constituent_id: Id) -> None:
    """Take a person off a membership."""
    await adjust.remove_associate(membership_id, constituent_id)


ROUTES: list[Any] = [
    list_memberships, get_membership, join, renew, level_quote, change_level, confirm_payment,
    cancel, override, clear_override, member_settings, add_associate, remove_associate,
]  # fmt: skip
