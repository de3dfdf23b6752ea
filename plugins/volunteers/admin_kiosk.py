"""The check-in kiosk (staff open it for a shift) and matching volunteers to a shift.

At the kiosk a volunteer searches their name, or the kiosk opens the link from their
reminder email (``?code=...``, typed by a QR/barcode scanner or clicked): the page then
shows that one person with a button to record arrival or departure. Opening a link never
changes anything by itself; the button posts the form.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin import form_values, render_admin_page
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.volunteers import checkin, matching, shifts, signups
from plugins.volunteers.admin_common import BASE, WRITE, as_int_or_none, service_message, terms_of
from plugins.volunteers.labels import status_labels
from plugins.volunteers.models import Signup


@get("/kiosk/{shift_id:int}", include_in_schema=False, opt=WRITE)
async def kiosk(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[str]:
    """Search a name, or open a reminder's code, to check in or out."""
    shift = await shifts.get_shift(shift_id)
    query = (request.query_params.get("q") or "").strip()[:100]
    code = (request.query_params.get("code") or "").strip()[:40]
    errors: dict[str, str] = {}
    found: list[Signup] = []
    if code:
        try:
            found = [await checkin.signup_for_code(shift_id, code)]
        except InvalidInputError as exc:
            errors["code"] = service_message(str(exc.errors.get("code", "")))
    elif query:
        found = await checkin.search_roster(shift_id, query)
    context = {
        "shift": shift,
        "found": found,
        "values": {"q": query, "code": code},
        "errors": errors,
        "searched": bool(query or code),
        "status_labels": status_labels(),
    }
    return await render_admin_page(
        request, "volunteers/admin/kiosk.html", context, status_code=422 if errors else 200
    )


async def _record(signup_id: int, direction: str) -> Response[Any]:
    found = await signups.get_signup(signup_id)
    target = f"{BASE}/kiosk/{found.shift_id}"
    try:
        if direction == "in":
            await checkin.check_in(signup_id)
            message = _("Welcome, %(name)s: you are checked in.", name=found.display_name)
        else:
            await checkin.check_out(signup_id)
            message = _("Thank you, %(name)s: you are checked out.", name=found.display_name)
    except (ConflictError, InvalidInputError) as exc:
        text = (
            str(next(iter(exc.errors.values()))) if isinstance(exc, InvalidInputError) else str(exc)
        )
        return redirect_with_flash(target, service_message(text), "error")
    return redirect_with_flash(target, message)


@post("/kiosk/signups/{signup_id:int}/in", include_in_schema=False, opt=WRITE)
async def kiosk_in(signup_id: FromPath[int]) -> Response[Any]:
    """Record arrival now."""
    return await _record(signup_id, "in")


@post("/kiosk/signups/{signup_id:int}/out", include_in_schema=False, opt=WRITE)
async def kiosk_out(signup_id: FromPath[int]) -> Response[Any]:
    """Record departure now (and the hours)."""
    return await _record(signup_id, "out")


@get("/shifts/{shift_id:int}/match", include_in_schema=False, opt=WRITE)
async def match_page(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[str]:
    """Available volunteers ranked for the shift, with the reasons; invite the chosen ones."""
    shift = await shifts.get_shift(shift_id)
    languages = terms_of(request.query_params.get("languages"))[:5]
    postcode = (request.query_params.get("postcode") or "").strip()[:20]
    ranked = await matching.rank(shift_id, languages=languages, postcode=postcode)
    context = {
        "shift": shift,
        "ranked": ranked,
        "values": {"languages": ", ".join(languages), "postcode": postcode},
        "errors": {},
    }
    return await render_admin_page(request, "volunteers/admin/match.html", context)


@post("/shifts/{shift_id:int}/invite", include_in_schema=False, opt=WRITE)
async def invite(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[Any]:
    """Email an invitation to every chosen volunteer (once per person and shift)."""
    values = await form_values(request)
    chosen = values.get("constituent_id") or []
    ids = [i for i in (as_int_or_none(v) for v in chosen) if i is not None][:200]
    if not ids:
        return redirect_with_flash(
            f"{BASE}/shifts/{shift_id}/match", _("Choose at least one volunteer."), "error"
        )
    sent = await matching.invite(shift_id, ids)
    return redirect_with_flash(f"{BASE}/shifts/{shift_id}", _("%(n)s invitations sent.", n=sent))


ROUTES: list[Any] = [kiosk, kiosk_in, kiosk_out, match_page, invite]
