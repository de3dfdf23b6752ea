"""Managing pages: sources (with "test this source"), listening queries, handles."""

from __future__ import annotations

import typing
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, Field

from admin import render_admin_page, validate_form
from core import db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.social import linking, polling, queries, source_store
from plugins.social.admin_common import BASE, READ, WRITE, health_labels
from plugins.social.sources import source_kind, source_kinds

PREFIX = "s_"


def setting_labels() -> dict[str, str]:
    """Labels of the built-in kinds' settings (other kinds show their field description)."""
    return {
        "url": _("Feed address"),
        "language": _("Language of the posts (two letters, optional)"),
        "instance_url": _("Server address"),
        "mode": _("What to follow"),
        "value": _("Hashtag, account or search words"),
        "access_token": _("Access token (optional)"),
        "service_url": _("AppView address"),
        "secret": _("Shared secret (at least 16 characters)"),
        "platform": _("Platform"),
    }


def mode_labels() -> dict[str, str]:
    """Choices of the ``mode`` settings, translated."""
    return {
        "hashtag": _("Hashtag timeline"),
        "account": _("An account's posts"),
        "search": _("Search"),
        "author": _("An account's posts"),
    }


def setting_fields(kind: str) -> list[dict[str, Any]]:
    """The form fields of a kind's settings: name, label, choices (for Literal types)."""
    model = source_kind(kind).settings_model
    labels = setting_labels()
    fields = []
    for name, info in model.model_fields.items():
        choices = None
        if typing.get_origin(info.annotation) is typing.Literal:
            modes = mode_labels()
            choices = [(c, modes.get(str(c), str(c))) for c in typing.get_args(info.annotation)]
        fields.append(
            {
                "name": PREFIX + name,
                "label": labels.get(name) or info.description or name,
                "choices": choices,
                "required": info.is_required(),
                "secret": name in source_store.SECRET_KEYS,
            }
        )
    return fields


class SourceForm(BaseModel):
    """The source form's common fields."""

    name: str = Field(min_length=1, max_length=200)
    enabled: bool = False
    poll_interval_minutes: int = Field(default=15, ge=1, le=1440)
    require_match: bool = False


def _form_values(form: Any) -> dict[str, Any]:
    return {k: form.get(k) for k in form}


def _settings_from(values: dict[str, Any]) -> dict[str, Any]:
    return {k[len(PREFIX) :]: v for k, v in values.items() if k.startswith(PREFIX) and v != ""}


@get("/sources", include_in_schema=False, opt=READ)
async def source_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Every source with its health; add one of any registered kind."""
    context = {
        "sources": await source_store.list_sources(),
        "kinds": [(k, cls.label()) for k, cls in source_kinds().items()],
        "health_labels": health_labels(),
    }
    return await render_admin_page(request, "social/admin/sources.html", context)


async def _source_page(
    request: Request[Any, Any, Any],
    kind: str,
    values: dict[str, Any],
    errors: dict[str, str],
    source: source_store.SourceOut | None = None,
    preview: polling.Preview | None = None,
) -> Response[str]:
    context = {
        "kind": kind,
        "kind_label": source_kind(kind).label(),
        "fields": setting_fields(kind),
        "values": values,
        "errors": errors,
        "source": source,
        "preview": preview,
        "health_labels": health_labels(),
    }
    status = 422 if errors else 200
    return await render_admin_page(
        request, "social/admin/source_form.html", context, status_code=status
    )


@get("/sources/new", include_in_schema=False, opt=WRITE)
async def new_source(request: Request[Any, Any, Any]) -> Response[str]:
    """The form for a new source of the chosen kind."""
    kind = request.query_params.get("kind", "rss")
    if kind not in source_kinds():
        raise NotFoundError(f"unknown source kind {kind!r}")
    values = {"name": "", "enabled": True, "poll_interval_minutes": 15, "require_match": False}
    return await _source_page(request, kind, values, {})


async def _save(request: Request[Any, Any, Any], kind: str, source_id: int | None) -> Response[Any]:
    form = await request.form()
    values = _form_values(form)
    values["enabled"] = values.get("enabled") == "true"
    values["require_match"] = values.get("require_match") == "true"
    data, errors = validate_form(SourceForm, {k: v for k, v in values.items() if v != ""})
    settings = _settings_from(values)
    if data is not None:
        try:
            if source_id is None:
                created = await source_store.create_source(
                    source_store.SourceIn(
                        kind=kind,
                        name=data.name,
                        settings=settings,
                        enabled=data.enabled,
                        poll_interval_seconds=data.poll_interval_minutes * 60,
                        require_match=data.require_match,
                    )
                )
                source_id = created.id
            else:
                await source_store.update_source(
                    source_id,
                    source_store.SourcePatch(
                        name=data.name,
                        settings=settings,
                        enabled=data.enabled,
                        poll_interval_seconds=data.poll_interval_minutes * 60,
                        require_match=data.require_match,
                    ),
                )
        except InvalidInputError as exc:
            errors = {"__all__": str(exc)}
        else:
            return redirect_with_flash(f"{BASE}/sources/{source_id}", _("Source saved."))
    source = await source_store.get_source(source_id) if source_id else None
    return await _source_page(request, kind, values, errors, source)


@post("/sources/new", include_in_schema=False, opt=WRITE)
async def create_source(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save a new source."""
    kind = request.query_params.get("kind", "rss")
    if kind not in source_kinds():
        raise NotFoundError(f"unknown source kind {kind!r}")
    return await _save(request, kind, None)


