"""Resolves the portal session cookie to a :class:`PortalPrincipal` on the ASGI scope.

Core's ``portal_guard`` (``core.web.mounting``) admits a portal request only when
``scope["steward_portal_principal"]`` is set. This middleware sets it, for every request
under ``/portal`` (the cookie's path), and runs the rest of the request as the portal actor
so audit entries and the consent log name the constituent. It never rejects a request.

It is idempotent: core adds it to the application's middleware, and the portal's own routes
carry it too (so the portal works before that wiring); the second run sees the key set and
passes through.
"""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.context import acting_as, current_request_id
from core.web.mounting import PORTAL_PREFIX, PORTAL_PRINCIPAL_SCOPE_KEY
from core.web.scope import scope_cookie
from portal.auth.sessions import PORTAL_COOKIE, principal_for_portal_session


class PortalAuthenticationMiddleware(ASGIMiddleware):
    """Identify the portal visitor from the ``steward_portal`` cookie."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path = str(scope.get("path", ""))
        if PORTAL_PRINCIPAL_SCOPE_KEY in scope or not (
            path == PORTAL_PREFIX or path.startswith(PORTAL_PREFIX + "/")
        ):
            await next_app(scope, receive, send)
            return
        cookie = scope_cookie(scope, PORTAL_COOKIE)
        principal = await principal_for_portal_session(cookie) if cookie else None
        scope[PORTAL_PRINCIPAL_SCOPE_KEY] = principal  # type: ignore[literal-required]
        if principal is None:
            await next_app(scope, receive, send)
            return
        state = scope.get("state") or {}
        request_id = state.get("request_id") if isinstance(state, dict) else None
        with acting_as(principal.actor, request_id or current_request_id()):
            await next_app(scope, receive, send)
