"""The application core: builds the Litestar app from settings and the enabled plugins."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import CacheControlHeader, State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from piccolo.apps.migrations.tables import Migration
from piccolo.table import Table

from core import db, migrations
from core.api.problems import EXCEPTION_HANDLERS
from core.auth.middleware import AuthenticationMiddleware
from core.i18n import package_locale_dir, register_catalogue_packages
from core.plugins.registry import PluginRegistry, load_plugins
from core.settings import Settings, load_settings
from core.system.org_settings import sync_app
from core.web.errors import html_aware
from core.web.hosts import AllowedHostsMiddleware
from core.web.locale import LocaleMiddleware
from core.web.mounting import ADMIN_PREFIX, admin_routers, api_routers, portal_routers
from core.web.security import add_security_headers
from core.web.templates import build_jinja_env
from portal.auth.middleware import PortalAuthenticationMiddleware

logger = logging.getLogger("stewardship")
VERSION = "0.1.0"


def tables_of(registry: PluginRegistry) -> list[type[Table]]:
    """Every Piccolo table of every installed plugin (disabled ones too, for migrations)."""
    tables: list[type[Table]] = [Migration]
    for manifest in registry.installed:
        if manifest.piccolo_app:
            tables.extend(import_module(manifest.piccolo_app).APP_CONFIG.table_classes)
    return tables


def boot(settings: Settings | None = None) -> PluginRegistry:
    """Load settings and plugins and point every table at the configured database."""
    settings = settings or load_settings()
    registry = load_plugins(settings)
    db.configure(settings.database_url, tables_of(registry))
    return registry


def plugin_packages(registry: PluginRegistry) -> list[str]:
    """Packages of the enabled plugins (the folder holding each one's hooks module)."""
    return [m.hooks.rsplit(".", 1)[0] for m in registry.manifests if not m.internal]


def static_directories(registry: PluginRegistry) -> list[Path]:
    """Folders served under ``/static``: admin, portal, then each plugin's ``static/``.

    Each keeps its files in a sub-folder named after itself (``static/donations/...``), so
    the URL ``/static/donations/chart.js`` is unambiguous.
    """
    folders = []
    for package in ["admin", "portal", *plugin_packages(registry)]:
        module = import_module(package)
        if module.__file__:
            folder = Path(module.__file__).resolve().parent / "static"
            if folder.is_dir():
                folders.append(folder)
    return folders


@get("/healthz", opt={"public": True}, include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Liveness and database reachability for load balancers and monitors."""
    await db.fetch_value("SELECT 1 AS ok")
    return {"status": "ok", "database": "ok"}


def create_app(
    settings: Settings | None = None,
    *,
    registry: PluginRegistry | None = None,
    extra_route_handlers: Sequence[Any] = (),
) -> Litestar:
    """Build the web application: API, admin and portal of every enabled plugin."""
    registry = registry or boot(settings)
    settings = registry.settings
    register_catalogue_packages(
        [p for p in plugin_packages(registry) if package_locale_dir(p) is not None]
    )

    admin = admin_routers(registry)
    front_door = "/admin/" if any(r.path == ADMIN_PREFIX for r in admin) else "/schema"

    @get("/", opt={"public": True}, include_in_schema=False, status_code=302)
    async def home() -> Redirect:
        """The front door: core's admin UI when installed, else the API documentation."""
        return Redirect(path=front_door)

    async def on_startup() -> None:
        await db.start_pool()
        await db.prepare_connection_settings()
        if settings.auto_migrate:
            await migrations.migrate(registry.manifests)
        await migrations.ensure_migrated(registry.manifests)
        await registry.call_each("steward_startup", settings=settings)
        sync_app(app)  # organisation settings saved at runtime (core/system/org_settings.py)

    async def on_shutdown() -> None:
        await registry.call_each("steward_shutdown", settings=settings)
        await db.close_pool()

    app = Litestar(
        route_handlers=[
            home,
            healthz,
            *api_routers(registry),
            *admin,
            *portal_routers(registry),
            create_static_files_router(
                path="/static",
                directories=[str(d) for d in static_directories(registry)],
                opt={"public": True},
                include_in_schema=False,
                cache_control=CacheControlHeader(max_age=3600),
            ),
            *extra_route_handlers,
        ],
        middleware=[
            AllowedHostsMiddleware(settings.allowed_hosts),
            LocaleMiddleware(settings.locale),
            AuthenticationMiddleware(),
            PortalAuthenticationMiddleware(),
        ],
        before_send=[add_security_headers],
        exception_handlers=html_aware(EXCEPTION_HANDLERS),
        openapi_config=OpenAPIConfig(
            title="Stewardship API",
            version=VERSION,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        debug=settings.debug,
        state=State(
            {"registry": registry, "settings": settings, "jinja": build_jinja_env(registry)}
        ),
    )
    return app
