"""Portal pages under ``/portal/membership``: my membership, join, renew, change level,
family members, settings, the card as PDF and the member directory.

Every action works on the signed-in person's own membership, looked up by their constituent
id (never an id from the form), so nobody can act on another person's membership.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter

from admin.forms import form_values
from core.errors import ConflictError, InvalidInputError, NotFoundError, StewardError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.membership import adjust, card, levels, online, store
from plugins.membership import portal_service as service
from plugins.membership.admin_common import service_message
from plugins.membership.models import MemberSettingsIn
from plugins.membership.portal_pay import to_gateway
from portal.auth.principal import require_portal_principal
from portal.rendering import render_portal_page

BASE = "/portal/membership"


def _problem(exc: StewardError) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(service_message(str(v)) for v in errors.values())
    if isinstance(exc, ConflictError):
        return _("This is not possible for your membership right now.")
    return _("This could not be done.")


@get("/", include_in_schema=False)
async def my_membership(request: Request[Any, Any, Any]) -> Response[str]:
    """Status, level and dates; join, renew, change level, family, settings and card."""
    principal = require_portal_principal(request)
    membership = await service.my_membership(principal.constituent_id)
    offered = await levels.list_levels(active_only=True)
    level = await levels.get_level(membership.level_id) if membership else None
    quote = None
    raw = request.query_params.get("level") or ""
    if membership and raw.isdigit():
        try:
            quote = await service.quote_online(principal.constituent_id, int(raw))
        except StewardError:
            quote = None
    context = {
        "membership": membership,
        "open": membership is not None and membership.lifecycle != "cancelled",
        "level": level,
        "offered": offered,
        "other_levels": [lv for lv in offered if level is None or lv.id != level.id],
        "associates": await store.associates_of(membership.id) if membership else [],
        "covering": await service.covering(principal.constituent_id),
        "pays_online": service.pays_online(),
        "pays_by_checkout": online.pays_by_checkout(),
        "payment_cancelled": request.query_params.get("payment") == "cancelled",
        "quote": quote,
        "values": {"level": raw},
        "errors": {},
    }
    return await render_portal_page(request, "membership/portal/membership.html", context)


def _level_id(values: dict[str, Any]) -> int | None:
    raw = str(values.get("level_id") or "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@post("/join", include_in_schema=False)
async def join(request: Request[Any, Any, Any]) -> Response[Any]:
    """Join a level (paid online, or pending payment)."""
    principal = require_portal_principal(request)
    level_id = _level_id(await form_values(request))
    if level_id is None:
        return redirect_with_flash(f"{BASE}/", _("Choose a level."), "error")
    try:
        if online.pays_by_checkout():
            joined, url = await online.start_join(
                principal.constituent_id, principal.email, level_id
            )
            if url:
                return await to_gateway(request, url)
        else:
            joined = await service.join_online(principal.constituent_id, level_id)
    except NotFoundError:
        return redirect_with_flash(f"{BASE}/", _("Choose a level."), "error")
    except StewardError as exc:
        return redirect_with_flash(f"{BASE}/", _problem(exc), "error")
    if joined.lifecycle == "pending":
        message = _("Thank you! Your membership starts once we receive your dues.")
    else:
        message = _("Welcome! Your membership is active.")
    return redirect_with_flash(f"{BASE}/", message)


@post("/renew", include_in_schema=False)
async def renew(request: Request[Any, Any, Any]) -> Response[Any]:
    """Renew the member's own membership."""
    principal = require_portal_principal(request)
    try:
        if online.pays_by_checkout():
            membership = await service.own(principal.constituent_id)
            return await to_gateway(
                request, await online.start_renewal(membership, principal.email)
            )
        _membership, applied = await service.renew_online(principal.constituent_id)
    except StewardError as exc:
        return redirect_with_flash(f"{BASE}/", _problem(exc), "error")
    if applied:
        return redirect_with_flash(f"{BASE}/", _("Thank you! Your membership is renewed."))
    return redirect_with_flash(
        f"{BASE}/", _("Thank you! We will renew your membership once we receive your dues.")
    )


