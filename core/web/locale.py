"""Chooses each request's language: the user's cookie, else the browser's, else the org's."""

from __future__ import annotations

from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.i18n import LOCALE_COOKIE, best_match, normalise_locale, use_locale
from core.web.scope import scope_cookie, scope_header


def locale_for(scope: Scope, default: str) -> str:
    """The language for a request: ``steward_lang`` cookie, ``Accept-Language``, default."""
    return (
        normalise_locale(scope_cookie(scope, LOCALE_COOKIE))
        or best_match(scope_header(scope, b"accept-language"))
        or default
    )


class LocaleMiddleware(ASGIMiddleware):
    """Runs the rest of the request inside :func:`core.i18n.use_locale`."""

    def __init__(self, default_locale: str) -> None:
        self.default_locale = default_locale

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        with use_locale(locale_for(scope, self.default_locale)):
            await next_app(scope, receive, send)


LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def language_cookie(locale: str, *, secure: bool) -> Cookie:
    """The cookie that remembers a visitor's chosen language (admin and portal)."""
    return Cookie(
        key=LOCALE_COOKIE,
        value=locale,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
