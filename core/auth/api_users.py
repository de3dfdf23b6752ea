"""Users, roles and the permission catalogue (all require ``users.manage``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, patch, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.auth import roles, users
from core.auth.permissions import MANAGE_USERS
from core.auth.schemas import (
    MAX_ID,
    PasswordIn,
    PermissionOut,
    RoleCreateIn,
    RoleOut,
    RolePage,
    RoleUpdateIn,
    UserCreateIn,
    UserOut,
    UserPage,
    UserUpdateIn,
)
from core.plugins.registry import current_registry

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
RoleNameParam = Annotated[str, PathParameter(min_length=1, max_length=60)]
PageNumber = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PerPage = Annotated[int, QueryParameter(ge=1, le=200)]
Sort = Annotated[str, QueryParameter(min_length=1, max_length=40)]
MANAGE = {"permission": MANAGE_USERS}


def user_out(user: users.UserRecord) -> UserOut:
    """The API shape of a user."""
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_active=user.is_active,
        locale=user.locale,
        roles=user.roles,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        has_password=user.has_password,
    )


def _role_out(role: roles.RoleRecord) -> RoleOut:
    return RoleOut(
        id=role.id,
        name=role.name,
        label=role.label,
        permissions=role.permissions,
        builtin=role.builtin,
        user_count=role.user_count,
    )


# --- users ------------------------------------------------------------------------------


@get("/users", opt=MANAGE, tags=["Users"])
async def list_users(
    page: PageNumber = 1,
    per_page: PerPage = 50,
    sort: Sort = "email",
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    is_active: Annotated[bool | None, QueryParameter()] = None,
    role: Annotated[str | None, QueryParameter(max_length=60)] = None,
) -> UserPage:
    """Staff users; ``sort`` by email, display_name, created_at, last_login_at or id
    (``-`` for descending); ``q`` searches email and name."""
    found = await users.list_users(
        page=page, per_page=per_page, sort=sort, search=q, is_active=is_active, role=role
    )
    return UserPage(
        items=[user_out(u) for u in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@post("/users", opt=MANAGE, tags=["Users"])
async def create_user(data: JSONBody[UserCreateIn]) -> UserOut:
    """Create a staff user with roles (and optionally a password)."""
    created = await users.create_user(
        data.email, display_name=data.display_name, password=data.password, roles=data.roles
    )
    return user_out(created)


@get("/users/{user_id:int}", opt=MANAGE, tags=["Users"])
async def get_user(user_id: Id) -> UserOut:
    """One staff user."""
    return user_out(await users.get_user(user_id))


@patch("/users/{user_id:int}", opt=MANAGE, tags=["Users"])
async def update_user(user_id: Id, data: JSONBody[UserUpdateIn]) -> UserOut:
    """Change name, active flag, roles or locale; deactivation or new roles end sessions."""
    updated = await users.update_user(
        user_id,
        display_name=data.display_name,
        is_active=data.is_active,
        roles=data.roles,
        locale=data.locale,
    )
    return user_out(updated)


@put("/users/{user_id:int}/password", opt=MANAGE, status_code=204, tags=["Users"])
async def set_password(user_id: Id, data: JSONBody[PasswordIn]) -> None:
    """Set a user's password; their sessions are revoked."""
    await users.set_password(user_id, data.password)


# --- roles and permissions --------------------------------------------------------------


@get("/roles", opt=MANAGE, tags=["Users"])
async def list_roles(page: PageNumber = 1, per_page: PerPage = 50, sort: Sort = "name") -> RolePage:
    """Roles with their permissions and member counts."""
    found = await roles.list_roles(page=page, per_page=per_page, sort=sort)
    return RolePage(
        items=[_role_out(r) for r in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@post("/roles", opt=MANAGE, tags=["Users"])
async def create_role(data: JSONBody[RoleCreateIn]) -> RoleOut:
    """Create a role; every permission must be declared by an active plugin (or ``*``)."""
    return _role_out(await roles.create_role(data.name, data.label, data.permissions))


@get("/roles/{name:str}", opt=MANAGE, tags=["Users"])
async def get_role(name: RoleNameParam) -> RoleOut:
    """One role."""
    return _role_out(await roles.get_role(name))


@patch("/roles/{name:str}", opt=MANAGE, tags=["Users"])
async def update_role(name: RoleNameParam, data: JSONBody[RoleUpdateIn]) -> RoleOut:
    """Change a role's label or permissions (applies to its members at once)."""
    return _role_out(await roles.update_role(name, label=data.label, permissions=data.permissions))


@delete("/roles/{name:str}", opt=MANAGE, tags=["Users"])
async def delete_role(name: RoleNameParam) -> None:
    """Delete a custom role (built-in roles cannot be deleted)."""
    await roles.delete_role(name)


@get("/permissions", opt=MANAGE, tags=["Users"])
async def list_permissions() -> list[PermissionOut]:
    """Every permission a role or token scope can grant, as declared by active plugins."""
    declared = await current_registry().collect("steward_permissions")
    everything = PermissionOut(name="*", label="Everything", description="Every permission")
    return [
        everything,
        *(PermissionOut(name=p.name, label=p.label, description=p.description) for p in declared),
    ]


ROUTES: list[Any] = [
    list_users,
    create_user,
    get_user,
    update_user,
    set_password,
    list_roles,
    create_role,
    get_role,
    update_role,
    delete_role,
    list_permissions,
]
