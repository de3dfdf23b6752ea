"""The constituents list: search, filters, sort, pages, saved segments, bulk tags, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Stream

from admin.constituents.common import (
    BASE,
    EXPORT,
    READ,
    WRITE,
    Pager,
    can,
    kind_labels,
    options,
    parse_id,
    service_errors,
    stage_labels,
)
from admin.constituents.segment_query import (
    PER_PAGE,
    SORTS,
    ListQuery,
    parse_list_query,
    sort_labels,
)
from admin.forms import FormErrors, form_values
from admin.rendering import registry_of, render_admin_page
from core import audit
from core.constituents import segments
from core.constituents.listing import filter_conditions, list_constituents
from core.constituents.tags import create_tag, list_tags
from core.dataio.exporter import escape_cell
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import unit_of_work
from core.i18n import gettext as _
from core.ui import segment_filters
from core.validation import fold
from core.web.pages import redirect_with_flash

CSV_HEADER = [
    "id",
    "kind",
    "display_name",
    "first_name",
    "last_name",
    "organisation_name",
    "household_name",
    "email",
    "phone",
    "postcode",
    "tags",
]
CSV_COLUMNS = [
    "id",
    "kind",
    "display_name",
    "first_name",
    "last_name",
    "organisation_name",
    "household_name",
    "primary_email",
    "primary_phone",
    "primary_postcode",
    "tags",
]


async def _parse(request: Request[Any, Any, Any], query_string: str) -> ListQuery:
    return parse_list_query(query_string, await segment_filters(registry_of(request)))


async def render_list(
    request: Request[Any, Any, Any],
    query_string: str,
    *,
    bulk: dict[str, Any] | None = None,
    bulk_errors: FormErrors | None = None,
    segment_values: dict[str, Any] | None = None,
    segment_errors: FormErrors | None = None,
) -> Response[str]:
    """The list page for ``query_string``, with the bulk and save-segment forms' state."""
    query = await _parse(request, query_string)
    errors: FormErrors = dict(query.errors)
    page = None
    if not errors:
        try:
            page = await list_constituents(
                **query.service_filters(),
                sort=SORTS[query.sort],
                page=query.page,
                per_page=PER_PAGE,
            )
        except InvalidInputError as exc:
            errors = service_errors(exc, {"lifecycle_stage": "stage"})
    tags = (await list_tags(per_page=200)).items
    qs = query.query_string()
    selected = {str(i) for i in (bulk or {}).get("ids", [])}
    failed = bool(errors or bulk_errors or segment_errors)
    context = {
        "query": query,
        "filter_values": query.values,
        "filter_errors": errors,
        "page": page,
        "pager": Pager.of(query.page, PER_PAGE, page.total) if page else None,
        "base_url": f"{BASE}/?{qs}&" if qs else f"{BASE}/?",
        "list_query": qs,
        "export_url": f"{BASE}/export.csv" + (f"?{qs}" if qs else ""),
        "kinds": options(kind_labels()),
        "stages": options(stage_labels()),
        "sorts": options(sort_labels()),
        "tags": [(str(t.id), t.name) for t in tags],
        "tag_names": [t.name for t in tags],
        "kind_labels": kind_labels(),
        "stage_labels": stage_labels(),
        "segments": await segments.list_segments(),
        "bulk_values": bulk or {},
        "bulk_errors": bulk_errors or {},
        "selected": selected,
        "segment_values": segment_values or {},
        "segment_errors": segment_errors or {},
        "can_write": can(request, "constituents.write"),
        "can_export": can(request, "data.export"),
    }
    return await render_admin_page(
        request, "admin/constituents/list.html", context, status_code=422 if failed else 200
    )


