"""Portal sign-in (emailed link or password), sign-out and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException

from admin.auth_pages import same_origin
from core.auth.ratelimit import RateLimitedError
from core.errors import InvalidInputError
from core.i18n import current_locale, normalise_locale
from core.i18n import gettext as _
from core.settings import Settings
from core.validation import normalise_email
from core.web.locale import language_cookie
from core.web.pages import flash_cookie, safe_next
from portal.auth import links, passwords
from portal.auth.principal import portal_principal_of, require_portal_principal
from portal.auth.sessions import COOKIE_PATH, PORTAL_COOKIE, revoke_portal_session
from portal.config import portal_settings
from portal.rendering import PORTAL_HOME, render_portal_page

PUBLIC = {"public": True, "exclude_from_csrf": True}


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state["settings"]
    return settings


def _secure(request: Request[Any, Any, Any]) -> bool:
    return _settings(request).public_base_url.lower().startswith("https://")


def session_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    """The portal session cookie: HttpOnly, SameSite=Lax, only under ``/portal``."""
    return Cookie(
        key=PORTAL_COOKIE,
        value=value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def _client(request: Request[Any, Any, Any]) -> links.ClientInfo:
    return links.ClientInfo(
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
        presented_session=request.cookies.get(PORTAL_COOKIE, ""),
        request_id=(request.scope.get("state") or {}).get("request_id"),
    )


def _check_origin(request: Request[Any, Any, Any]) -> None:
    if not same_origin(request):
        raise PermissionDeniedException(_("This form was sent from another site."))


async def _login_page(
    request: Request[Any, Any, Any],
    *,
    email: str = "",
    errors: dict[str, str] | None = None,
    password_error: str = "",
    status: int = 200,
) -> Response[str]:
    context = {
        "email": email,
        "errors": errors or {},
        "password_error": password_error,
        "next": safe_next(request.query_params.get("next"), "/portal", PORTAL_HOME),
    }
    return await render_portal_page(
        request, "portal/login.html", context, status_code=status, public=True
    )


@get("/login", opt=PUBLIC, include_in_schema=False)
async def login_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """The sign-in page: ask for a link, or use a password (signed-in visitors go home)."""
    if portal_principal_of(request) is not None:
        return Response(None, status_code=303, headers={"Location": PORTAL_HOME})
    return await _login_page(request)


@post("/login/link", opt=PUBLIC, include_in_schema=False)
async def request_link(request: Request[Any, Any, Any]) -> Response[Any]:
    """Send a sign-in link; the answer is the same whether or not the address is known."""
    _check_origin(request)
    form = await request.form()
    email = str(form.get("email") or "").strip()
    try:
        address = normalise_email(email)
    except InvalidInputError:
        errors = {"email": _("Enter a valid email address.")}
        return await _login_page(request, email=email, errors=errors, status=422)
    client = _client(request)
    try:
        await links.limit_link_requests(address, client.ip)
    except RateLimitedError as exc:
        message = _("Too many attempts. Try again in %(n)s seconds.", n=exc.retry_after)
        return await _login_page(request, email=email, errors={"email": message}, status=429)
    task = BackgroundTask(links.send_link, address, current_locale(), client.ip)
    response = await render_portal_page(
        request,
        "portal/link_sent.html",
        {"minutes": portal_settings().magic_link_minutes},
        public=True,
    )
    response.background = task
    return response


async def _confirm_page(
    request: Request[Any, Any, Any], token: str, state: str, status: int = 200
) -> Response[str]:
    return await render_portal_page(
        request,
        "portal/confirm.html",
        {"token": token, "state": state},
        status_code=status,
        public=True,
    )


_STATE_STATUS = {"valid": 200, "used": 410, "expired": 410, "unknown": 404}


@get("/login/confirm", opt=PUBLIC, include_in_schema=False)
async def confirm_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Following the link shows a "Sign in" button; only its POST uses the link."""
    token = str(request.query_params.get("token") or "")
    check = await links.check_link(token)
    return await _confirm_page(request, token, check.state, _STATE_STATUS[check.state])


@post("/login/confirm", opt=PUBLIC, include_in_schema=False)
async def confirm_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Use the link (once) and open a fresh session."""
    _check_origin(request)
    form = await request.form()
    token = str(form.get("token") or "")
    check, session = await links.consume_link(token, _client(request))
    if session is None:
        return await _confirm_page(request, "", check.state, _STATE_STATUS[check.state])
    max_age = portal_settings().session_max_age_seconds
    cookies = [
        session_cookie(request, session.cookie_value, max_age),
        flash_cookie([("success", _("You are signed in."))]),
    ]
    return Response(None, status_code=303, headers={"Location": PORTAL_HOME}, cookies=cookies)


@post("/login/password", opt=PUBLIC, include_in_schema=False)
async def password_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Sign in with the optional portal password."""
    _check_origin(request)
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""), "/portal", PORTAL_HOME)
    if not email or not password:
        message = _("Enter your email and password.")
        return await _login_page(request, email=email, password_error=message, status=400)
    try:
        session = await passwords.password_login(email, password, _client(request))
    except RateLimitedError as exc:
        message = _("Too many attempts. Try again in %(n)s seconds.", n=exc.retry_after)
        return await _login_page(request, email=email, password_error=message, status=429)
    if session is None:
        message = _("Incorrect email or password.")
        return await _login_page(request, email=email, password_error=message, status=401)
    max_age = portal_settings().session_max_age_seconds
    cookie = session_cookie(request, session.cookie_value, max_age)
    return Response(None, status_code=303, headers={"Location": target}, cookies=[cookie])


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Response[None]:
    """End the session (revoked server-side) and go back to the sign-in page."""
    principal = require_portal_principal(request)
    await revoke_portal_session(principal.session_id)
    cookies = [
        session_cookie(request, "", 0),
        flash_cookie([("success", _("You have signed out."))]),
    ]
    return Response(None, status_code=303, headers={"Location": "/portal/login"}, cookies=cookies)


@post("/language", opt={"public": True}, include_in_schema=False)
async def switch_language(request: Request[Any, Any, Any]) -> Response[None]:
    """Remember the chosen language and go back to the page."""
    form = await request.form()
    locale = normalise_locale(str(form.get("locale") or "")) or _settings(request).locale
    target = safe_next(str(form.get("next") or ""), "/portal", PORTAL_HOME)
    language = language_cookie(locale, secure=_secure(request))
    return Response(None, status_code=303, headers={"Location": target}, cookies=[language])


ROUTES = [
    login_page,
    request_link,
    confirm_page,
    confirm_submit,
    password_submit,
    logout,
    switch_language,
]
