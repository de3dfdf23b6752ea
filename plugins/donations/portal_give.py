"""Portal pages to give online: the donation form, the offline gateway's page and thanks.

Mounted by core under ``/portal/donations`` behind the portal sign-in and CSRF guards. The
donor pays on the gateway's own page (Stripe Checkout), so card data never reaches us; the
built-in offline gateway sends the donor to :func:`offline_page` instead.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin.forms import form_values
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.donations import structure
from plugins.donations.admin_common import (
    MAX_ID,
    currencies,
    form_errors_of,
    parse_amount,
)
from plugins.donations.common import org
from plugins.donations.portal_service import (
    complete_own_offline,
    gateway_name,
    own_checkout,
    start_donation,
)
from portal.auth.principal import require_portal_principal
from portal.rendering import render_gateway_link, render_portal_page

BASE = "/portal/donations"


def frequencies() -> list[tuple[str, str]]:
    """How often the donor may give, translated."""
    return [("once", _("Once")), ("monthly", _("Every month")), ("annually", _("Every year"))]


async def _form(
    request: Request[Any, Any, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[str]:
    funds = await structure.list_funds(active_only=True)
    context = {
        "values": values or {"currency": org().default_currency, "frequency": "once"},
        "errors": errors or {},
        "currencies": currencies(),
        "frequencies": frequencies(),
        "funds": [(str(f.id), f.name) for f in funds],
        "stripe": gateway_name() == "stripe",
    }
    return await render_portal_page(
        request, "donations/portal/give.html", context, status_code=status
    )


@get("/give", include_in_schema=False)
async def give_form(request: Request[Any, Any, Any]) -> Response[str]:
    """The donation form: amount, currency, one-off or recurring, fund."""
    return await _form(request)


@post("/give", include_in_schema=False)
async def give_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Start a checkout and send the donor to the gateway's payment page.

    The offline gateway's page is ours, so the donor is redirected to it; an outside
    payment page (Stripe Checkout) is linked instead (see ``render_gateway_link``).
    """
    principal = require_portal_principal(request)
    values = await form_values(request)
    errors: dict[str, str] = {}
    currency = str(values.get("currency") or "")
    if currency not in dict(currencies()):
        errors["currency"] = _("Choose a currency.")
        currency = org().default_currency
    amount = parse_amount(values.get("amount"), currency, "amount", errors)
    if amount == 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    frequency = str(values.get("frequency") or "once")
    if frequency not in dict(frequencies()):
        errors["frequency"] = _("Choose how often to give.")
    fund_text = str(values.get("fund_id") or "")
    fund_id = int(fund_text) if fund_text.isdigit() and int(fund_text) <= MAX_ID else None
    if fund_text and fund_id is None:
        errors["fund_id"] = _("There is no such fund.")
    if errors or amount is None:
        return await _form(request, values, errors, 422)
    try:
        started = await start_donation(
            principal.constituent_id,
            principal.email,
            amount_minor=amount,
            currency=currency,
            frequency=frequency,
            fund_id=fund_id,
        )
    except InvalidInputError as exc:
        return await _form(request, values, form_errors_of(exc.errors), 422)
    if started.redirect_url.startswith("/"):
        return Response(content="", status_code=303, headers={"Location": started.redirect_url})
    return await render_gateway_link(
        request,
        started.redirect_url,
        title=_("Give"),
        back_url=f"{BASE}/give",
        back_label=_("Back to the donation form"),
    )


@get("/offline/{checkout_id:int}", include_in_schema=False)
async def offline_page(
    request: Request[Any, Any, Any], checkout_id: FromPath[int]
) -> Response[str]:
    """The offline gateway's payment page: confirm the donor's own open checkout."""
    principal = require_portal_principal(request)
    checkout = await own_checkout(principal.constituent_id, checkout_id)
    return await render_portal_page(
        request,
        "donations/portal/offline.html",
        {"checkout": checkout, "frequencies": dict(frequencies())},
    )


@post("/offline/{checkout_id:int}", include_in_schema=False)
async def offline_complete(
    request: Request[Any, Any, Any], checkout_id: FromPath[int]
) -> Response[Any]:
    """Complete the offline payment: records the gift, or starts the recurring gift."""
    principal = require_portal_principal(request)
    await complete_own_offline(principal.constituent_id, checkout_id)
    return redirect_with_flash(f"{BASE}/thanks", _("Thank you: your donation is recorded."))


@get("/thanks", include_in_schema=False)
async def thanks(request: Request[Any, Any, Any]) -> Response[str]:
    """Where the gateway sends the donor back after paying."""
    return await render_portal_page(request, "donations/portal/thanks.html", {})


ROUTES: list[Any] = [give_form, give_submit, offline_page, offline_complete, thanks]
