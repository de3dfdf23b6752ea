"""JSON API of constituents, mounted by core under ``/api/v1`` behind the staff guard.

Handlers are thin: parse, call a service, return its model. Contact details are in
:mod:`core.constituents.contacts_api`, tags and custom fields in
:mod:`core.constituents.fields_api`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import delete, get, patch, post
from litestar.params import JSONBody, QueryParameter

from core.constituents import privacy, service
from core.constituents.api_support import Id, Page, PerPage, PreciseJSONRequest
from core.constituents.schemas import (
    MAX_ID,
    ConstituentDetail,
    ConstituentIn,
    ConstituentPage,
    ConstituentPatch,
    ErasureResult,
    PersonalDataExport,
)

READ = {"permission": "constituents.read"}
WRITE = {"permission": "constituents.write"}
DELETE = {"permission": "constituents.delete"}


@get("/constituents", opt=READ)
async def list_constituents(
    kind: Annotated[str | None, QueryParameter(max_length=20)] = None,
    lifecycle_stage: Annotated[str | None, QueryParameter(max_length=30)] = None,
    tag: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="a tag id")] = None,
    deceased: Annotated[bool | None, QueryParameter()] = None,
    q: Annotated[
        str | None, QueryParameter(max_length=200, description="words in names, emails, postcode")
    ] = None,
    created_from: Annotated[
        datetime | None, QueryParameter(description="created at or after (ISO 8601)")
    ] = None,
    created_to: Annotated[
        datetime | None, QueryParameter(description="created before (ISO 8601)")
    ] = None,
    include_deleted: Annotated[bool, QueryParameter()] = False,
    sort: Annotated[
        str,
        QueryParameter(max_length=20, description="sort_name, created_at, updated_at or id; -x"),
    ] = "sort_name",
    page: Page = 1,
    per_page: PerPage = 50,
) -> ConstituentPage:
    """Constituents matching every filter, a page at a time."""
    return await service.list_constituents(
        kind=kind,
        lifecycle_stage=lifecycle_stage,
        tag_id=tag,
        deceased=deceased,
        q=q,
        created_from=created_from,
        created_to=created_to,
        include_deleted=include_deleted,
        sort=sort,
        page=page,
        per_page=per_page,
    )


@post("/constituents", opt=WRITE, request_class=PreciseJSONRequest)
async def create_constituent(data: JSONBody[ConstituentIn]) -> ConstituentDetail:
    """Create a constituent, with contact details, tags and custom values, all or nothing."""
    return await service.create_constituent(data)


@get("/constituents/{constituent_id:int}", opt=READ)
async def get_constituent(
    constituent_id: Id, include_deleted: Annotated[bool, QueryParameter()] = False
) -> ConstituentDetail:
    """One constituent with everything core holds about it."""
    return await service.get_constituent(constituent_id, include_deleted=include_deleted)


@patch("/constituents/{constituent_id:int}", opt=WRITE, request_class=PreciseJSONRequest)
async def update_constituent(
    constituent_id: Id, data: JSONBody[ConstituentPatch]
) -> ConstituentDetail:
    """Change the fields sent; ``null`` clears an optional field."""
    return await service.update_constituent(constituent_id, data)


@delete("/constituents/{constituent_id:int}", opt=DELETE)
async def delete_constituent(constituent_id: Id) -> None:
    """Soft-delete: the constituent disappears from lists and reads but can be restored."""
    await service.soft_delete_constituent(constituent_id)


@post("/constituents/{constituent_id:int}/restore", opt=DELETE, status_code=200)
async def restore_constituent(constituent_id: Id) -> ConstituentDetail:
    """Bring back a soft-deleted constituent."""
    return await service.restore_constituent(constituent_id)


@get("/constituents/{constituent_id:int}/export", opt={"permission": "data.export"})
async def export_personal_data(constituent_id: Id) -> PersonalDataExport:
    """Subject-access export: what every enabled module holds about the constituent."""
    return await privacy.export_personal_data(constituent_id)


@post("/constituents/{constituent_id:int}/erase", opt=DELETE, status_code=200)
async def erase_personal_data(constituent_id: Id) -> ErasureResult:
    """Erase the constituent's personal data in every module; cannot be undone."""
    return await privacy.erase_personal_data(constituent_id)


ROUTES: list[Any] = [
    list_constituents,
    create_constituent,
    get_constituent,
    update_constituent,
    delete_constituent,
    restore_constituent,
    export_personal_data,
    erase_personal_data,
]
