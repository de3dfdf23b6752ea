"""Rendering admin pages inside the shared layout (``admin/base.html``).

Plugins render their own admin pages with :func:`render_admin_page`, which supplies what the
layout needs: the signed-in user, the navigation filtered by permission, the CSRF token for
forms, flash messages and the language switch.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from core.auth.principal import Principal, require_principal
from core.plugins.registry import PluginRegistry
from core.plugins.types import NavItem
from core.ui import admin_nav
from core.web.pages import is_htmx, read_flashes, render_html


def registry_of(request: Request[Any, Any, Any]) -> PluginRegistry:
    """The application's plugin registry."""
    registry = request.app.state["registry"]
    assert isinstance(registry, PluginRegistry)
    return registry


def active_nav_href(nav: list[NavItem], path: str) -> str | None:
    """The nav entry the current page belongs to: the longest matching prefix."""
    here = path.rstrip("/") + "/"
    matches = [
        item.href
        for item in nav
        if here == item.href or (item.href != "/admin/" and here.startswith(item.href))
    ]
    return max(matches, key=len) if matches else None


async def layout_context(request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
    """What ``admin/base.html`` needs besides the page's own context."""
    nav = await admin_nav(registry_of(request), principal)
    return {
        "request": request,
        "principal": principal,
        "csrf_token": principal.csrf_token or "",
        "nav": nav,
        "active_nav": active_nav_href(nav, request.url.path),
        "flashes": read_flashes(request),
        "current_path": request.url.path,
        "current_url": str(request.url.path)
        + (f"?{request.url.query}" if request.url.query else ""),
        "htmx": is_htmx(request),
    }


async def render_admin_page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """Render an admin page (or an htmx fragment) with the layout's context filled in."""
    principal = require_principal(request)
    full_context = await layout_context(request, principal)
    full_context.update(context or {})
    return render_html(request, template, full_context, status_code=status_code, headers=headers)