@post("/level", include_in_schema=False)
async def change_level(request: Request[Any, Any, Any]) -> Response[Any]:
    """Upgrade or downgrade as quoted on the page."""
    principal = require_portal_principal(request)
    level_id = _level_id(await form_values(request))
    if level_id is None:
        return redirect_with_flash(f"{BASE}/", _("Choose a level."), "error")
    try:
        url = await service.level_checkout(principal.constituent_id, principal.email, level_id)
        if url:
            return await to_gateway(request, url)
        _membership, applied = await service.change_level_online(principal.constituent_id, level_id)
    except StewardError as exc:
        return redirect_with_flash(f"{BASE}/", _problem(exc), "error")
    if applied:
        return redirect_with_flash(f"{BASE}/", _("Your membership level is changed."))
    return redirect_with_flash(
        f"{BASE}/", _("Thank you! We will change your level once we receive your payment.")
    )


@post("/family", include_in_schema=False)
async def add_family(request: Request[Any, Any, Any]) -> Response[Any]:
    """Add a person to the member's family membership."""
    principal = require_portal_principal(request)
    values = await form_values(request)
    first = str(values.get("first_name") or "").strip()[:100]
    last = str(values.get("last_name") or "").strip()[:100]
    if not first or not last:
        return redirect_with_flash(
            f"{BASE}/", _("Enter the person's first and last name."), "error"
        )
    try:
        birth = date.fromisoformat(values["birth_date"]) if values.get("birth_date") else None
    except ValueError:
        return redirect_with_flash(f"{BASE}/", _("Enter a date as YYYY-MM-DD."), "error")
    try:
        await service.add_family_member(principal.constituent_id, first, last, birth)
    except (StewardError, ValueError) as exc:
        message = _problem(exc) if isinstance(exc, StewardError) else _("This could not be done.")
        return redirect_with_flash(f"{BASE}/", message, "error")
    return redirect_with_flash(f"{BASE}/", _("Person added to your membership."))


@post("/family/{person_id:int}/remove", include_in_schema=False)
async def remove_family(request: Request[Any, Any, Any], person_id: FromPath[int]) -> Response[Any]:
    """Take a person off the member's own membership."""
    principal = require_portal_principal(request)
    await service.remove_family_member(principal.constituent_id, person_id)
    return redirect_with_flash(f"{BASE}/", _("Person removed from your membership."))


@post("/settings", include_in_schema=False)
async def settings(request: Request[Any, Any, Any]) -> Response[Any]:
    """Auto-renewal and the directory listing."""
    principal = require_portal_principal(request)
    values = await form_values(request)
    membership = await service.own(principal.constituent_id)
    data = MemberSettingsIn(
        auto_renew=values.get("auto_renew") in ("true", "on", "1"),
        directory_opt_in=values.get("directory_opt_in") in ("true", "on", "1"),
    )
    level = await levels.get_level(membership.level_id)
    if not level.auto_renew_allowed:
        data = MemberSettingsIn(directory_opt_in=data.directory_opt_in)
    try:
        await adjust.update_member_settings(membership.id, data)
    except (InvalidInputError, ConflictError) as exc:
        return redirect_with_flash(f"{BASE}/", _problem(exc), "error")
    return redirect_with_flash(f"{BASE}/", _("Your choices are saved."))


@get("/card.pdf", include_in_schema=False)
async def card_pdf(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The member's card as PDF (only while the membership counts)."""
    principal = require_portal_principal(request)
    membership = await service.own(principal.constituent_id)
    if not membership.counts_as_member:
        raise NotFoundError("no current membership")
    return Response(
        await card.render_pdf(membership),
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="membership-card.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@get("/directory", include_in_schema=False)
async def directory(
    request: Request[Any, Any, Any],
    q: Annotated[str, QueryParameter(max_length=100)] = "",
) -> Response[str]:
    """Search members who chose to be listed; for current members only."""
    principal = require_portal_principal(request)
    allowed = await service.is_member(principal.constituent_id)
    found = await service.directory(q) if allowed else []
    context = {"allowed": allowed, "found": found, "values": {"q": q}, "errors": {}}
    return await render_portal_page(
        request,
        "membership/portal/directory.html",
        context,
        status_code=200 if allowed else 403,
    )


ROUTES: list[Any] = [
    my_membership, join, renew, change_level, add_family, remove_family, settings, card_pdf,
    directory,
]  # fmt: skip