@post("/sources/test", include_in_schema=False, opt=WRITE)
async def test_new_source(request: Request[Any, Any, Any]) -> Response[str]:
    """ "Test this source" before saving: fetch one page with the settings typed, store nothing."""
    kind = request.query_params.get("kind", "rss")
    if kind not in source_kinds():
        raise NotFoundError(f"unknown source kind {kind!r}")
    values = _form_values(await request.form())
    values["enabled"] = values.get("enabled") == "true"
    values["require_match"] = values.get("require_match") == "true"
    preview = await polling.preview(kind, _settings_from(values))
    return await _source_page(request, kind, values, {}, None, preview)


def _values_of(source: source_store.SourceOut) -> dict[str, Any]:
    return {
        "name": source.name,
        "enabled": source.enabled,
        "poll_interval_minutes": source.poll_interval_seconds // 60,
        "require_match": source.require_match,
        **{PREFIX + k: v for k, v in source.settings.items()},
    }


@get("/sources/{source_id:int}", include_in_schema=False, opt=READ)
async def edit_source(request: Request[Any, Any, Any], source_id: FromPath[int]) -> Response[str]:
    """A source's settings and health."""
    source = await source_store.get_source(source_id)
    return await _source_page(request, source.kind, _values_of(source), {}, source)


@post("/sources/{source_id:int}", include_in_schema=False, opt=WRITE)
async def update_source(request: Request[Any, Any, Any], source_id: FromPath[int]) -> Response[Any]:
    """Save a source's settings."""
    source = await source_store.get_source(source_id)
    return await _save(request, source.kind, source_id)


@post("/sources/{source_id:int}/test", include_in_schema=False, opt=WRITE)
async def test_source(request: Request[Any, Any, Any], source_id: FromPath[int]) -> Response[str]:
    """ "Test this source": fetch one page now and show it, storing nothing."""
    source = await source_store.get_source(source_id)
    preview = await polling.preview_source(source_id)
    return await _source_page(request, source.kind, _values_of(source), {}, source, preview)


@post("/sources/{source_id:int}/poll", include_in_schema=False, opt=WRITE)
async def poll_source(source_id: FromPath[int]) -> Response[Any]:
    """Poll now and store what is new."""
    outcome = await polling.poll_source(source_id)
    if outcome.ok:
        message = _("Polled: %(new)s new mentions.", new=outcome.new)
        return redirect_with_flash(f"{BASE}/sources/{source_id}", message)
    return redirect_with_flash(
        f"{BASE}/sources/{source_id}", _("The poll failed: %(error)s", error=outcome.error), "error"
    )


@post("/sources/{source_id:int}/delete", include_in_schema=False, opt=WRITE)
async def delete_source(source_id: FromPath[int]) -> Response[Any]:
    """Delete a source and its mentions."""
    await source_store.delete_source(source_id)
    return redirect_with_flash(f"{BASE}/sources", _("Source deleted."))


