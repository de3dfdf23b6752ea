"""CSRF protection for requests authenticated by the staff session cookie.

The browser sends the session cookie on its own, so any unsafe request (anything but GET,
HEAD, OPTIONS, TRACE) that the cookie authenticates must also prove it came from our pages:
it carries the session's CSRF token in the ``X-CSRF-Token`` header, or in a ``_csrf`` field
for an HTML form post (``application/x-www-form-urlencoded`` or ``multipart/form-data``).
Otherwise the answer is 403.

Not checked:

* requests with a bearer token: a browser never attaches one by itself;
* anonymous requests: they have no ambient authority to abuse (the JSON login keeps cross-site
  forms out by requiring ``Content-Type: application/json``);
* handlers marked ``opt={"exclude_from_csrf": True}`` (webhooks): the exemption is read from
  the handler, never matched against the path (Litestar's ``CSRFConfig(exclude=...)`` patterns
  match anywhere in a path, see the architecture brief's "Known traps").

Wiring: core adds :func:`csrf_guard` to the guards of every router it mounts for staff
(``/api/v1`` and ``/admin``, in :mod:`core.web.mounting`), after the staff guard, so a plugin
cannot forget it. It is a guard rather than middleware because guards see the matched
handler's ``opt``. Reading the ``_csrf`` form field here is safe: Litestar caches the parsed
form and the body on the connection, so the handler still receives its form data.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.auth.principal import principal_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "_csrf"
EXEMPT_OPT = "exclude_from_csrf"
_FORM_TYPES = frozenset(
    {RequestEncodingType.URL_ENCODED.value, RequestEncodingType.MULTI_PART.value}
)


async def _form_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    if not isinstance(connection, Request):
        return ""
    media_type, _ = connection.content_type
    if media_type not in _FORM_TYPES:
        return ""
    value = (await connection.form()).get(CSRF_FORM_FIELD)
    return value if isinstance(value, str) else ""


def tokens_match(expected: str | None, supplied: str) -> bool:
    """Constant-time comparison of the session's token with the one a request supplied."""
    if not expected or not supplied:
        return False
    return secrets.compare_digest(expected.encode(), supplied.encode())


async def check_csrf(
    connection: ASGIConnection[Any, Any, Any, Any],
    handler: BaseRouteHandler,
    expected: str | None,
) -> None:
    """403 unless a safe, exempt, or token-carrying request.

    ``expected`` is the signed-in session's token (staff or portal); each guard decides
    whether the request is cookie-authenticated and passes its session's token here.
    """
    if handler.opt.get(EXEMPT_OPT):
        return
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    supplied = connection.headers.get(CSRF_HEADER) or await _form_token(connection)
    if not tokens_match(expected, supplied):
        raise PermissionDeniedException(
            f"Missing or invalid CSRF token: send the session's token in the {CSRF_HEADER} "
            f"header (or the {CSRF_FORM_FIELD} form field)."
        )


async def csrf_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """403 for a cookie-authenticated unsafe request without the session's CSRF token."""
    principal = principal_of(connection)
    if principal is None or principal.via != "session":
        return
    await check_csrf(connection, handler, principal.csrf_token)
