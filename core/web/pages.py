"""Rendering HTML pages with the shared Jinja environment, and one-shot flash messages.

The environment is built once per application (:func:`core.web.templates.build_jinja_env`)
and kept on ``app.state["jinja"]``. Flash messages travel in a short-lived cookie that the
next rendered page shows and clears; their text is escaped like any other value.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie

FLASH_COOKIE = "steward_flash"
FLASH_KINDS = frozenset({"success", "info", "warning", "error"})


def jinja_env(request: Request[Any, Any, Any]) -> Environment:
    """The application's Jinja environment."""
    env = request.app.state["jinja"]
    assert isinstance(env, Environment)
    return env


def render_html(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """Render ``template`` into an HTML response (clearing a flash cookie it has shown)."""
    html = jinja_env(request).get_template(template).render(context)
    cookies = []
    if FLASH_COOKIE in request.cookies:
        cookies.append(Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/", httponly=True))
    return Response(
        html,
        status_code=status_code,
        media_type=MediaType.HTML,
        cookies=cookies,
        headers=headers or {},
    )


def flash_cookie(messages: list[tuple[str, str]]) -> Cookie:
    """A cookie carrying ``(kind, text)`` messages to the next page."""
    payload = quote(json.dumps(messages[-5:]))
    return Cookie(
        key=FLASH_COOKIE, value=payload, max_age=120, path="/", httponly=True, samesite="lax"
    )


def read_flashes(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """Messages waiting in the flash cookie (malformed ones are dropped)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(unquote(raw))
    except ValueError:
        return []
    flashes: list[tuple[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if (
            isinstance(item, list)
            and len(item) == 2
            and item[0] in FLASH_KINDS
            and isinstance(item[1], str)
        ):
            flashes.append((item[0], item[1][:500]))
    return flashes


def redirect_with_flash(
    location: str, message: str, kind: str = "success", *, htmx: bool = False
) -> Response[None]:
    """303 to ``location`` (or an ``HX-Redirect`` for htmx) with a flash message."""
    cookies = [flash_cookie([(kind, message)])]
    if htmx:
        return Response(None, status_code=204, headers={"HX-Redirect": location}, cookies=cookies)
    return Response(None, status_code=303, headers={"Location": location}, cookies=cookies)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """True for requests sent by htmx (they want a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def safe_next(value: str | None, prefix: str, default: str) -> str:
    """A post-login destination, only ever a local path under ``prefix``."""
    if value and value.startswith(prefix) and not value.startswith("//") and "\\" not in value:
        return value
    return default
