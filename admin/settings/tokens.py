"""API tokens: everyone manages their own; ``users.manage`` manages anyone's.

The rule is the one :mod:`core.auth.tokens` enforces: a staff user may list, create and revoke
their own tokens; holding ``users.manage`` adds every other active user's. The secret of a
new token is shown once, on the page that answers the create form, and never again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, Field

from admin.forms import form_values, validate_form
from admin.paging import base_url, pager_of
from admin.rendering import registry_of, render_admin_page
from admin.settings.common import BASE, PER_PAGE, field_errors, route
from core.auth import tokens as service
from core.auth import users as users_service
from core.auth.permissions import MANAGE_USERS, known_permissions
from core.auth.principal import Principal, require_principal
from core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash

TOKENS = f"{BASE}/tokens"


class TokenForm(BaseModel):
    """A new token as typed."""

    name: str = Field(min_length=1, max_length=120)
    expires_on: date | None = None
    scopes: list[str] = Field(default_factory=list, max_length=200)
    user_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


def _owner(principal: Principal, user_id: int | None) -> int:
    """Whose tokens to show: one's own unless a user manager asks for someone else's."""
    if user_id is None or user_id == principal.user_id:
        return principal.user_id
    if not principal.can(MANAGE_USERS):
        raise PermissionDeniedError(_("Managing another user's tokens requires permission."))
    return user_id


async def _page(request: Request[Any, Any, Any], owner_id: int, page: int = 1,
                values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response[str]:  # fmt: skip
    principal = require_principal(request)
    owner = await users_service.get_user(owner_id)
    found = await service.list_tokens(principal, user_id=owner_id, page=page, per_page=PER_PAGE)
    users: list[Any] = []
    if principal.can(MANAGE_USERS):
        users = list((await users_service.list_users(per_page=200, is_active=True)).items)
    scopes = sorted(p for p in await known_permissions() if p != "*")
    context = {
        "owner": owner,
        "tokens": found.items,
        "pager": pager_of(found),
        "base_url": base_url(TOKENS, {"user_id": owner_id}),
        "users": users,
        "scopes": [(s, s, "") for s in scopes],
        "values": values or {"scopes": []},
        "errors": errors or {},
        "now": datetime.now(UTC),
    }
    return await render_admin_page(
        request, "admin/settings/tokens.html", context, status_code=status_code
    )


@get(route(TOKENS), include_in_schema=False)
async def tokens_page(
    request: Request[Any, Any, Any],
    user_id: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)] = None,
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response[str]:
    """The signed-in user's tokens (or, for a user manager, the chosen user's)."""
    owner_id = _owner(require_principal(request), user_id)
    return await _page(request, owner_id, page)


def _scopes_of(values: dict[str, Any]) -> list[str]:
    raw = values.get("scopes")
    if raw is None:
        return []
    return [str(s) for s in (raw if isinstance(raw, list) else [raw])]


@post(route(TOKENS), include_in_schema=False)
async def create_token(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a token and show its secret this once."""
    principal = require_principal(request)
    values = await form_values(request)
    values["scopes"] = _scopes_of(values)
    model, errors = validate_form(TokenForm, values)
    owner_id = _owner(principal, model.user_id if model else None)
    if model is None:
        return await _page(request, owner_id, values=values, errors=errors, status_code=422)
    expires_at = None
    if model.expires_on is not None:
        zone = registry_of(request).settings.zone
        expires_at = datetime.combine(model.expires_on, time(), zone).astimezone(UTC)
        if expires_at <= datetime.now(UTC):
            errors = {"expires_on": _("Choose a date in the future.")}
            return await _page(request, owner_id, values=values, errors=errors, status_code=422)
    try:
        issued = await service.issue_token(
            principal, name=model.name, scopes=model.scopes, expires_at=expires_at,
            user_id=owner_id,
        )  # fmt: skip
    except InvalidInputError as exc:
        return await _page(
            request, owner_id, values=values, errors=field_errors(exc), status_code=422
        )
    except ConflictError:
        errors = {"__all__": _("This user is deactivated and cannot have new tokens.")}
        return await _page(request, owner_id, values=values, errors=errors, status_code=409)
    owner = await users_service.get_user(owner_id)
    context = {"token": issued.token, "secret": issued.secret, "owner": owner}
    return await render_admin_page(
        request,
        "admin/settings/token_created.html",
        context,
        headers={"Cache-Control": "no-store"},
    )


@post(route(f"{TOKENS}/{{token_id:int}}/revoke"), include_in_schema=False)
async def revoke_token(request: Request[Any, Any, Any], token_id: FromPath[int]) -> Response[Any]:
    """Revoke a token at once (one's own, or anyone's for a user manager)."""
    principal = require_principal(request)
    try:
        token = await service.revoke_token(principal, token_id)
    except NotFoundError as exc:
        raise NotFoundError(_("No such API token.")) from exc
    target = TOKENS if token.user_id == principal.user_id else f"{TOKENS}?user_id={token.user_id}"
    return redirect_with_flash(target, _("Token “%(name)s” revoked.", name=token.name))


ROUTES = [tokens_page, create_token, revoke_token]
