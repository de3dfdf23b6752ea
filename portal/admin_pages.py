"""Staff pages for portal requests: ``/admin/portal-requests/``.

Staff with ``constituents.write`` approve or reject identity changes and erasure requests.
An approved erasure shows what each plugin erased and what legal retention keeps.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin.rendering import render_admin_page
from core.errors import ConflictError
from core.i18n import gettext as _
from core.plugins.types import NavItem
from core.web.pages import redirect_with_flash
from portal.pages.account import identity_labels
from portal.services import requests

PERMISSION = "constituents.write"
BASE = "/admin/portal-requests/"


@get("/portal-requests/", opt={"permission": PERMISSION}, include_in_schema=False)
async def requests_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Pending requests first, then the most recent decisions."""
    context = {
        "pending_identity": await requests.list_requests("identity"),
        "pending_erasure": await requests.list_requests("erasure"),
        "decided_identity": await requests.list_requests("identity", status="approved", limit=20)
        + await requests.list_requests("identity", status="rejected", limit=20),
        "decided_erasure": await requests.list_requests("erasure", status="approved", limit=20)
        + await requests.list_requests("erasure", status="rejected", limit=20),
        "field_labels": identity_labels(),
    }
    return await render_admin_page(request, "portal/admin/requests.html", context)


@post(
    "/portal-requests/{kind:str}/{request_id:int}",
    opt={"permission": PERMISSION},
    include_in_schema=False,
)
async def decide_request(
    request: Request[Any, Any, Any], kind: FromPath[str], request_id: FromPath[int]
) -> Response[Any]:
    """Approve or reject one request."""
    form = await request.form()
    approve = form.get("decision") == "approve"
    note = str(form.get("note") or "")
    try:
        await requests.decide(kind, request_id, approve=approve, note=note)
    except ConflictError:
        return redirect_with_flash(BASE, _("This request was already decided."), "warning")
    message = _("Request approved.") if approve else _("Request rejected.")
    return redirect_with_flash(BASE, message)


ROUTES = [requests_page, decide_request]


def nav() -> list[NavItem]:
    """The staff navigation entry."""
    return [NavItem(_("Portal requests"), BASE, permission=PERMISSION, order=60)]
