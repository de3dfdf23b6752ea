"""One membership: facts, history, family members, and the forms that change it."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin import form_values, render_admin_page
from core.errors import ConflictError, StewardError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.membership import adjust, level_change, levels, memberships, rules, store
from plugins.membership.admin_common import BASE, READ, WRITE, payment_methods, service_message
from plugins.membership.models import ChangeLevelIn, OverrideIn, RenewIn


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _method(value: Any) -> Any:
    return value if value in dict(payment_methods()) else None


def _message(exc: StewardError) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(service_message(str(v)) for v in errors.values())
    if isinstance(exc, ConflictError):
        return _("This change is not possible in the membership's current state.")
    return _("This change could not be made.")


def _back(membership_id: int) -> str:
    return f"{BASE}/members/{membership_id}"


@get("/members/{membership_id:int}", include_in_schema=False, opt=READ, name="membership_detail")
async def detail(request: Request[Any, Any, Any], membership_id: FromPath[int]) -> Response[str]:
    """Facts, term history, family members; renew, change level, override and cancel forms."""
    membership = await store.fetch_membership(membership_id)
    level = await levels.get_level(membership.level_id)
    others = [
        (lv.id, lv.name) for lv in await levels.list_levels(active_only=True) if lv.id != level.id
    ]
    quote = None
    quote_error = ""
    raw = request.query_params.get("quote_level") or ""
    if raw.isdigit():
        try:
            quote = await level_change.quote_level_change(membership_id, int(raw))
        except StewardError as exc:
            quote_error = _message(exc)
    context = {
        "membership": membership,
        "level": level,
        "terms": await store.terms_of(membership_id),
        "associates": await store.associates_of(membership_id),
        "other_levels": others,
        "level_names": {lv.id: lv.name for lv in await levels.list_levels()},
        "quote": quote,
        "quote_error": quote_error,
        "statuses": [(s, s) for s in rules.status_names(await rules.list_rules())],
        "payment_methods": payment_methods(),
        "values": {"quote_level": raw},
        "errors": {},
    }
    return await render_admin_page(request, "membership/admin/detail.html", context)


async def _act(membership_id: int, action: Any, done: str) -> Response[Any]:
    await store.fetch_membership(membership_id)
    try:
        await action()
    except StewardError as exc:
        return redirect_with_flash(_back(membership_id), _message(exc), "error")
    return redirect_with_flash(_back(membership_id), done)


@post(
    "/members/{membership_id:int}/renew",
    include_in_schema=False,
    opt=WRITE,
    name="membership_renew",
)
async def renew(request: Request[Any, Any, Any], membership_id: FromPath[int]) -> Response[Any]:
    """Renew once (optionally as of a date, with how it was paid)."""
    values = await form_values(request)
    data = RenewIn(on=_day(values.get("on")), payment_method=_method(values.get("renew_method")))
    return await _act(
        membership_id, lambda: memberships.renew(membership_id, data), _("Membership renewed.")
    )


@post(
    "/members/{membership_id:int}/level",
    include_in_schema=False,
    opt=WRITE,
    name="membership_change_level",
)
async def change_level(
    request: Request[Any, Any, Any], membership_id: FromPath[int]
) -> Response[Any]:
    """Upgrade or downgrade now, as quoted on the page."""
    values = await form_values(request)
    raw = str(values.get("level_id") or "")
    if not raw.isdigit():
        return redirect_with_flash(_back(membership_id), _("Choose a level."), "error")
    data = ChangeLevelIn(level_id=int(raw), payment_method=_method(values.get("level_method")))
    return await _act(
        membership_id,
        lambda: level_change.change_membership_level(membership_id, data),
        _("Level changed."),
    )


@post(
    "/members/{membership_id:int}/cancel",
    include_in_schema=False,
    opt=WRITE,
    name="membership_cancel",
)
async def cancel(request: Request[Any, Any, Any], membership_id: FromPath[int]) -> Response[Any]:
    """Cancel the membership."""
    values = await form_values(request)
    reason = str(values.get("cancel_reason") or "")[:500]
    return await _act(
        membership_id, lambda: memberships.cancel(membership_id, reason), _("Membership cancelled.")
    )


@post(
    "/members/{membership_id:int}/confirm",
    include_in_schema=False,
    opt=WRITE,
    name="membership_confirm",
)
async def confirm(request: Request[Any, Any, Any], membership_id: FromPath[int]) -> Response[Any]:
    """Record that a pending membership's dues arrived."""
    values = await form_values(request)
    method = _method(values.get("confirm_method"))
    return await _act(
        membership_id,
        lambda: memberships.confirm_payment(membership_id, method),
        _("Payment recorded; the membership is active."),
    )


@post(
    "/members/{membership_id:int}/override",
    include_in_schema=False,
    opt=WRITE,
    name="membership_override",
)
async def override(request: Request[Any, Any, Any], membership_id: FromPath[int]) -> Response[Any]:
    """Force a status with a reason, optionally until a date."""
    values = await form_values(request)
    reason = str(values.get("override_reason") or "").strip()
    if not reason:
        return redirect_with_flash(
            _back(membership_id), _("Give a reason for the override."), "error"
        )
    status = str(values.get("override_status") or "")
    until = _day(values.get("override_until"))
    try:
        data = OverrideIn(status=status, reason=reason[:500], until=until)
    except ValueError:
        return redirect_with_flash(_back(membership_id), _("Choose a status."), "error")
    return await _act(
        membership_id, lambda: adjust.override_status(membership_id, data), _("Status overridden.")
    )


@post(
    "/members/{membership_id:int}/override/clear",
    include_in_schema=False,
    opt=WRITE,
    name="membership_override_clear",
)
async def clear_override(membership_id: FromPath[int]) -> Response[Any]:
    """Remove the override; the rules decide again."""
    return await _act(
        membership_id, lambda: adjust.clear_override(membership_id), _("Override removed.")
    )


@post(
    "/members/{membership_id:int}/associates",
    include_in_schema=False,
    opt=WRITE,
    name="membership_add_associate",
)
async def add_associate(
    request: Request[Any, Any, Any], membership_id: FromPath[int]
) -> Response[Any]:
    """Add a family or organisation member by contact number."""
    values = await form_values(request)
    raw = str(values.get("constituent_id") or "")
    if not raw.isdigit():
        return redirect_with_flash(_back(membership_id), _("Enter a contact number."), "error")
    return await _act(
        membership_id,
        lambda: adjust.add_associate(membership_id, int(raw)),
        _("Person added to the membership."),
    )


@post(
    "/members/{membership_id:int}/associates/{constituent_id:int}/remove",
    include_in_schema=False,
    opt=WRITE,
    name="membership_remove_associate",
)
async def remove_associate(
    membership_id: FromPath[int], constituent_id: FromPath[int]
) -> Response[Any]:
    """Take a person off the membership."""
    return await _act(
        membership_id,
        lambda: adjust.remove_associate(membership_id, constituent_id),
        _("Person removed from the membership."),
    )


ROUTES: list[Any] = [
    detail, renew, change_level, cancel, confirm, override, clear_override, add_associate,
    remove_associate,
]  # fmt: skip
