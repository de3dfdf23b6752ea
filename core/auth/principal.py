"""Who is calling, as set by the authentication middleware, and the guards that check it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.context import Actor

PRINCIPAL_SCOPE_KEY = "steward_principal"
ALL_PERMISSIONS = "*"


@dataclass(frozen=True)
class Principal:
    """An authenticated staff user, through a session or an API token."""

    user_id: int
    email: str
    display_name: str
    permissions: frozenset[str]
    via: str  # "session" or "token"
    token_id: int | None = None
    session_id: int | None = None
    csrf_token: str | None = None

    def can(self, permission: str) -> bool:
        """True when a role (or the token's scopes) grants ``permission``."""
        return ALL_PERMISSIONS in self.permissions or permission in self.permissions

    @property
    def actor(self) -> Actor:
        """The audit actor for this principal."""
        kind = "token" if self.via == "token" else "user"
        return Actor(kind=kind, id=self.user_id, label=self.email)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal of a request, or None when anonymous."""
    value = connection.scope.get(PRINCIPAL_SCOPE_KEY)
    return value if isinstance(value, Principal) else None


def require_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal of a request; 401 when anonymous."""
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthorizedException("Authentication required.")
    return principal


def staff_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Core adds this to every API and admin route: anonymous callers get 401.

    A handler marked ``opt={"public": True}`` (the login page, say) is let through.
    """
    if handler.opt.get("public"):
        return
    require_principal(connection)


def permission_guard(
    permission: str,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """A guard that allows only principals holding ``permission``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not require_principal(connection).can(permission):
            raise PermissionDeniedException(f"Requires the {permission!r} permission.")

    guard.__name__ = f"requires_{permission.replace('.', '_')}"
    return guard


def handler_permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Checks ``opt={"permission": "..."}`` on a handler, so plugins can declare it inline."""
    permission = handler.opt.get("permission")
    if permission and not require_principal(connection).can(permission):
        raise PermissionDeniedException(f"Requires the {permission!r} permission.")
