"""Roles: named sets of permissions, edited with one checkbox per permission."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin.forms import form_values
from admin.rendering import registry_of, render_admin_page
from admin.settings.common import BASE, field_errors, route
from core.auth import roles as roles_service
from core.auth.principal import ALL_PERMISSIONS
from core.auth.roles import ROLE_NAME
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.plugins.registry import PluginRegistry
from core.plugins.types import Permission
from core.web.pages import redirect_with_flash

ROLES = f"{BASE}/roles"
MANAGE = {"permission": "users.manage"}


async def permission_groups(
    registry: PluginRegistry,
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Every declared permission grouped by the module declaring it, as checkbox options."""
    groups: list[tuple[str, list[tuple[str, str, str]]]] = [
        (_("Everything"), [(ALL_PERMISSIONS, _("All permissions"), ALL_PERMISSIONS)])
    ]
    for result in await registry.collect_results("steward_permissions"):
        items: list[Permission] = sorted(result.value, key=lambda p: (p.order, p.name))
        if not items:
            continue
        label = registry.by_name[result.plugin].label
        groups.append((label, [(p.name, p.label, p.name) for p in items]))
    return groups


def _permissions_of(values: dict[str, Any]) -> list[str]:
    raw = values.get("permissions")
    if raw is None:
        return []
    return [str(p) for p in (raw if isinstance(raw, list) else [raw])]


async def _form(request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str],
                role: Any = None, status_code: int = 200) -> Response[str]:  # fmt: skip
    context = {
        "values": {**values, "permissions": _permissions_of(values)},
        "errors": errors,
        "role": role,
        "groups": await permission_groups(registry_of(request)),
    }
    return await render_admin_page(
        request, "admin/settings/role_form.html", context, status_code=status_code
    )


@get(route(ROLES), include_in_schema=False, opt=MANAGE)
async def roles_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every role with its permissions and how many users hold it."""
    found = await roles_service.list_roles(per_page=200)
    return await render_admin_page(request, "admin/settings/roles.html", {"roles": found.items})


@get(route(f"{ROLES}/new"), include_in_schema=False, opt=MANAGE)
async def new_role_page(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty role form."""
    return await _form(request, {}, {})


def _check(values: dict[str, Any], *, new: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if new:
        name = str(values.get("name") or "")
        if not name:
            errors["name"] = _("This field is required.")
        elif not ROLE_NAME.match(name):
            errors["name"] = _(
                "Use 2 to 60 lower-case letters, digits, dots, dashes or underscores, "
                "starting with a letter."
            )
    label = str(values.get("label") or "")
    if not label:
        errors["label"] = _("This field is required.")
    elif len(label) > 120:
        errors["label"] = _("Enter at most %(n)s characters.", n=120)
    return errors


@post(route(ROLES), include_in_schema=False, opt=MANAGE)
async def create_role(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a role; 422 with what was typed on error."""
    values = await form_values(request)
    if errors := _check(values, new=True):
        return await _form(request, values, errors, status_code=422)
    try:
        role = await roles_service.create_role(
            str(values["name"]), str(values["label"]), _permissions_of(values)
        )
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), status_code=422)
    except ConflictError:
        errors = {"name": _("A role with this name already exists.")}
        return await _form(request, values, errors, status_code=422)
    return redirect_with_flash(f"{ROLES}/{role.name}", _("Role created."))


@get(route(f"{ROLES}/{{name:str}}"), include_in_schema=False, opt=MANAGE)
async def edit_role_page(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[str]:
    """A role's label and permissions."""
    role = await roles_service.get_role(name)
    values = {"name": role.name, "label": role.label, "permissions": role.permissions}
    return await _form(request, values, {}, role)


@post(route(f"{ROLES}/{{name:str}}"), include_in_schema=False, opt=MANAGE)
async def update_role(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """Change a role's label and permissions (applies at once to every member)."""
    role = await roles_service.get_role(name)
    values = await form_values(request) | {"name": role.name}
    if errors := _check(values, new=False):
        return await _form(request, values, errors, role, 422)
    try:
        await roles_service.update_role(
            name, label=str(values["label"]), permissions=_permissions_of(values)
        )
    except InvalidInputError as exc:
        return await _form(request, values, field_errors(exc), role, 422)
    except ConflictError:
        errors = {"__all__": _("This change would leave nobody able to manage staff users.")}
        return await _form(request, values, errors, role, 409)
    return redirect_with_flash(f"{ROLES}/{name}", _("Role saved."))


@post(route(f"{ROLES}/{{name:str}}/delete"), include_in_schema=False, opt=MANAGE)
async def delete_role(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """Delete a custom role (built-in roles are refused)."""
    role = await roles_service.get_role(name)
    if role.builtin:
        return redirect_with_flash(
            f"{ROLES}/{name}", _("Built-in roles cannot be deleted."), kind="error"
        )
    try:
        await roles_service.delete_role(name)
    except ConflictError:
        return redirect_with_flash(
            f"{ROLES}/{name}",
            _("This change would leave nobody able to manage staff users."),
            kind="error",
        )
    return redirect_with_flash(ROLES, _("Role deleted."))


ROUTES = [roles_page, new_role_page, create_role, edit_role_page, update_role, delete_role]
