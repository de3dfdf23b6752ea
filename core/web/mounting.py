"""Mounting plugin routes under their prefixes, with guards core adds itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import Router
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler

from core.auth.csrf import csrf_guard
from core.auth.principal import handler_permission_guard, staff_guard
from core.plugins.registry import PluginRegistry

API_PREFIX = "/api/v1"
ADMIN_PREFIX = "/admin"
PORTAL_PREFIX = "/portal"

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Any]

# Staff routes: authentication, CSRF for cookie sessions (core.auth.csrf), then permissions.
STAFF_GUARDS: tuple[Guard, ...] = (staff_guard, csrf_guard, handler_permission_guard)


def plugin_enabled_guard(registry: PluginRegistry, name: str) -> Guard:
    """404 for every route of a plugin switched off at runtime (its data is kept)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        await registry.state.refresh_if_stale()
        if not registry.is_active(name):
            raise NotFoundException()

    guard.__name__ = f"plugin_{name}_enabled"
    return guard


def _routers_for(
    registry: PluginRegistry,
    hook_name: str,
    prefix: str,
    auth_guards: Sequence[Guard],
) -> list[Router]:
    routers = []
    internal_handlers: list[Any] = []
    for result in registry.call_each_sync(hook_name):
        manifest = registry.by_name[result.plugin]
        if manifest.internal:
            internal_handlers.extend(result.value)
            continue
        routers.append(
            Router(
                path=f"{prefix}/{manifest.name}",
                route_handlers=list(result.value),
                guards=[plugin_enabled_guard(registry, manifest.name), *auth_guards],
                tags=[manifest.label],
            )
        )
    if internal_handlers:
        routers.insert(
            0, Router(path=prefix, route_handlers=internal_handlers, guards=list(auth_guards))
        )
    return routers


def api_routers(registry: PluginRegistry) -> list[Router]:
    """Routers for ``steward_api_routes``: staff authentication, CSRF, ``opt`` permissions."""
    return _routers_for(registry, "steward_api_routes", API_PREFIX, STAFF_GUARDS)


def admin_routers(registry: PluginRegistry) -> list[Router]:
    """Routers for ``steward_admin_routes``, behind staff authentication and CSRF."""
    return _routers_for(registry, "steward_admin_routes", ADMIN_PREFIX, STAFF_GUARDS)


PORTAL_PRINCIPAL_SCOPE_KEY = "steward_portal_principal"


def portal_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Portal pages need a signed-in constituent (set on the scope by the portal's login).

    Handlers marked ``opt={"public": True}`` (the login page) are let through.
    """
    if handler.opt.get("public"):
        return
    if connection.scope.get(PORTAL_PRINCIPAL_SCOPE_KEY) is None:
        raise NotAuthorizedException("Sign in to the portal first.")


def portal_routers(registry: PluginRegistry) -> list[Router]:
    """Routers for ``steward_portal_routes``, behind the portal sign-in guard."""
    from portal.auth.csrf import portal_csrf_guard

    return _routers_for(
        registry, "steward_portal_routes", PORTAL_PREFIX, [portal_guard, portal_csrf_guard]
    )
