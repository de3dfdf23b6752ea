"""Hook implementations of the internal ``portal`` plugin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core import db
from core.hookimpl import hookimpl
from core.plugins.types import ErasureReport, EventType, ExportSection, NavItem

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLUGIN_NAME = "portal"


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """The portal layout, pages and mail (``portal/...``)."""
    return [TEMPLATES]


@hookimpl
def steward_portal_routes() -> Sequence[Any]:
    """The portal's pages, mounted directly under ``/portal``."""
    from portal.routes import portal_router

    return [portal_router()]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """The staff queue of portal requests (``/admin/portal-requests/``)."""
    from portal.admin_pages import ROUTES

    return list(ROUTES)


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """ "Portal requests" for staff who may change constituents."""
    from portal.admin_pages import nav

    return nav()


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Sign-ins and requests from the portal."""
    from portal.services.requests import EVENT_TYPES

    return EVENT_TYPES


_EXPORTS: tuple[tuple[str, str], ...] = (
    (
        "account",
        "SELECT constituent_id, password_hash IS NOT NULL AS has_password, created_at, "
        "last_login_at FROM portal_account WHERE constituent_id = {}",
    ),
    (
        "sign_in_links",
        "SELECT email, created_at, expires_at, used_at, ip FROM portal_magic_link "
        "WHERE constituent_id = {} ORDER BY id",
    ),
    (
        "sessions",
        "SELECT email, created_at, expires_at, revoked_at, user_agent, ip "
        "FROM portal_session WHERE constituent_id = {} ORDER BY id",
    ),
    (
        "change_requests",
        "SELECT id, changes, status, created_at, decided_at, note "
        "FROM portal_change_request WHERE constituent_id = {} ORDER BY id",
    ),
    (
        "erasure_requests",
        "SELECT id, reason, status, created_at, decided_at, note "
        "FROM portal_erasure_request WHERE constituent_id = {} ORDER BY id",
    ),
)
_ERASED: tuple[tuple[str, str], ...] = (
    ("portal_magic_link", "sign_in_links"),
    ("portal_session", "sessions"),
    ("portal_account", "account"),
    ("portal_change_request", "change_requests"),
)


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection | None:
    """Portal account, sign-ins, sessions and requests (never secrets or their hashes)."""
    records: dict[str, list[Mapping[str, Any]]] = {
        name: [dict(row) for row in await db.fetch_all(sql, constituent_id)]
        for name, sql in _EXPORTS
    }
    return ExportSection(plugin=PLUGIN_NAME, records=records, order=90)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport | None:
    """Delete the portal account, links, sessions and change requests; keep erasure requests."""
    erased: dict[str, int] = {}
    for table, name in _ERASED:
        count = await db.fetch_value(
            f"SELECT COUNT(*) AS n FROM {table} WHERE constituent_id = {{}}", constituent_id
        )
        await db.execute(f"DELETE FROM {table} WHERE constituent_id = {{}}", constituent_id)
        erased[name] = int(count or 0)
    await db.execute(
        "UPDATE portal_erasure_request SET reason = '' WHERE constituent_id = {}", constituent_id
    )
    return ErasureReport(
        plugin=PLUGIN_NAME,
        erased=erased,
        retained={
            "erasure_requests": "the request and the staff decision are kept, without its "
            "reason, as proof that the erasure was carried out",
        },
        order=90,
    )
