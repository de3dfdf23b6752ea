"""CSRF protection for portal forms.

Every unsafe request (POST, PUT, PATCH, DELETE) from a signed-in portal visitor must carry the
session's token in the ``_csrf`` form field or the ``X-CSRF-Token`` header, else 403. The
sign-in forms are anonymous (nothing to abuse) and check the ``Origin`` instead.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.auth.csrf import CSRF_HEADER, EXEMPT_OPT, SAFE_METHODS, _form_token, tokens_match
from portal.auth.principal import portal_principal_of


async def portal_csrf_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """403 for a signed-in visitor's unsafe request without the session's CSRF token."""
    if handler.opt.get(EXEMPT_OPT) or connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    principal = portal_principal_of(connection)
    if principal is None:
        return
    supplied = connection.headers.get(CSRF_HEADER) or await _form_token(connection)
    if not tokens_match(principal.csrf_token, supplied):
        raise PermissionDeniedException("Missing or invalid CSRF token.")
