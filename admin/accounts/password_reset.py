"""Public pages of the staff password reset: ask for a link, then choose a new password.

The logic (tokens, rate limits, timing, mail) lives in :mod:`core.mail.password_reset`;
these handlers only read forms and pick the page to show.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath

from admin.auth_pages import same_origin
from core.auth.passwords import MIN_PASSWORD_LENGTH, password_problem
from core.auth.principal import principal_of
from core.auth.ratelimit import RateLimitedError
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.mail.password_reset import (
    ResetLinkError,
    TokenState,
    check_link,
    complete_password_reset,
    request_password_reset,
)
from core.web.pages import redirect_with_flash, render_html

RESET = "/password-reset"
PUBLIC = {"public": True}
# The token is in the URL: keep the page out of caches and the link out of Referer headers.
TOKEN_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    principal = principal_of(request)
    full = {
        "request": request,
        "csrf_token": (principal.csrf_token or "") if principal else "",
        "values": {},
        "errors": {},
        **context,
    }
    return render_html(
        request, f"admin/accounts/{template}", full, status_code=status_code, headers=headers
    )


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def _check_origin(request: Request[Any, Any, Any]) -> None:
    if not same_origin(request):
        raise PermissionDeniedException(_("This form was sent from another site."))


@get(RESET, opt=PUBLIC, include_in_schema=False)
async def request_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The form asking for the staff email address."""
    return _page(request, "reset_request.html", {})


@post(RESET, opt=PUBLIC, include_in_schema=False)
async def request_submit(request: Request[Any, Any, Any]) -> Response[str]:
    """Send a link if the address has an account; the answer is the same either way."""
    _check_origin(request)
    form = await request.form()
    email = str(form.get("email") or "").strip()
    values = {"email": email}
    if not email:
        errors = {"email": _("This field is required.")}
        return _page(
            request, "reset_request.html", {"values": values, "errors": errors}, status_code=422
        )
    try:
        await request_password_reset(email, ip=_client(request))
    except InvalidInputError:
        errors = {"email": _("Enter a valid email address, such as name@example.org.")}
        return _page(
            request, "reset_request.html", {"values": values, "errors": errors}, status_code=422
        )
    except RateLimitedError as exc:
        message = _("Too many attempts. Try again in %(n)s seconds.", n=exc.retry_after)
        return _page(
            request,
            "reset_request.html",
            {"values": values, "errors": {"__all__": message}},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    return _page(request, "reset_sent.html", {})


def _link_problem(request: Request[Any, Any, Any], error: ResetLinkError) -> Response[str]:
    messages = {
        TokenState.USED: _("This link has already been used. Each link works only once."),
        TokenState.EXPIRED: _("This link has expired. Links are valid for 30 minutes."),
        TokenState.UNKNOWN: _("This link is not valid. Check that you copied all of it."),
    }
    status = 404 if error.state is TokenState.UNKNOWN else 410
    return _page(
        request,
        "reset_invalid.html",
        {"message": messages.get(error.state, messages[TokenState.UNKNOWN])},
        status_code=status,
        headers=TOKEN_PAGE_HEADERS,
    )


def _choose_page(
    request: Request[Any, Any, Any],
    token: str,
    email: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[str]:
    context = {
        "token": token,
        "email": email,
        "errors": errors or {},
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return _page(
        request, "reset_choose.html", context, status_code=status_code, headers=TOKEN_PAGE_HEADERS
    )


@get(f"{RESET}/{{token:str}}", opt=PUBLIC, include_in_schema=False)
async def choose_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
    """The form for a new password, or a page saying why the link cannot be used."""
    try:
        link = await check_link(token)
    except ResetLinkError as exc:
        return _link_problem(request, exc)
    return _choose_page(request, token, link.email)


@post(f"{RESET}/{{token:str}}", opt=PUBLIC, include_in_schema=False)
async def choose_submit(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
    """Set the new password (using up the link) and send the user to sign in."""
    _check_origin(request)
    try:
        link = await check_link(token)
    except ResetLinkError as exc:
        return _link_problem(request, exc)
    form = await request.form()
    password = str(form.get("password") or "")
    confirm = str(form.get("password_confirm") or "")
    errors: dict[str, str] = {}
    if password_problem(password):
        errors["password"] = _("Enter at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    elif password != confirm:
        errors["password_confirm"] = _("The two passwords do not match.")
    if not errors:
        try:
            await complete_password_reset(token, password)
        except ResetLinkError as exc:
            return _link_problem(request, exc)
        except InvalidInputError:
            errors["password"] = _("Enter at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if errors:
        return _choose_page(request, token, link.email, errors, status_code=422)
    return redirect_with_flash(
        "/admin/login", _("Your password has been changed. Sign in with your new password.")
    )


ROUTES = [request_page, request_submit, choose_page, choose_submit]
