"""Staff users: list, create, edit (roles, active), set a password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, Field

from admin.forms import form_values, validate_form
from admin.paging import base_url, pager_of
from admin.rendering import render_admin_page
from admin.settings.common import BASE, PER_PAGE, checked, field_errors, route
from core.auth import roles as roles_service
from core.auth import users as users_service
from core.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.validation import normalise_email
from core.web.pages import redirect_with_flash

USERS = f"{BASE}/users"
MANAGE = {"permission": "users.manage"}


class UserForm(BaseModel):
    """The fields of the create and edit forms."""

    email: str = Field(max_length=254)
    display_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=MAX_PASSWORD_LENGTH)
    roles: list[str] = Field(default_factory=list, max_length=50)
    locale: str = "en"


def _roles_of(values: dict[str, Any]) -> list[str]:
    raw = values.get("roles")
    if raw is None:
        return []
    return [str(r) for r in (raw if isinstance(raw, list) else [raw])]


def password_error(password: str | None) -> str | None:
    """A translated reason the password is unacceptable, or None."""
    if password is None:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    return None


async def role_options() -> list[tuple[str, str, str]]:
    """Every role as (name, label, description) for the checkbox group."""
    page = await roles_service.list_roles(per_page=200)
    return [(r.name, r.label, r.name) for r in page.items]


async def _form(request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str],
                user: Any = None, status_code: int = 200) -> Response[str]:  # fmt: skip
    # A password is never sent back to the browser, not even the one just typed.
    values = {k: v for k, v in values.items() if k != "password"} | {"roles": _roles_of(values)}
    context = {
        "values": values,
        "errors": errors,
        "user": user,
        "roles": await role_options(),
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return await render_admin_page(
        request, "admin/settings/user_form.html", context, status_code=status_code
    )


@get(route(USERS), include_in_schema=False, opt=MANAGE)
async def users_page(
    request: Request[Any, Any, Any],
    q: Annotated[str, QueryParameter(max_length=200)] = "",
    status: Annotated[str, QueryParameter(pattern="^(|active|inactive)$")] = "",
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response[str]:
    """Staff users, searchable by email or name, active or not."""
    active = {"active": True, "inactive": False}.get(status)
    found = await users_service.list_users(
        page=page, per_page=PER_PAGE, search=q.strip() or None, is_active=active
    )
    context = {
        "users": found.items,
        "pager": pager_of(found),
        "base_url": base_url(USERS, {"q": q, "status": status}),
        "q": q,
        "status": status,
    }
    return await render_admin_page(request, "admin/settings/users.html", context)


@get(route(f"{USERS}/new"), include_in_schema=False, opt=MANAGE)
async def new_user_page(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty form for a new staff user."""
    return await _form(request, {"roles": ["staff"], "locale": "en"}, {})


@post(route(USERS), include_in_schema=False, opt=MANAGE)
async def create_user(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a staff user; 422 with the typed values and a message beside each field."""
    values = await form_values(request)
    values["roles"] = _roles_of(values)
    model, errors = validate_form(UserForm, values)
    if model is not None:
        try:
            normalise_email(model.email)
        except InvalidInputError:
            errors["email"] = _("Enter a valid email address, such as name@example.org.")
        if problem := password_error(model.password):
            errors["password"] = problem
        if not model.roles:
            errors["roles"] = _("Choose at least one role.")
    if model is None or errors:
        return await _form(request, values, errors, status_code=422)
    try:
        user = await users_service.create_user(
            model.email, display_name=model.display_name, password=model.password,
            roles=model.roles,
        )  # fmt: skip
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), status_code=422)
    except ConflictError:
        errors = {"email": _("A staff user with this email already exists.")}
        return await _form(request, values, errors, status_code=422)
    return redirect_with_flash(f"{USERS}/{user.id}", _("Staff user created."))


@get(route(f"{USERS}/{{user_id:int}}"), include_in_schema=False, opt=MANAGE)
async def edit_user_page(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Response[str]:
    """A user's details, roles and password form."""
    user = await users_service.get_user(user_id)
    values = {
        "email": user.email,
        "display_name": user.display_name,
        "roles": user.roles,
        "is_active": user.is_active,
        "locale": user.locale,
    }
    return await _form(request, values, {}, user)


@post(route(f"{USERS}/{{user_id:int}}"), include_in_schema=False, opt=MANAGE)
async def update_user(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Response[Any]:
    """Change a user's name, roles, language and whether they may sign in."""
    user = await users_service.get_user(user_id)
    values = await form_values(request)
    values["roles"] = _roles_of(values)
    values["email"] = user.email
    errors: dict[str, str] = {}
    name = str(values.get("display_name") or "").strip()
    if not name:
        errors["display_name"] = _("This field is required.")
    elif len(name) > 200:
        errors["display_name"] = _("Enter at most %(n)s characters.", n=200)
    if not values["roles"]:
        errors["roles"] = _("Choose at least one role.")
    if errors:
        return await _form(request, values, errors, user, 422)
    try:
        await users_service.update_user(
            user_id, display_name=name, roles=values["roles"],
            is_active=checked(values.get("is_active")), locale=values.get("locale") or None,
        )  # fmt: skip
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), user, 422)
    except ConflictError:
        errors = {"__all__": _("This change would leave nobody able to manage staff users.")}
        return await _form(request, values, errors, user, 409)
    return redirect_with_flash(f"{USERS}/{user_id}", _("Staff user saved."))


@post(route(f"{USERS}/{{user_id:int}}/password"), include_in_schema=False, opt=MANAGE)
async def set_password(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Response[Any]:
    """Set a new password (the user's sessions end)."""
    user = await users_service.get_user(user_id)
    values = await form_values(request)
    password = values.get("password")
    problem = _("This field is required.") if not password else password_error(str(password))
    if problem:
        current = {"email": user.email, "display_name": user.display_name, "roles": user.roles,
                   "is_active": user.is_active, "locale": user.locale}  # fmt: skip
        return await _form(request, current, {"password": problem}, user, 422)
    await users_service.set_password(user_id, str(password))
    return redirect_with_flash(f"{USERS}/{user_id}", _("Password changed."))


ROUTES = [users_page, new_user_page, create_user, edit_user_page, update_user, set_password]
