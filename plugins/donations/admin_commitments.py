"""Admin pages for pledges and recurring gifts, and the "Email receipt" action of a gift.

Mounted with the other donations pages under ``/admin/donations``: reading needs
``donations.read``, every change ``donations.write``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, Field

from admin import render_admin_page, validate_form
from admin.forms import form_values
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.donations import gifts, pledges, receipt_mail, receipts, recurring, structure
from plugins.donations.admin_common import (
    BASE,
    MAX_ID,
    READ,
    WRITE,
    currencies,
    donor_names,
    form_errors_of,
    major_text,
    parse_amount,
)
from plugins.donations.common import org, org_today
from plugins.donations.gateways import GatewayError


def pledge_statuses() -> dict[str, str]:
    """Pledge statuses, translated."""
    return {"open": _("Open"), "fulfilled": _("Fulfilled"), "written_off": _("Written off")}


def recurring_statuses() -> dict[str, str]:
    """Recurring gift statuses, translated."""
    return {"active": _("Active"), "paused": _("Paused"), "lapsed": _("Lapsed"),
            "closed": _("Closed")}  # fmt: skip


def frequencies() -> list[tuple[str, str]]:
    """Schedule frequencies, translated."""
    return [("monthly", _("Monthly")), ("quarterly", _("Quarterly")),
            ("annually", _("Annually"))]  # fmt: skip


class PledgeForm(BaseModel):
    """The pledge form's fields other than the amount."""

    donor_id: int = Field(ge=1, le=MAX_ID)
    currency: str = Field(min_length=3, max_length=3)
    pledge_date: date
    count: int = Field(default=1, ge=1, le=600)
    frequency: str = Field(default="monthly", pattern=r"^(monthly|quarterly|annually)$")
    first_due: date | None = None
    fund_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    notes: str = Field(default="", max_length=4000)


@get("/pledges", include_in_schema=False, opt=READ)
async def pledge_list(
    request: Request[Any, Any, Any], status: Annotated[str | None, QueryParameter()] = None
) -> Response[str]:
    """Pledges, newest first, optionally of one status."""
    status = status if status in pledge_statuses() else None
    rows = await pledges.list_pledges(status=status)
    context = {
        "pledges": rows,
        "names": await donor_names([p.donor_id for p in rows]),
        "statuses": pledge_statuses(),
        "status": status or "",
    }
    return await render_admin_page(request, "donations/admin/pledges.html", context)


