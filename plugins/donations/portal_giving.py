"""Portal "My giving": the donor's gifts with receipts, annual statements, recurring gifts.

Every record is looked up through :mod:`plugins.donations.portal_service` with the signed-in
donor's id, never an id from the form alone, so another donor's records answer 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter

from admin.forms import form_values
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.donations import receipt_pdf, receipts
from plugins.donations.admin_common import Pager, form_errors_of, major_text, parse_amount
from plugins.donations.gateways import GatewayError
from plugins.donations.portal_give import frequencies
from plugins.donations.portal_service import (
    annual_statement,
    change_own_recurring,
    gift_receipt,
    my_gifts,
    own_receipt,
    own_recurring,
    statement_years,
)
from plugins.donations.recurring import list_recurring
from portal.auth.principal import require_portal_principal
from portal.rendering import render_portal_page

BASE = "/portal/donations"


def recurring_statuses() -> dict[str, str]:
    """Recurring gift statuses, translated."""
    return {
        "active": _("Active"),
        "paused": _("Paused"),
        "lapsed": _("Lapsed"),
        "closed": _("Cancelled"),
    }


async def _page(
    request: Request[Any, Any, Any],
    page: int = 1,
    errors: dict[int, dict[str, str]] | None = None,
    values: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> Response[str]:
    principal = require_portal_principal(request)
    gifts, total = await my_gifts(principal.constituent_id, page)
    plans = await list_recurring(donor_id=principal.constituent_id)
    amounts = {p.id: major_text(p.amount_minor, p.currency) for p in plans}
    context = {
        "gifts": gifts,
        "pager": Pager.of(page, 50, total),
        "plans": plans,
        "plan_values": {
            p.id: {"amount": amounts[p.id], **(values or {}).get(p.id, {})} for p in plans
        },
        "plan_errors": errors or {},
        "years": await statement_years(principal.constituent_id),
        "statuses": recurring_statuses(),
        "frequencies": {**dict(frequencies()), "quarterly": _("Every three months")},
    }
    return await render_portal_page(
        request, "donations/portal/giving.html", context, status_code=status
    )


@get("/", include_in_schema=False)
async def my_giving(
    request: Request[Any, Any, Any], page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1
) -> Response[str]:
    """My giving: gifts, receipts, statements and recurring gifts."""
    return await _page(request, page)


def _pdf(receipt: receipts.Receipt, pdf: bytes) -> Response[bytes]:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{receipt.receipt_number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@get("/gifts/{gift_id:int}/receipt", include_in_schema=False)
async def gift_receipt_pdf(
    request: Request[Any, Any, Any], gift_id: FromPath[int]
) -> Response[bytes]:
    """The receipt of one of the donor's gifts as PDF (issued the first time it is asked for)."""
    principal = require_portal_principal(request)
    receipt = await gift_receipt(principal.constituent_id, gift_id)
    return _pdf(receipt, await receipt_pdf.render_pdf(receipt.id))


@get("/receipts/{receipt_id:int}/pdf", include_in_schema=False)
async def receipt_download(
    request: Request[Any, Any, Any], receipt_id: FromPath[int]
) -> Response[bytes]:
    """One of the donor's receipts or statements as PDF (the link in receipt emails)."""
    principal = require_portal_principal(request)
    receipt = await own_receipt(principal.constituent_id, receipt_id)
    return _pdf(receipt, await receipt_pdf.render_pdf(receipt.id))


@post("/statement", include_in_schema=False, status_code=200)
async def statement(request: Request[Any, Any, Any]) -> Response[Any]:
    """Issue and download the annual statement of a fiscal year the donor gave in."""
    principal = require_portal_principal(request)
    values = await form_values(request)
    year_text, _sep, currency = str(values.get("year") or "").partition(":")
    if not year_text.isdigit():
        return redirect_with_flash(BASE + "/", _("Choose a fiscal year."), "error")
    receipt = await annual_statement(principal.constituent_id, int(year_text), currency)
    return _pdf(receipt, await receipt_pdf.render_pdf(receipt.id))


def _gateway_refused() -> str:
    return _(
        "The payment provider could not make this change, so nothing was changed. "
        "Please try again later."
    )


@post("/recurring/{recurring_id:int}/amount", include_in_schema=False)
async def change_amount(
    request: Request[Any, Any, Any], recurring_id: FromPath[int]
) -> Response[Any]:
    """Change the amount of one of the donor's recurring gifts."""
    principal = require_portal_principal(request)
    plan = await own_recurring(principal.constituent_id, recurring_id)
    values = await form_values(request)
    errors: dict[str, str] = {}
    amount = parse_amount(values.get("amount"), plan.currency, "amount", errors)
    if amount == 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    if errors or amount is None:
        return await _page(request, 1, {plan.id: errors}, {plan.id: values}, 422)
    try:
        await change_own_recurring(principal.constituent_id, recurring_id, amount_minor=amount)
    except InvalidInputError as exc:
        return await _page(
            request, 1, {plan.id: form_errors_of(exc.errors)}, {plan.id: values}, 422
        )
    except GatewayError:
        return redirect_with_flash(BASE + "/", _gateway_refused(), "error")
    except ConflictError:
        return redirect_with_flash(BASE + "/", _("This recurring gift is cancelled."), "error")
    return redirect_with_flash(BASE + "/", _("The amount of your recurring gift is changed."))


async def _set_status(
    request: Request[Any, Any, Any], recurring_id: int, status: str, done: str
) -> Response[Any]:
    principal = require_portal_principal(request)
    try:
        await change_own_recurring(principal.constituent_id, recurring_id, status=status)
    except GatewayError:
        return redirect_with_flash(BASE + "/", _gateway_refused(), "error")
    except ConflictError:
        return redirect_with_flash(BASE + "/", _("This recurring gift is cancelled."), "error")
    return redirect_with_flash(BASE + "/", done)


@post("/recurring/{recurring_id:int}/pause", include_in_schema=False)
async def pause(request: Request[Any, Any, Any], recurring_id: FromPath[int]) -> Response[Any]:
    """Pause one of the donor's recurring gifts."""
    return await _set_status(request, recurring_id, "paused", _("Your recurring gift is paused."))


@post("/recurring/{recurring_id:int}/resume", include_in_schema=False)
async def resume(request: Request[Any, Any, Any], recurring_id: FromPath[int]) -> Response[Any]:
    """Resume one of the donor's paused or lapsed recurring gifts."""
    return await _set_status(
        request, recurring_id, "active", _("Your recurring gift is active again.")
    )


@post("/recurring/{recurring_id:int}/cancel", include_in_schema=False)
async def cancel(request: Request[Any, Any, Any], recurring_id: FromPath[int]) -> Response[Any]:
    """Cancel one of the donor's recurring gifts (final)."""
    return await _set_status(
        request, recurring_id, "closed", _("Your recurring gift is cancelled.")
    )


ROUTES: list[Any] = [
    my_giving, gift_receipt_pdf, receipt_download, statement, change_amount, pause, resume, cancel,
]  # fmt: skip
