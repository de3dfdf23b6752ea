"""Sign-in, sign-out and the language switch for the admin UI."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException

from core.auth import login as login_service
from core.auth.api import login_context, session_cookie
from core.auth.login import InvalidCredentialsError
from core.auth.principal import principal_of
from core.auth.ratelimit import RateLimitedError
from core.i18n import gettext as _
from core.i18n import normalise_locale
from core.settings import Settings
from core.web.locale import language_cookie
from core.web.pages import flash_cookie, read_flashes, render_html, safe_next

ADMIN_HOME = "/admin/"


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state["settings"]
    return settings


def same_origin(request: Request[Any, Any, Any]) -> bool:
    """True unless the browser says the form came from another site.

    Browsers send ``Origin`` (or at least ``Referer``) with form posts; when either names
    another host the post is refused, which stops a cross-site page from signing a victim
    into the attacker's account. Clients that send neither are not browsers.
    """
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if not source or source == "null":
        return not source
    host = request.headers.get("host", "")
    return urlsplit(source).netloc.lower() == host.lower()


def _login_page(
    request: Request[Any, Any, Any], *, email: str = "", error: str = "", status: int = 200
) -> Response[str]:
    context = {
        "request": request,
        "email": email,
        "error": error,
        "next": safe_next(request.query_params.get("next"), "/admin", ADMIN_HOME),
        "flashes": read_flashes(request),
    }
    return render_html(request, "admin/login.html", context, status_code=status)


@get("/login", opt={"public": True}, include_in_schema=False)
async def login_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """The sign-in form (signed-in users go straight to the dashboard)."""
    if principal_of(request) is not None:
        return Response(None, status_code=303, headers={"Location": ADMIN_HOME})
    return _login_page(request)


@post("/login", opt={"public": True}, include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Check the password, open a fresh session and go where the user was heading."""
    if not same_origin(request):
        raise PermissionDeniedException(_("This form was sent from another site."))
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""), "/admin", ADMIN_HOME)
    if not email or not password:
        return _login_page(
            request, email=email, error=_("Enter your email and password."), status=400
        )
    settings = _settings(request)
    try:
        result = await login_service.login(email, password, login_context(request))
    except InvalidCredentialsError:
        return _login_page(
            request, email=email, error=_("Incorrect email or password."), status=401
        )
    except RateLimitedError as exc:
        message = _("Too many attempts. Try again in %(n)s seconds.", n=exc.retry_after)
        return _login_page(request, email=email, error=message, status=429)
    cookie = session_cookie(settings, result.session.cookie_value, settings.session_max_age_seconds)
    return Response(None, status_code=303, headers={"Location": target}, cookies=[cookie])


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Response[None]:
    """End the session (revoked server-side) and return to the sign-in page."""
    principal = principal_of(request)
    if principal is not None and principal.session_id is not None:
        await login_service.logout(principal.session_id)
    cookies = [
        session_cookie(_settings(request), "", 0),
        flash_cookie([("success", _("You have signed out."))]),
    ]
    return Response(None, status_code=303, headers={"Location": "/admin/login"}, cookies=cookies)


@post("/language", opt={"public": True}, include_in_schema=False)
async def switch_language(request: Request[Any, Any, Any]) -> Response[None]:
    """Remember the chosen language in a cookie and go back to the page."""
    form = await request.form()
    locale = normalise_locale(str(form.get("locale") or "")) or _settings(request).locale
    target = safe_next(str(form.get("next") or ""), "/", ADMIN_HOME)
    language = language_cookie(
        locale, secure=_settings(request).public_base_url.lower().startswith("https://")
    )
    return Response(None, status_code=303, headers={"Location": target}, cookies=[language])


ROUTES = [login_page, login_submit, logout, switch_language]
