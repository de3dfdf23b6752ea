"""Portal pages for dues paid on the gateway's page: pay the first dues, and the return page.

The return page says honestly where the payment stands: the gateway sends the member back
before or after its webhook reaches us, so "processing" is shown until the change is applied
(with a link to look again), then "received".
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from core.errors import StewardError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.membership import online
from plugins.membership import portal_service as service
from plugins.membership.levels import get_level
from portal.auth.principal import require_portal_principal
from portal.rendering import render_gateway_link, render_portal_page

BASE = "/portal/membership"


async def to_gateway(request: Request[Any, Any, Any], url: str) -> Response[Any]:
    """A page with the link to the payment provider's page (see ``render_gateway_link``)."""
    return await render_gateway_link(
        request,
        url,
        title=_("Pay your dues"),
        back_url=f"{BASE}/",
        back_label=_("Back to my membership"),
    )


@post("/pay", include_in_schema=False)
async def pay_first_dues(request: Request[Any, Any, Any]) -> Response[Any]:
    """Pay a pending membership's first dues on the gateway's page (again after a cancel)."""
    principal = require_portal_principal(request)
    try:
        membership = await service.own(principal.constituent_id)
        url = await online.start_first_dues(membership, principal.email)
    except StewardError:
        message = _("This is not possible for your membership right now.")
        return redirect_with_flash(f"{BASE}/", message, "error")
    return await to_gateway(request, url)


@get("/paid/{checkout_id:int}", include_in_schema=False)
async def paid(request: Request[Any, Any, Any], checkout_id: FromPath[int]) -> Response[str]:
    """Where the gateway sends the member back after paying: received or still processing."""
    principal = require_portal_principal(request)
    payment = await online.own_payment(principal.constituent_id, checkout_id)
    level = await get_level(payment.level_id)
    context = {"payment": payment, "level": level}
    return await render_portal_page(request, "membership/portal/paid.html", context)


ROUTES: list[Any] = [pay_first_dues, paid]
