"""The portal's own pages, mounted by core directly under ``/portal``.

They are wrapped in a router that carries :class:`PortalAuthenticationMiddleware` (so the
portal works even before core adds it app-wide; it runs once either way) and the portal's
CSRF guard. Core adds ``portal_guard`` itself.
"""

from __future__ import annotations

from litestar import Router

from portal.auth.csrf import portal_csrf_guard
from portal.auth.middleware import PortalAuthenticationMiddleware
from portal.pages import account, auth, data


def portal_router() -> Router:
    """Every portal page, under one router with authentication and CSRF."""
    return Router(
        path="/",
        route_handlers=[*auth.ROUTES, *account.ROUTES, *data.ROUTES],
        middleware=[PortalAuthenticationMiddleware()],
        guards=[portal_csrf_guard],
    )
