"""Auth API: login, logout and the current caller, plus API tokens.

Users, roles and the permission catalogue are in :mod:`core.auth.api_users`; :data:`ROUTES`
is everything the ``auth`` plugin mounts under ``/api/v1``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import JSONBody, QueryParameter

from core.auth import api_users, tokens
from core.auth import login as login_service
from core.auth.api_users import Id, PageNumber, PerPage, Sort
from core.auth.principal import principal_of, require_principal
from core.auth.ratelimit import RateLimitedError
from core.auth.schemas import (
    MAX_ID,
    LoginIn,
    LoginOut,
    MeOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
    TokenPage,
)
from core.auth.sessions import SESSION_COOKIE
from core.settings import Settings

JSON = "application/json"


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state["settings"]
    return settings


def session_cookie(settings: Settings, value: str, max_age: int) -> Cookie:
    """The staff session cookie: HttpOnly, SameSite=Lax, Secure behind an https base URL."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.lower().startswith("https://"),
    )


def login_context(request: Request[Any, Any, Any]) -> login_service.LoginRequest:
    """The client and session policy a staff login needs, read from the request."""
    settings = _settings(request)
    return login_service.LoginRequest(
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
        presented_session=request.cookies.get(SESSION_COOKIE, ""),
        max_age_seconds=settings.session_max_age_seconds,
        rate_limit_per_minute=settings.login_rate_limit_per_minute,
        request_id=request.scope.get("state", {}).get("request_id"),
    )


def json_body_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """415 unless the body is JSON: a cross-site HTML form cannot send that without CORS."""
    media_type = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON:
        raise HTTPException(
            status_code=415, detail=f"Send the credentials as JSON (Content-Type: {JSON})."
        )


@post(
    "/auth/login",
    opt={"public": True},
    guards=[json_body_only],
    status_code=200,
    tags=["Authentication"],
)
async def login(request: Request[Any, Any, Any], data: JSONBody[LoginIn]) -> Response[LoginOut]:
    """Sign in with email and password: sets the session cookie, returns the CSRF token."""
    settings = _settings(request)
    try:
        result = await login_service.login(data.email, data.password, login_context(request))
    except RateLimitedError as exc:
        raise TooManyRequestsException(
            detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
        ) from exc
    body = LoginOut(
        user=api_users.user_out(result.user),
        permissions=sorted(result.permissions),
        csrf_token=result.session.csrf_token,
        expires_at=result.session.expires_at,
    )
    cookie = session_cookie(settings, result.session.cookie_value, settings.session_max_age_seconds)
    return Response(body, cookies=[cookie])


@post("/auth/logout", opt={"public": True}, status_code=204, tags=["Authentication"])
async def logout(request: Request[Any, Any, Any]) -> Response[None]:
    """End the cookie session (revoked server-side at once) and clear the cookie.

    Public so a browser with a stale cookie can always clear it; API tokens are revoked
    through ``DELETE /tokens/{id}`` instead.
    """
    principal = principal_of(request)
    if principal is not None and principal.session_id is not None:
        await login_service.logout(principal.session_id)
    expired = session_cookie(_settings(request), "", 0)
    return Response(None, status_code=204, cookies=[expired])


@get("/auth/me", tags=["Authentication"])
async def me(request: Request[Any, Any, Any]) -> MeOut:
    """The caller, their effective permissions, and (for a cookie session) its CSRF token."""
    principal = require_principal(request)
    return MeOut(
        id=principal.user_id,
        email=principal.email,
        display_name=principal.display_name,
        permissions=sorted(principal.permissions),
        via="token" if principal.via == "token" else "session",
        csrf_token=principal.csrf_token if principal.via == "session" else None,
    )


def _token_out(token: tokens.TokenRecord) -> TokenOut:
    return TokenOut(
        id=token.id,
        user_id=token.user_id,
        name=token.name,
        prefix=token.prefix,
        scopes=token.scopes,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        active=token.active,
    )


@get("/tokens", tags=["API tokens"])
async def list_tokens(
    request: Request[Any, Any, Any],
    user_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    sort: Sort = "-created_at",
) -> TokenPage:
    """Your API tokens, or another user's with ``users.manage`` (``?user_id=``)."""
    found = await tokens.list_tokens(
        require_principal(request), user_id=user_id, page=page, per_page=per_page, sort=sort
    )
    return TokenPage(
        items=[_token_out(t) for t in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@post("/tokens", tags=["API tokens"])
async def create_token(
    request: Request[Any, Any, Any], data: JSONBody[TokenCreateIn]
) -> TokenCreatedOut:
    """Create an API token; the secret is in this response only (store it now)."""
    issued = await tokens.issue_token(
        require_principal(request),
        name=data.name,
        scopes=data.scopes,
        expires_at=data.expires_at,
        user_id=data.user_id,
    )
    return TokenCreatedOut(**_token_out(issued.token).model_dump(), secret=issued.secret)


@delete("/tokens/{token_id:int}", tags=["API tokens"])
async def revoke_token(request: Request[Any, Any, Any], token_id: Id) -> None:
    """Revoke one of your tokens (or anyone's, with ``users.manage``) at once."""
    await tokens.revoke_token(require_principal(request), token_id)


ROUTES: list[Any] = [
    login,
    logout,
    me,
    list_tokens,
    create_token,
    revoke_token,
    *api_users.ROUTES,
]