@get("/queries", include_in_schema=False, opt=READ)
async def query_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Listening queries with their mention counts."""
    context = {"queries": await queries.list_queries()}
    return await render_admin_page(request, "social/admin/queries.html", context)


async def _query_page(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    query_id: int | None,
) -> Response[str]:
    context = {"values": values, "errors": errors, "query_id": query_id}
    status = 422 if errors else 200
    return await render_admin_page(
        request, "social/admin/query_form.html", context, status_code=status
    )


@get("/queries/new", include_in_schema=False, opt=WRITE)
async def new_query(request: Request[Any, Any, Any]) -> Response[str]:
    """The form for a new listening query."""
    return await _query_page(request, {"active": True}, {}, None)


@get("/queries/{query_id:int}", include_in_schema=False, opt=READ)
async def edit_query(request: Request[Any, Any, Any], query_id: FromPath[int]) -> Response[str]:
    """A listening query's terms."""
    query = await queries.get_query(query_id)
    return await _query_page(request, query.model_dump(), {}, query_id)


async def _save_query(request: Request[Any, Any, Any], query_id: int | None) -> Response[Any]:
    form = await request.form()
    values = {k: form.get(k, "") for k in queries.QueryIn.model_fields}
    values["active"] = form.get("active") == "true"
    data, errors = validate_form(queries.QueryIn, values)
    if data is None:
        return await _query_page(request, values, errors, query_id)
    saved = await queries.save_query(data, query_id)
    return redirect_with_flash(f"{BASE}/queries/{saved.id}", _("Query saved."))


@post("/queries/new", include_in_schema=False, opt=WRITE)
async def create_query(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save a new listening query."""
    return await _save_query(request, None)


@post("/queries/{query_id:int}", include_in_schema=False, opt=WRITE)
async def update_query(request: Request[Any, Any, Any], query_id: FromPath[int]) -> Response[Any]:
    """Save a listening query."""
    await queries.get_query(query_id)
    return await _save_query(request, query_id)


@post("/queries/{query_id:int}/delete", include_in_schema=False, opt=WRITE)
async def delete_query(query_id: FromPath[int]) -> Response[Any]:
    """Delete a listening query (its mentions stay)."""
    await queries.delete_query(query_id)
    return redirect_with_flash(f"{BASE}/queries", _("Query deleted."))


@get("/constituents/{constituent_id:int}/handles", include_in_schema=False, opt=READ)
async def handles(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[str]:
    """A constituent's social handles, with a form to add one."""
    return await _handles_page(request, constituent_id, {"platform": "mastodon"}, {})


async def _handles_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response[str]:
    name = await db.fetch_value(
        "SELECT display_name FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
        constituent_id,
    )
    if name is None:
        raise NotFoundError(f"constituent {constituent_id} not found")
    context = {
        "constituent_id": constituent_id,
        "constituent_name": name,
        "handles": await linking.list_handles(constituent_id),
        "platforms": [(p, p.capitalize()) for p in linking.PLATFORMS],
        "values": values,
        "errors": errors,
    }
    status = 422 if errors else 200
    return await render_admin_page(
        request, "social/admin/handles.html", context, status_code=status
    )


@post("/constituents/{constituent_id:int}/handles", include_in_schema=False, opt=WRITE)
async def add_handle(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Record a handle; the unlinked mentions it wrote are linked."""
    form = await request.form()
    values = {k: form.get(k, "") for k in ("platform", "handle", "stable_id")}
    data, errors = validate_form(linking.HandleIn, values)
    if data is not None:
        try:
            await linking.add_handle(constituent_id, data)
        except ConflictError as exc:
            errors = {"handle": str(exc)}
        else:
            return redirect_with_flash(
                f"{BASE}/constituents/{constituent_id}/handles", _("Handle added.")
            )
    return await _handles_page(request, constituent_id, values, errors)


@post("/handles/{handle_id:int}/delete", include_in_schema=False, opt=WRITE)
async def remove_handle(request: Request[Any, Any, Any], handle_id: FromPath[int]) -> Response[Any]:
    """Forget a handle."""
    owner = await db.fetch_value(
        "SELECT constituent_id FROM social_handle WHERE id = {}", handle_id
    )
    await linking.remove_handle(handle_id)
    return redirect_with_flash(f"{BASE}/constituents/{owner}/handles", _("Handle removed."))


ROUTES: list[Any] = [
    source_list, new_source, create_source, test_new_source, edit_source, update_source,
    test_source, poll_source, delete_source, query_list, new_query, edit_query, create_query,
    update_query, delete_query,
    handles, add_handle, remove_handle,
]  # fmt: skip
