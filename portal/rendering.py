"""Rendering portal pages inside the portal layout (``portal/base.html``).

Plugins render their own portal pages with :func:`render_portal_page`; it supplies what the
layout needs: the signed-in constituent's name, the navigation, the CSRF token for forms,
flash messages and the language switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response

from core import db
from core.i18n import gettext as _
from core.web.pages import is_htmx, read_flashes, render_html
from portal.auth.principal import PortalPrincipal, portal_principal_of, require_portal_principal

PORTAL_HOME = "/portal/"


@dataclass(frozen=True)
class PortalNavItem:
    """An entry of the portal's navigation."""

    label: str
    href: str


def portal_nav() -> list[PortalNavItem]:
    """The portal's own pages (translated per request)."""
    return [
        PortalNavItem(_("Home"), "/portal/"),
        PortalNavItem(_("My profile"), "/portal/profile"),
        PortalNavItem(_("Preferences"), "/portal/preferences"),
        PortalNavItem(_("My household"), "/portal/household"),
        PortalNavItem(_("My data"), "/portal/my-data"),
        PortalNavItem(_("Sign-in options"), "/portal/security"),
    ]


def current_url(request: Request[Any, Any, Any]) -> str:
    """The path and query of the request (for ``next`` fields)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def display_name(constituent_id: int) -> str:
    """The name the portal greets the visitor with."""
    row = await db.fetch_one(
        "SELECT preferred_name, first_name, display_name FROM core_constituent WHERE id = {}",
        constituent_id,
    )
    if row is None:
        return ""
    return str(row["preferred_name"] or row["first_name"] or row["display_name"] or "")


async def layout_context(
    request: Request[Any, Any, Any], principal: PortalPrincipal | None
) -> dict[str, Any]:
    """What ``portal/base.html`` needs besides the page's own context."""
    path = request.url.path
    nav = portal_nav() if principal else []
    active = max(
        (
            i.href
            for i in nav
            if path == i.href or (i.href != PORTAL_HOME and path.startswith(i.href))
        ),
        key=len,
        default=None,
    )
    return {
        "request": request,
        "portal_principal": principal,
        "visitor_name": await display_name(principal.constituent_id) if principal else "",
        "csrf_token": principal.csrf_token if principal else "",
        "nav": nav,
        "active_nav": active,
        "flashes": read_flashes(request),
        "current_path": path,
        "current_url": current_url(request),
        "htmx": is_htmx(request),
    }


async def render_portal_page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    public: bool = False,
) -> Response[str]:
    """Render a portal page; signed-in pages need a principal (else 401 → sign-in)."""
    principal = portal_principal_of(request) if public else require_portal_principal(request)
    full = await layout_context(request, principal)
    full.update(context or {})
    return render_html(request, template, full, status_code=status_code)


async def render_gateway_link(
    request: Request[Any, Any, Any],
    url: str,
    *,
    title: str,
    back_url: str,
    back_label: str,
) -> Response[str]:
    """A page with a link to a payment provider's page, in place of a redirect.

    The portal's ``form-action 'self'`` policy stops a form's redirect to another site, and
    a link the person follows is not a form submission.
    """
    context = {"url": url, "title": title, "back_url": back_url, "back_label": back_label}
    return await render_portal_page(request, "portal/to_gateway.html", context)