@get("/constituents", include_in_schema=False, opt=READ)
async def constituent_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Constituents matching the filters in the query string, a page at a time."""
    return await render_list(request, request.url.query or "")


def _ids(raw: Any) -> list[int]:
    items = raw if isinstance(raw, list) else ([raw] if raw else [])
    return [i for i in (parse_id(item) for item in items) if i is not None]


async def _tag_for(name: str, *, create: bool) -> int | None:
    wanted = fold(name)
    for tag in (await list_tags(q=None, per_page=200)).items:
        if fold(tag.name) == wanted:
            return tag.id
    if not create:
        return None
    return (await create_tag({"name": name})).id


@post("/constituents/bulk-tag", include_in_schema=False, opt=WRITE)
async def bulk_tag(request: Request[Any, Any, Any]) -> Response[Any]:
    """Add or remove one tag on the ticked constituents; the list is shown again on errors."""
    values = await form_values(request)
    list_query = str(values.get("list_query") or "")
    ids = _ids(values.get("ids"))
    name = str(values.get("bulk_tag") or "")
    action = values.get("action")
    errors: FormErrors = {}
    if not ids:
        errors["ids"] = _("Tick at least one constituent.")
    if not name:
        errors["bulk_tag"] = _("This field is required.")
    elif action not in ("add", "remove"):
        errors["bulk_tag"] = _("Choose one of the options.")
    if not errors:
        try:
            if action == "add":
                async with unit_of_work():
                    tag_id = await _tag_for(name, create=True)
                    assert tag_id is not None
                    added = await segments.bulk_tag(ids, tag_id)
                message = _("Tag “%(tag)s” added to %(n)s constituents.", tag=name, n=added)
            else:
                found = await _tag_for(name, create=False)
                if found is None:
                    errors["bulk_tag"] = _("There is no tag with this name.")
                else:
                    await segments.bulk_untag(ids, found)
                    message = _(
                        "Tag “%(tag)s” removed from %(n)s constituents.", tag=name, n=len(ids)
                    )
        except InvalidInputError as exc:
            errors = service_errors(exc, {"name": "bulk_tag"})
        except (ConflictError, NotFoundError) as exc:
            errors["bulk_tag"] = str(exc)
    if errors:
        return await render_list(
            request, list_query, bulk={**values, "ids": [str(i) for i in ids]}, bulk_errors=errors
        )
    target = f"{BASE}/" + (f"?{list_query}" if list_query else "")
    return redirect_with_flash(target, message)


@post("/constituents/segments", include_in_schema=False, opt=WRITE)
async def save_segment(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save the current filters under a name."""
    values = await form_values(request)
    list_query = str(values.get("list_query") or "")
    parsed = await _parse(request, list_query)
    errors: FormErrors = {}
    if parsed.errors:
        errors["segment_name"] = _("Correct the filters before saving them.")
    else:
        try:
            segment = await segments.save_segment(
                str(values.get("segment_name") or ""), parsed.query_string()
            )
        except InvalidInputError as exc:
            errors = service_errors(exc, {"query": "segment_name", "name": "segment_name"})
        except ConflictError:
            errors["segment_name"] = _("A segment with this name already exists.")
    if errors:
        return await render_list(request, list_query, segment_values=values, segment_errors=errors)
    target = f"{BASE}/" + (f"?{segment.query}" if segment.query else "")
    return redirect_with_flash(target, _("Segment “%(name)s” saved.", name=segment.name))


@post("/constituents/segments/{segment_id:int}/delete", include_in_schema=False, opt=WRITE)
async def delete_segment(
    request: Request[Any, Any, Any], segment_id: FromPath[int]
) -> Response[Any]:
    """Delete a saved segment."""
    segment = await segments.get_segment(segment_id)
    await segments.delete_segment(segment_id)
    return redirect_with_flash(f"{BASE}/", _("Segment “%(name)s” deleted.", name=segment.name))


async def _csv_chunks(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    count = 0
    async for row in rows:
        writer.writerow([escape_cell(row.get(column)) for column in CSV_COLUMNS])
        count += 1
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@get("/constituents/export.csv", include_in_schema=False, opt=EXPORT)
async def export_csv(request: Request[Any, Any, Any]) -> Response[Any]:
    """The whole filtered list (every page) as CSV, streamed."""
    query = await _parse(request, request.url.query or "")
    if query.errors:
        return await render_list(request, request.url.query or "")
    condition = filter_conditions(**query.service_filters())
    async with unit_of_work():
        await audit.record_change(
            "export", "constituent_list", query.query_string() or "all", after=query.values
        )
    return Stream(
        _csv_chunks(segments.segment_rows(condition)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="constituents.csv"'},
    )


ROUTES = [constituent_list, bulk_tag, save_segment, delete_segment, export_csv]
