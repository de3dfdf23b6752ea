"""CSRF protection for portal forms.

Every unsafe request (POST, PUT, PATCH, DELETE) from a signed-in portal visitor must carry the
session's token in the ``_csrf`` form field or the ``X-CSRF-Token`` header, else 403. The
sign-in forms are anonymous (nothing to abuse) and check the ``Origin`` instead.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from core.auth.csrf import check_csrf
from portal.auth.principal import portal_principal_of


async def portal_csrf_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """403 for a signed-in visitor's unsafe request without the session's CSRF token."""
    principal = portal_principal_of(connection)
    if principal is None:
        return
    await check_csrf(connection, handler, principal.csrf_token)