async def _pledge_form(
    request: Request[Any, Any, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[str]:
    funds = await structure.list_funds(active_only=True)
    context = {
        "values": values
        or {
            "currency": org().default_currency,
            "pledge_date": org_today().isoformat(),
            "count": "1",
            "frequency": "monthly",
        },
        "errors": errors or {},
        "currencies": currencies(),
        "frequencies": frequencies(),
        "funds": [(str(f.id), f.name) for f in funds],
    }
    return await render_admin_page(
        request, "donations/admin/pledge_form.html", context, status_code=status
    )


@get("/pledges/new", include_in_schema=False, opt=WRITE)
async def pledge_new(request: Request[Any, Any, Any]) -> Response[str]:
    """The form to record a pledge with its instalment schedule."""
    return await _pledge_form(request)


@post("/pledges", include_in_schema=False, opt=WRITE)
async def pledge_create(request: Request[Any, Any, Any]) -> Response[Any]:
    """Record a pledge; re-show the form with messages on bad input."""
    values = await form_values(request)
    form, errors = validate_form(PledgeForm, values)
    currency = form.currency if form else org().default_currency
    if form is not None and currency not in dict(currencies()):
        errors["currency"] = _("Choose a currency.")
    amount = parse_amount(values.get("amount"), currency, "amount", errors)
    if amount == 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    if form is None or amount is None or errors:
        return await _pledge_form(request, values, errors, 422)
    try:
        pledge = await pledges.create_pledge(
            pledges.PledgeIn.model_validate({**form.model_dump(), "amount_minor": amount})
        )
    except InvalidInputError as exc:
        return await _pledge_form(request, values, form_errors_of(exc.errors), 422)
    except ValueError:
        return await _pledge_form(
            request, values, {"amount": _("Enter an amount greater than zero.")}, 422
        )
    return redirect_with_flash(f"{BASE}/pledges/{pledge.id}", _("Pledge recorded."))


@get("/pledges/{pledge_id:int}", include_in_schema=False, opt=READ)
async def pledge_detail(request: Request[Any, Any, Any], pledge_id: FromPath[int]) -> Response[str]:
    """A pledge: its instalments with payments applied, and the payments (gifts)."""
    pledge = await pledges.get_pledge(pledge_id)
    payments, _total = await gifts.list_gifts(donor_id=pledge.donor_id, per_page=200)
    context = {
        "pledge": pledge,
        "payments": [g for g in payments if g.pledge_id == pledge_id],
        "donor_name": (await donor_names([pledge.donor_id])).get(pledge.donor_id, ""),
        "statuses": pledge_statuses(),
    }
    return await render_admin_page(request, "donations/admin/pledge.html", context)


@post("/pledges/{pledge_id:int}/write-off", include_in_schema=False, opt=WRITE)
async def pledge_write_off(pledge_id: FromPath[int]) -> Response[Any]:
    """Write off what is still owed on an open pledge."""
    try:
        await pledges.write_off(pledge_id)
    except ConflictError:
        message = _("Only an open pledge can be written off.")
        return redirect_with_flash(f"{BASE}/pledges/{pledge_id}", message, "error")
    return redirect_with_flash(f"{BASE}/pledges/{pledge_id}", _("The balance was written off."))


@get("/recurring", include_in_schema=False, opt=READ)
async def recurring_list(
    request: Request[Any, Any, Any], status: Annotated[str | None, QueryParameter()] = None
) -> Response[str]:
    """Recurring gifts, newest first, optionally of one status."""
    status = status if status in recurring_statuses() else None
    rows = await recurring.list_recurring(status=status)
    context = {
        "plans": rows,
        "names": await donor_names([p.donor_id for p in rows]),
        "statuses": recurring_statuses(),
        "frequencies": dict(frequencies()),
        "status": status or "",
    }
    return await render_admin_page(request, "donations/admin/recurring_list.html", context)


async def _recurring_page(
    request: Request[Any, Any, Any],
    recurring_id: int,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[str]:
    plan = await recurring.get_recurring(recurring_id)
    context = {
        "plan": plan,
        "changes": await recurring.change_log(recurring_id),
        "expected": await recurring.expected_this_fiscal_year(recurring_id),
        "donor_name": (await donor_names([plan.donor_id])).get(plan.donor_id, ""),
        "statuses": recurring_statuses(),
        "frequencies": dict(frequencies()),
        "values": values or {"amount": major_text(plan.amount_minor, plan.currency)},
        "errors": errors or {},
    }
    return await render_admin_page(
        request, "donations/admin/recurring.html", context, status_code=status
    )


@get("/recurring/{recurring_id:int}", include_in_schema=False, opt=READ)
async def recurring_detail(
    request: Request[Any, Any, Any], recurring_id: FromPath[int]
) -> Response[str]:
    """A recurring gift with its change log."""
    return await _recurring_page(request, recurring_id)


@post("/recurring/{recurring_id:int}/amount", include_in_schema=False, opt=WRITE)
async def recurring_amount(
    request: Request[Any, Any, Any], recurring_id: FromPath[int]
) -> Response[Any]:
    """Change a recurring gift's amount (logged as an upgrade or downgrade)."""
    plan = await recurring.get_recurring(recurring_id)
    values = await form_values(request)
    errors: dict[str, str] = {}
    amount = parse_amount(values.get("amount"), plan.currency, "amount", errors)
    if amount == 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    if errors or amount is None:
        return await _recurring_page(request, recurring_id, values, errors, 422)
    return await _change(recurring_id, recurring.RecurringPatch(amount_minor=amount))


async def _change(recurring_id: int, patch: recurring.RecurringPatch) -> Response[Any]:
    url = f"{BASE}/recurring/{recurring_id}"
    try:
        await recurring.change_recurring(recurring_id, patch)
    except GatewayError as exc:
        message = _("Nothing was changed: %(reason)s", reason=str(exc))
        return redirect_with_flash(url, message, "error")
    except ConflictError:
        return redirect_with_flash(url, _("A closed recurring gift cannot change."), "error")
    return redirect_with_flash(url, _("Recurring gift updated."))


@post("/recurring/{recurring_id:int}/status", include_in_schema=False, opt=WRITE)
async def recurring_status(
    request: Request[Any, Any, Any], recurring_id: FromPath[int]
) -> Response[Any]:
    """Pause, resume (``active``) or close a recurring gift."""
    values = await form_values(request)
    status = str(values.get("status") or "")
    if status not in ("active", "paused", "closed"):
        url = f"{BASE}/recurring/{recurring_id}"
        return redirect_with_flash(url, _("Choose a status."), "error")
    return await _change(recurring_id, recurring.RecurringPatch(status=status))


@post("/gifts/{gift_id:int}/email-receipt", include_in_schema=False, opt=WRITE)
async def email_receipt(gift_id: FromPath[int]) -> Response[Any]:
    """Email the gift's receipt (issued first if needed) to the donor's primary address."""
    url = f"{BASE}/gifts/{gift_id}"
    try:
        receipt = await receipts.issue_gift_receipt(gift_id)
        await receipt_mail.send_receipt(receipt.id)
    except ConflictError:
        return redirect_with_flash(url, _("Only a received gift gets a receipt."), "error")
    except receipt_mail.NoAddressError:
        return redirect_with_flash(url, _("The donor has no email address."), "error")
    return redirect_with_flash(url, _("Receipt %(number)s emailed.", number=receipt.receipt_number))


ROUTES: list[Any] = [
    pledge_list, pledge_new, pledge_create, pledge_detail, pledge_write_off,
    recurring_list, recurring_detail, recurring_amount, recurring_status, email_receipt,
]  # fmt: skip
