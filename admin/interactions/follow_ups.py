"""The "follow-ups" page: open follow-ups split into overdue, due today and upcoming.

Staff see their own by default and may switch to everyone's or one colleague's (the same
scopes as ``GET /api/v1/follow-ups``). Complete, reschedule and cancel are plain POST forms
that htmx enhances: an htmx request gets the list back as a fragment, a plain one a
redirect with a flash message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter

from admin.interactions.labels import labels_for
from admin.rendering import render_admin_page
from core.auth.principal import require_principal
from core.auth.users import list_users
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.interactions import queries, service
from core.interactions.catalog import interaction_types, year_in_range
from core.interactions.records import MAX_ID, FollowUpPage, Interaction
from core.pagination import MAX_PAGE, MAX_PER_PAGE
from core.web.pages import is_htmx, redirect_with_flash

READ = "interactions.read"
WRITE = "interactions.write"
BASE = "/admin/follow-ups/"


@dataclass(frozen=True)
class Group:
    """One section of the page."""

    key: str
    title: str
    items: list[Interaction]


def owner_scope(owner: str, user_id: int) -> int | None:
    """``me`` → the caller, ``all`` → everyone (None), digits → that staff user."""
    if owner == "me":
        return user_id
    if owner == "all":
        return None
    if owner.isascii() and owner.isdigit() and 1 <= int(owner) <= MAX_ID:
        return int(owner)
    raise InvalidInputError({"owner": "must be me, all or a staff user id"})


def clean_owner(value: Any) -> str:
    """The owner filter echoed back in forms and redirects (anything odd becomes ``me``)."""
    text = str(value or "me")
    return text if text in ("me", "all") or (text.isascii() and text.isdigit()) else "me"


def split_by_due(items: list[Interaction], today: date) -> list[Group]:
    """Overdue (before today), due today, and upcoming (later or without a due day)."""
    overdue = [i for i in items if i.follow_up_due is not None and i.follow_up_due < today]
    due_today = [i for i in items if i.follow_up_due == today]
    upcoming = [i for i in items if i.follow_up_due is None or i.follow_up_due > today]
    return [
        Group("overdue", _("Overdue"), overdue),
        Group("today", _("Due today"), due_today),
        Group("upcoming", _("Upcoming"), upcoming),
    ]


async def page_context(
    user_id: int,
    owner: str,
    page: int = 1,
    *,
    row_errors: dict[int, str] | None = None,
    row_values: dict[int, str] | None = None,
    notice: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the follow-ups page and its list fragment show."""
    today = queries.org_today()
    result: FollowUpPage = await queries.list_follow_ups(
        owner_id=owner_scope(owner, user_id),
        status="open",
        page=page,
        per_page=MAX_PER_PAGE,
        today=today,
    )
    staff = await list_users(is_active=True, per_page=200, sort="display_name")
    return {
        "owner": owner,
        "owner_options": [
            ("me", _("My follow-ups")),
            ("all", _("All staff")),
            *[(str(u.id), u.display_name or u.email) for u in staff.items if u.id != user_id],
        ],
        "show_owner": owner != "me",
        "result": result,
        "groups": split_by_due(list(result.items), today),
        "today": today,
        "labels": labels_for(await interaction_types()),
        "has_next": result.page * result.per_page < result.total,
        "row_errors": row_errors or {},
        "row_values": row_values or {},
        "notice": notice,
    }


@get("/follow-ups", include_in_schema=False, opt={"permission": READ})
async def follow_ups_page(
    request: Request[Any, Any, Any],
    owner: Annotated[str, QueryParameter(max_length=20)] = "me",
    page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
) -> Response[str]:
    """Open follow-ups of me (or everyone, or a colleague), grouped by when they are due."""
    user_id = require_principal(request).user_id
    context = await page_context(user_id, owner, page)
    return await render_admin_page(request, "admin/interactions/follow_ups.html", context)


async def _after_action(
    request: Request[Any, Any, Any],
    owner: str,
    message: str,
    kind: str = "success",
) -> Response[Any]:
    """The list fragment for htmx, else a redirect back to the page with a flash."""
    if is_htmx(request):
        user_id = require_principal(request).user_id
        context = await page_context(user_id, owner, notice=(kind, message))
        return await render_admin_page(request, "admin/interactions/follow_ups_list.html", context)
    return redirect_with_flash(f"{BASE}?owner={quote(owner)}", message, kind)


def _not_open() -> str:
    return _("This follow-up is no longer open.")


@post(
    "/follow-ups/{interaction_id:int}/complete", include_in_schema=False, opt={"permission": WRITE}
)
async def complete(request: Request[Any, Any, Any], interaction_id: FromPath[int]) -> Response[Any]:
    """Mark an open follow-up done."""
    owner = clean_owner((await request.form()).get("owner"))
    try:
        await service.complete_follow_up(interaction_id)
    except ConflictError:
        return await _after_action(request, owner, _not_open(), "error")
    return await _after_action(request, owner, _("Follow-up marked as done."))


@post("/follow-ups/{interaction_id:int}/cancel", include_in_schema=False, opt={"permission": WRITE})
async def cancel(request: Request[Any, Any, Any], interaction_id: FromPath[int]) -> Response[Any]:
    """Cancel an open follow-up."""
    owner = clean_owner((await request.form()).get("owner"))
    try:
        await service.cancel_follow_up(interaction_id)
    except ConflictError:
        return await _after_action(request, owner, _not_open(), "error")
    return await _after_action(request, owner, _("Follow-up cancelled."))


def parse_due(raw: Any) -> tuple[date | None, str | None]:
    """The new due day, or None and the message to show next to the field."""
    text = str(raw or "").strip()
    if not text:
        return None, _("This field is required.")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, _("Enter a date as YYYY-MM-DD.")
    if not year_in_range(day):
        return None, _("Enter a date between the years 1900 and 2199.")
    return day, None


@post(
    "/follow-ups/{interaction_id:int}/reschedule",
    include_in_schema=False,
    opt={"permission": WRITE},
)
async def reschedule(
    request: Request[Any, Any, Any], interaction_id: FromPath[int]
) -> Response[Any]:
    """Move an open follow-up to a new due day; bad dates are shown next to the field."""
    form = await request.form()
    owner = clean_owner(form.get("owner"))
    raw = form.get("due")
    due, error = parse_due(raw)
    if due is None:
        context = await page_context(
            require_principal(request).user_id,
            owner,
            row_errors={interaction_id: error or ""},
            row_values={interaction_id: str(raw or "")},
        )
        if is_htmx(request):
            # htmx swaps only 2xx answers by default; the message is in the fragment.
            template = "admin/interactions/follow_ups_list.html"
            return await render_admin_page(request, template, context)
        return await render_admin_page(
            request, "admin/interactions/follow_ups.html", context, status_code=422
        )
    current = await service.get_interaction(interaction_id)
    if current.follow_up_status != "open":
        return await _after_action(request, owner, _not_open(), "error")
    await service.update_interaction(interaction_id, {"follow_up_due": due})
    return await _after_action(request, owner, _("Follow-up rescheduled."))


ROUTES = [follow_ups_page, complete, cancel, reschedule]
