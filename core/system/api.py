"""API endpoints for modules (plugins) and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from pydantic import BaseModel

from core import audit
from core.plugins.registry import PluginRegistry
from core.plugins.service import PluginStatus, plugin_statuses, switch_plugin


class PluginOut(BaseModel):
    """A plugin as the API shows it."""

    name: str
    label: str
    version: str
    description: str
    requires: list[str]
    state: str
    internal: bool


def _out(status: PluginStatus) -> PluginOut:
    return PluginOut(
        name=status.name,
        label=status.label,
        version=status.version,
        description=status.description,
        requires=list(status.requires),
        state=status.state,
        internal=status.internal,
    )


def _registry(request: Request[Any, Any, Any]) -> PluginRegistry:
    registry: PluginRegistry = request.app.state["registry"]
    return registry


@get("/plugins", opt={"permission": "plugins.manage"})
async def list_plugins(request: Request[Any, Any, Any]) -> list[PluginOut]:
    """Every installed plugin with its state."""
    return [_out(s) for s in await plugin_statuses(_registry(request))]


@post("/plugins/{name:str}/enable", opt={"permission": "plugins.manage"}, status_code=200)
async def enable_plugin(request: Request[Any, Any, Any], name: FromPath[str]) -> PluginOut:
    """Turn an installed plugin on (no restart)."""
    return _out(await switch_plugin(_registry(request), name, True))


@post("/plugins/{name:str}/disable", opt={"permission": "plugins.manage"}, status_code=200)
async def disable_plugin(request: Request[Any, Any, Any], name: FromPath[str]) -> PluginOut:
    """Turn an installed plugin off (no restart; its data is kept)."""
    return _out(await switch_plugin(_registry(request), name, False))


class AuditEntryOut(BaseModel):
    """One audit log entry."""

    id: int
    occurred_at: Any
    actor_kind: str
    actor_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    constituent_id: int | None
    before: Any
    after: Any
    redacted: bool


@get("/audit", opt={"permission": "audit.read"})
async def list_audit_entries(
    entity_type: FromQuery[str | None] = None,
    entity_id: FromQuery[str | None] = None,
    constituent_id: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> list[AuditEntryOut]:
    """Recent audit entries, newest first, filtered by entity or constituent."""
    rows = await audit.entries_for(
        entity_type=entity_type,
        entity_id=entity_id,
        constituent_id=constituent_id,
        limit=limit,
    )
    return [AuditEntryOut.model_validate(row) for row in rows]
