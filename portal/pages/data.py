"""Preferences and consent, my household, and my data (export and erasure request)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import MediaType, Request, Response, get, post
from litestar.params import QueryParameter

from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from portal.auth.principal import require_portal_principal
from portal.config import portal_settings
from portal.rendering import render_portal_page
from portal.services import household, mydata, preferences, requests


@get("/preferences", include_in_schema=False)
async def preferences_page(
    request: Request[Any, Any, Any], page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1
) -> Response[str]:
    """The consent centre: per purpose and channel, with the history of changes."""
    principal = require_portal_principal(request)
    groups = await preferences.preference_groups(
        principal.constituent_id, portal_settings().consent_purposes
    )
    log = await preferences.history(principal.constituent_id, page)
    context = {
        "groups": groups,
        "log": log,
        "channel_names": channel_names(),
        "purpose_names": preferences.purpose_labels(),
    }
    return await render_portal_page(request, "portal/preferences.html", context)


def channel_names() -> dict[str, str]:
    """Channel names for the history table (translated)."""
    return {"email": _("Email"), "phone": _("Phone"), "sms": _("Text message"), "mail": _("Post")}


@post("/preferences", include_in_schema=False)
async def preferences_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Record each changed choice in the consent log with the wording shown."""
    principal = require_portal_principal(request)
    form = await request.form()
    ticked = {key for key in form if key.startswith("consent.")}
    changed = await preferences.save_preferences(
        principal.constituent_id, portal_settings().consent_purposes, ticked
    )
    message = _("Your preferences are saved.") if changed else _("Nothing changed.")
    return redirect_with_flash("/portal/preferences", message)


@get("/household", include_in_schema=False)
async def household_page(request: Request[Any, Any, Any]) -> Response[str]:
    """My household: my membership, and what the organisation shares about it."""
    principal = require_portal_principal(request)
    view = await household.household_view(
        principal.constituent_id, portal_settings().household_sharing
    )
    roles = {
        "head": _("Head of household"),
        "partner": _("Partner"),
        "child": _("Child"),
        "member": _("Member"),
    }
    return await render_portal_page(
        request, "portal/household.html", {"household": view, "roles": roles}
    )


@get("/my-data", include_in_schema=False)
async def my_data_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Download my data; ask for it to be erased."""
    principal = require_portal_principal(request)
    pending = await requests.pending_for("erasure", principal.constituent_id)
    return await render_portal_page(
        request, "portal/my_data.html", {"pending": pending, "values": {}, "errors": {}}
    )


def _download(body: str, media_type: str, extension: str) -> Response[str]:
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="my-data-{stamp}.{extension}"',
            "Cache-Control": "no-store",
        },
    )


@get("/my-data/export.json", include_in_schema=False)
async def export_json(request: Request[Any, Any, Any]) -> Response[str]:
    """Everything the organisation holds about me, as JSON."""
    principal = require_portal_principal(request)
    return _download(await mydata.export_json(principal.constituent_id), MediaType.JSON, "json")


@get("/my-data/export.csv", include_in_schema=False)
async def export_csv(request: Request[Any, Any, Any]) -> Response[str]:
    """Everything the organisation holds about me, as CSV."""
    principal = require_portal_principal(request)
    return _download(
        await mydata.export_csv(principal.constituent_id), "text/csv; charset=utf-8", "csv"
    )


@post("/my-data/erasure", include_in_schema=False)
async def erasure_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Ask for my personal data to be erased (staff handle it)."""
    principal = require_portal_principal(request)
    form = await request.form()
    if form.get("confirm") != "yes":
        return await render_portal_page(
            request,
            "portal/my_data.html",
            {
                "pending": None,
                "values": {"reason": str(form.get("reason") or "")},
                "errors": {"confirm": _("Tick the box to confirm your request.")},
            },
            status_code=422,
        )
    await requests.request_erasure(principal.constituent_id, str(form.get("reason") or ""))
    return redirect_with_flash(
        "/portal/my-data", _("Your request is recorded. Our staff will contact you.")
    )


ROUTES = [
    preferences_page,
    preferences_submit,
    household_page,
    my_data_page,
    export_json,
    export_csv,
    erasure_submit,
]
