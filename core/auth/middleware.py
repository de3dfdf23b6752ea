"""Resolves the caller (bearer token or session cookie) once per request.

Sets the principal on the ASGI scope for guards and the audit actor for services.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.auth.principal import PRINCIPAL_SCOPE_KEY, Principal
from core.auth.service import principal_for_token
from core.auth.sessions import SESSION_COOKIE, principal_for_session
from core.context import acting_as
from core.web.scope import scope_cookie, scope_header


async def resolve_principal(scope: Scope) -> Principal | None:
    """The principal for a request's credentials, or None."""
    authorization = scope_header(scope, b"authorization")
    if authorization.lower().startswith("bearer "):
        return await principal_for_token(authorization[7:].strip())
    cookie = scope_cookie(scope, SESSION_COOKIE)
    if cookie:
        return await principal_for_session(cookie)
    return None


class AuthenticationMiddleware(ASGIMiddleware):
    """Identify the caller; never rejects (guards do), so public pages still work."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        principal = await resolve_principal(scope)
        scope[PRINCIPAL_SCOPE_KEY] = principal  # type: ignore[literal-required]
        request_id = secrets.token_hex(8)
        state: Any = scope.setdefault("state", {})
        state["request_id"] = request_id
        if principal is None:
            await next_app(scope, receive, send)
            return
        with acting_as(principal.actor, request_id):
            await next_app(scope, receive, send)
