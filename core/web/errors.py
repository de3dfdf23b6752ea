"""Error pages for browsers: admin and portal errors render HTML, the API keeps problem+json.

A request under ``/admin`` or ``/portal`` that fails authentication is sent to that area's
login page (htmx requests get an ``HX-Redirect``); any other error renders
``<area>/error.html`` with the status and a safe message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException

from core.errors import StewardError
from core.i18n import gettext as _
from core.web.pages import is_htmx, render_html

logger = logging.getLogger("stewardship.web")
HTML_AREAS: tuple[str, ...] = ("admin", "portal")
Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def html_area(request: Request[Any, Any, Any]) -> str | None:
    """``"admin"`` or ``"portal"`` for a browser page request, else None."""
    first = request.url.path.strip("/").split("/", 1)[0]
    return first if first in HTML_AREAS else None


def _status_and_message(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, HTTPException):
        detail = str(exc.detail) if exc.status_code < 500 else ""
        return exc.status_code, detail
    if isinstance(exc, StewardError):
        return exc.status_code, str(exc)
    if isinstance(exc, ValidationException):
        return 400, _("The request had invalid values.")
    return 500, ""


def _title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Please sign in"),
        403: _("You do not have permission to see this page"),
        404: _("Page not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        422: _("Invalid input"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }
    if status in titles:
        return titles[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("Error")


def html_error(request: Request[Any, Any, Any], exc: Exception, area: str) -> Response[Any]:
    """The browser-facing response for ``exc`` in ``area``."""
    status, message = _status_and_message(exc)
    if isinstance(exc, NotAuthorizedException) or status == 401:
        target = f"/{area}/login?next={quote(request.url.path)}"
        if is_htmx(request):
            return Response(None, status_code=204, headers={"HX-Redirect": target})
        return Response(None, status_code=303, headers={"Location": target})
    if status >= 500:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
    context = {
        "request": request,
        "status": status,
        "title": _title(status),
        "message": message,
        "area": area,
    }
    try:
        return render_html(request, f"{area}/error.html", context, status_code=status)
    except Exception:  # the error page itself failed: fall back to plain text
        logger.exception("error page failed for %s", request.url.path)
        return Response(_title(status), status_code=status, media_type=MediaType.TEXT)


def html_aware(handlers: dict[Any, Handler]) -> dict[Any, Handler]:
    """Wrap exception handlers so admin and portal requests get HTML error pages."""

    def wrap(original: Handler) -> Handler:
        def handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            area = html_area(request)
            if area is None or "jinja" not in request.app.state:
                return original(request, exc)
            return html_error(request, exc, area)

        return handler

    return {key: wrap(value) for key, value in handlers.items()}
