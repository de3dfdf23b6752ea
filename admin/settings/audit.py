"""The audit log viewer: filters, pages and each entry's before/after."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import QueryParameter

from admin.paging import base_url, pager_of
from admin.rendering import registry_of, render_admin_page
from admin.settings.common import BASE, route
from core.i18n import gettext as _
from core.system.audit_log import AuditFilters, distinct_values, search_audit

AUDIT = f"{BASE}/audit"
Text = Annotated[str, QueryParameter(max_length=200)]


def _date(value: str, name: str, errors: dict[str, str]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None


def shown(value: Any) -> str:
    """A before/after value as text (strings as they are, anything else as JSON)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@get(route(AUDIT), include_in_schema=False, opt={"permission": "audit.read"})
async def audit_page(
    request: Request[Any, Any, Any],
    entity_type: Text = "",
    entity_id: Text = "",
    actor: Text = "",
    action: Text = "",
    since: Annotated[str, QueryParameter(max_length=10)] = "",
    until: Annotated[str, QueryParameter(max_length=10)] = "",
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response[str]:
    """Entries newest first, filtered by entity, actor, action and date range."""
    values = {"entity_type": entity_type, "entity_id": entity_id, "actor": actor,
              "action": action, "since": since, "until": until}  # fmt: skip
    errors: dict[str, str] = {}
    filters = AuditFilters(
        entity_type=entity_type.strip() or None,
        entity_id=entity_id.strip() or None,
        actor=actor.strip() or None,
        action=action.strip() or None,
        since=_date(since, "since", errors),
        until=_date(until, "until", errors),
    )
    found = await search_audit(filters, registry_of(request).settings.zone, page=page)
    context = {
        "values": values,
        "errors": errors,
        "entries": found.items,
        "pager": pager_of(found),
        "base_url": base_url(AUDIT, values),
        "entity_types": [(v, v) for v in await distinct_values("entity_type")],
        "actions": [(v, v) for v in await distinct_values("action")],
        "shown": shown,
    }
    status = 422 if errors else 200
    return await render_admin_page(
        request, "admin/settings/audit.html", context, status_code=status
    )


ROUTES = [audit_page]
