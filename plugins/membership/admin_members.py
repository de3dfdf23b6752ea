"""Memberships list (filters, paging), bulk renewal, and the new-membership form."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from admin.paging import base_url
from core.errors import ConflictError, InvalidInputError, NotFoundError, StewardError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.membership import levels, memberships, queries, rules
from plugins.membership.admin_common import (
    BASE,
    PER_PAGE,
    READ,
    WRITE,
    lifecycles,
    payment_methods,
    translated,
)
from plugins.membership.models import JoinIn, RenewIn

FILTERS = ("status", "level_id", "lifecycle", "expiring_within_days", "search", "sort")


def _filters(request: Request[Any, Any, Any]) -> tuple[queries.MembershipFilter, dict[str, str]]:
    raw = {k: request.query_params.get(k) or None for k in FILTERS}
    try:
        return queries.MembershipFilter.model_validate(
            {k: v for k, v in raw.items() if v is not None}
        ), {}
    except ValidationError as exc:
        return queries.MembershipFilter(), errors_from_validation(exc)


@get("/", include_in_schema=False, opt=READ, name="membership_list")
async def list_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Memberships with filters, 50 a page, and a bulk renewal of the ones ticked."""
    filters, errors = _filters(request)
    raw_page = request.query_params.get("page") or "1"
    page_number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) <= 100_000 else 1
    page = await queries.list_memberships(filters, page_number, PER_PAGE)
    values = {k: request.query_params.get(k) or "" for k in FILTERS}
    statuses = [(s, s) for s in rules.status_names(await rules.list_rules())]
    context = {
        "memberships": page.items,
        "total": page.total,
        "pager": {
            "number": page.page,
            "has_previous": page.page > 1,
            "has_next": page.page * page.per_page < page.total,
        },
        "base_url": base_url(f"{BASE}/", values),
        "values": values,
        "errors": errors,
        "statuses": statuses,
        "levels": [(lv.id, lv.name) for lv in await levels.list_levels()],
        "lifecycles": lifecycles(),
        "sorts": [
            ("end_date", _("Expiry, soonest first")),
            ("-end_date", _("Expiry, latest first")),
            ("name", _("Name")),
            ("-join_date", _("Newest members first")),
        ],
    }
    return await render_admin_page(request, "membership/admin/list.html", context)


@post("/bulk-renew", include_in_schema=False, opt=WRITE, name="membership_bulk_renew")
async def bulk_renew(request: Request[Any, Any, Any]) -> Response[Any]:
    """Renew every ticked membership once; each one that cannot be renewed is named."""
    values = await form_values(request)
    raw = values.get("ids") or []
    ids = [int(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v).isdigit()]
    if not ids:
        return redirect_with_flash(f"{BASE}/", _("Tick the memberships to renew."), "error")
    renewed, failed = 0, []
    for membership_id in ids[:200]:
        try:
            await memberships.renew(membership_id, RenewIn())
        except StewardError:
            failed.append(str(membership_id))
        else:
            renewed += 1
    if failed:
        message = _(
            "%(n)s renewed; these could not be renewed (cancelled or pending): %(ids)s",
            n=renewed,
            ids=", ".join(failed),
        )
        return redirect_with_flash(f"{BASE}/", message, "error")
    return redirect_with_flash(f"{BASE}/", _("%(n)s memberships renewed.", n=renewed))


async def _join_form(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], code: int = 200
) -> Response[str]:
    context = {
        "values": values,
        "errors": errors,
        "levels": [(lv.id, lv.name) for lv in await levels.list_levels(active_only=True)],
        "payment_methods": payment_methods(),
    }
    return await render_admin_page(request, "membership/admin/join.html", context, status_code=code)


@get("/members/new", include_in_schema=False, opt=WRITE, name="membership_join_form")
async def join_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The form to make a contact a member."""
    values = {"member_id": request.query_params.get("member_id") or "", "paid": True}
    return await _join_form(request, values, {})


@post("/members", include_in_schema=False, opt=WRITE, name="membership_join")
async def join(request: Request[Any, Any, Any]) -> Response[Any]:
    """Make a contact a member from the form."""
    values = await form_values(request)
    data = {
        "member_id": values.get("member_id"),
        "level_id": values.get("level_id"),
        "join_date": values.get("join_date"),
        "paid": values.get("paid") in ("true", "on", "1"),
        "auto_renew": values.get("auto_renew") in ("true", "on", "1"),
        "payment_method": values.get("payment_method"),
    }
    for key in ("member_id", "level_id"):
        raw = str(data[key] or "")
        data[key] = int(raw) if raw.isdigit() else data[key]
    try:
        model = JoinIn.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        return await _join_form(request, values, errors_from_validation(exc), 422)
    try:
        membership = await memberships.join(model)
    except InvalidInputError as exc:
        return await _join_form(request, values, translated(exc.errors), 422)
    except ConflictError:
        errors = {"member_id": _("This contact already has a membership; renew it instead.")}
        return await _join_form(request, values, errors, 422)
    except NotFoundError:
        return await _join_form(request, values, {"level_id": _("Choose a level.")}, 422)
    return redirect_with_flash(f"{BASE}/members/{membership.id}", _("Membership added."))


ROUTES: list[Any] = [list_page, bulk_renew, join_page, join]
