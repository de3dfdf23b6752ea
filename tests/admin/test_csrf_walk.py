"""Every unsafe admin route refuses a signed-in browser request that lacks the CSRF token."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute

from core.testing import BrowserSession

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
PARAMETER = re.compile(r"\{([a-z_]+)(?::([a-z]+))?\}")


def concrete_path(template: str) -> str:
    """A path template with every parameter filled in with a plausible value."""
    return PARAMETER.sub(lambda m: "1" if m.group(2) == "int" else "x", template)


def unsafe_admin_routes(app: Litestar) -> list[tuple[str, str]]:
    """``(method, path)`` for every unsafe handler mounted under ``/admin``."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/admin"):
            continue
        for handler in route.route_handlers:
            if handler.opt.get("exclude_from_csrf"):
                continue
            for method in sorted(handler.http_methods & set(UNSAFE)):
                found.append((method, route.path))
    return found


async def test_every_unsafe_admin_route_needs_the_csrf_token(
    app: Litestar, admin_ui: BrowserSession
) -> None:
    routes = unsafe_admin_routes(app)
    assert ("POST", "/admin/logout") in routes
    refused = {}
    for method, template in routes:
        response = await admin_ui.request(method, concrete_path(template), data={"anything": "1"})
        refused[(method, template)] = response.status_code
    assert {key: code for key, code in refused.items() if code != 403} == {}
    # The session still works: nothing above was carried out.
    assert (await admin_ui.get("/admin/")).status_code == 200


async def test_the_same_request_with_the_token_is_accepted(admin_ui: BrowserSession) -> None:
    response = await admin_ui.submit("/admin/logout")
    assert response.status_code == 303
    assert (await admin_ui.get("/admin/")).status_code == 303
