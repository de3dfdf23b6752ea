"""The constituent 360° page and its inline tag editor."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from markupsafe import Markup

from admin.constituents.common import (
    BASE,
    READ,
    WRITE,
    Pager,
    can,
    channel_labels,
    kind_labels,
    role_labels,
    stage_labels,
)
from admin.forms import FormErrors, form_values
from admin.home import render_fragment
from admin.rendering import registry_of, render_admin_page
from core.constituents.consent import consent_log, current_consent, list_blocks
from core.constituents.custom_fields import active_fields
from core.constituents.history import constituent_history
from core.constituents.households import households_of, list_members
from core.constituents.relations import list_relationships
from core.constituents.service import get_constituent
from core.constituents.tags import (
    create_tag,
    list_tags,
    tag_constituent,
    tag_names,
    untag_constituent,
)
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.plugins.types import ProfilePanel
from core.ui import profile_panels
from core.validation import fold
from core.web.pages import is_htmx, redirect_with_flash

HISTORY_PER_PAGE = 20


async def _panels(
    request: Request[Any, Any, Any], constituent_id: int
) -> tuple[list[tuple[ProfilePanel, Markup]], list[tuple[str, str]]]:
    """Every enabled plugin's panels, rendered, and their key facts for the header."""
    panels = await profile_panels(registry_of(request), constituent_id)
    rendered = [(p, render_fragment(request, p.template, dict(p.context))) for p in panels]
    facts = [(label, value) for p in panels for label, value in p.facts.items()]
    return rendered, facts


async def tags_context(constituent_id: int) -> dict[str, Any]:
    """What the tag section (``_tags.html``) shows."""
    detail = await get_constituent(constituent_id)
    return {
        "constituent": detail,
        "tag_names": await tag_names(200),
    }


async def profile_context(
    request: Request[Any, Any, Any], constituent_id: int, history_page: int = 1
) -> dict[str, Any]:
    """Everything the 360° page shows."""
    detail = await get_constituent(constituent_id)
    panels, facts = await _panels(request, constituent_id)
    blocks = (await list_blocks(constituent_id, per_page=50)).items
    if detail.kind == "household":
        memberships = (await list_members(constituent_id, history=True, per_page=100)).items
    else:
        memberships = (await households_of(constituent_id, per_page=100)).items
    history = await constituent_history(
        constituent_id, page=history_page, per_page=HISTORY_PER_PAGE
    )
    return {
        "constituent": detail,
        "panels": panels,
        "facts": facts,
        "blocks": blocks,
        "blocked_channels": sorted({b.channel for b in blocks if b.active}),
        "current_consent": await current_consent(constituent_id),
        "consent_entries": (await consent_log(constituent_id, per_page=20)).items,
        "fields": list((await active_fields()).values()),
        "relationships": (await list_relationships(constituent_id, per_page=100)).items,
        "memberships": memberships,
        "history": history,
        "history_pager": Pager.of(history.page, history.per_page, history.total),
        "history_base": f"{BASE}/{constituent_id}?",
        "tag_names": await tag_names(200),
        "kind_labels": kind_labels(),
        "stage_labels": stage_labels(),
        "channel_labels": channel_labels(with_all=True),
        "role_labels": role_labels(),
        "can_write": can(request, "constituents.write"),
        "can_delete": can(request, "constituents.delete"),
        "can_log": can(request, "interactions.write"),
        "tag_values": {},
        "tag_errors": {},
        "tag_message": "",
    }


@get("/constituents/{constituent_id:int}", include_in_schema=False, opt=READ)
async def profile(
    request: Request[Any, Any, Any],
    constituent_id: FromPath[int],
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response[str]:
    """The 360° page: record, contact details, consent, tags, relations, panels, history."""
    context = await profile_context(request, constituent_id, page)
    return await render_admin_page(request, "admin/constituents/profile.html", context)


async def _tag_id(name: str) -> int:
    wanted = fold(name)
    for tag in (await list_tags(per_page=200)).items:
        if fold(tag.name) == wanted:
            return tag.id
    return (await create_tag({"name": name})).id


async def _tags_response(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: FormErrors,
    message: str,
) -> Response[Any]:
    if is_htmx(request):
        # htmx swaps only 2xx answers, so the section with its error comes back as 200.
        context = {**await tags_context(constituent_id), "tag_values": values}
        context["tag_errors"] = errors
        context["tag_message"] = "" if errors else message
        return await render_admin_page(request, "admin/constituents/_tags.html", context)
    if errors:
        context = await profile_context(request, constituent_id)
        context.update(tag_values=values, tag_errors=errors)
        return await render_admin_page(
            request, "admin/constituents/profile.html", context, status_code=422
        )
    return redirect_with_flash(f"{BASE}/{constituent_id}#tags", message)


@post("/constituents/{constituent_id:int}/tags", include_in_schema=False, opt=WRITE)
async def add_tag(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[Any]:
    """Put a tag on the constituent, creating the tag if no tag has that name."""
    await get_constituent(constituent_id)
    values = await form_values(request)
    name = str(values.get("tag") or "")
    errors: FormErrors = {}
    if not name:
        errors["tag"] = _("This field is required.")
    else:
        try:
            await tag_constituent(constituent_id, await _tag_id(name))
        except InvalidInputError as exc:
            errors["tag"] = next(iter(exc.errors.values()))
        except ConflictError as exc:
            errors["tag"] = str(exc)
    message = _("Tag “%(tag)s” added.", tag=name)
    return await _tags_response(request, constituent_id, values, errors, message)


@post(
    "/constituents/{constituent_id:int}/tags/{tag_id:int}/remove",
    include_in_schema=False,
    opt=WRITE,
)
async def remove_tag(
    request: Request[Any, Any, Any], constituent_id: FromPath[int], tag_id: FromPath[int]
) -> Response[Any]:
    """Take a tag off the constituent."""
    try:
        await untag_constituent(constituent_id, tag_id)
    except NotFoundError:
        await get_constituent(constituent_id)  # a missing constituent is a 404 page
    return await _tags_response(request, constituent_id, {}, {}, _("Tag removed."))


ROUTES = [profile, add_tag, remove_tag]
