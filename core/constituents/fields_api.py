"""JSON API of tags, custom field definitions and constituents' tags and custom values."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, patch, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from core.constituents import custom_fields, tags
from core.constituents.api_support import Id, Page, PerPage, PreciseJSONRequest
from core.constituents.schemas import (
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPage,
    CustomFieldPatch,
    CustomValueIn,
    TagIn,
    TagOut,
    TagPage,
    TagPatch,
)

READ = {"permission": "constituents.read"}
WRITE = {"permission": "constituents.write"}
DELETE = {"permission": "constituents.delete"}
MANAGE_FIELDS = {"permission": "custom_fields.manage"}
FieldKey = Annotated[str, PathParameter(max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]


# --- tags ---------------------------------------------------------------------------------


@get("/tags", opt=READ)
async def list_tags(
    q: Annotated[str | None, QueryParameter(max_length=60, description="part of a name")] = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> TagPage:
    """Tags by name, with how many constituents carry each."""
    return await tags.list_tags(q, page=page, per_page=per_page)


@post("/tags", opt=WRITE, request_class=PreciseJSONRequest)
async def create_tag(data: JSONBody[TagIn]) -> TagOut:
    """Define a tag."""
    return await tags.create_tag(data)


@patch("/tags/{tag_id:int}", opt=WRITE, request_class=PreciseJSONRequest)
async def update_tag(tag_id: Id, data: JSONBody[TagPatch]) -> TagOut:
    """Rename a tag or change its description."""
    return await tags.update_tag(tag_id, data)


@delete("/tags/{tag_id:int}", opt=DELETE)
async def delete_tag(tag_id: Id) -> None:
    """Delete a tag and take it off every constituent."""
    await tags.delete_tag(tag_id)


@put("/constituents/{constituent_id:int}/tags/{tag_id:int}", opt=WRITE)
async def tag_constituent(constituent_id: Id, tag_id: Id) -> list[TagOut]:
    """Put a tag on a constituent (idempotent); answers with the constituent's tags."""
    return await tags.tag_constituent(constituent_id, tag_id)


@delete("/constituents/{constituent_id:int}/tags/{tag_id:int}", opt=WRITE)
async def untag_constituent(constituent_id: Id, tag_id: Id) -> None:
    """Take a tag off a constituent (idempotent)."""
    await tags.untag_constituent(constituent_id, tag_id)


# --- custom fields ------------------------------------------------------------------------


@get("/custom-fields", opt=READ)
async def list_custom_fields(
    include_inactive: Annotated[bool, QueryParameter()] = True,
    page: Page = 1,
    per_page: PerPage = 50,
) -> CustomFieldPage:
    """Custom field definitions in display order."""
    return await custom_fields.list_custom_fields(
        include_inactive=include_inactive, page=page, per_page=per_page
    )


@post("/custom-fields", opt=MANAGE_FIELDS, request_class=PreciseJSONRequest)
async def define_custom_field(data: JSONBody[CustomFieldIn]) -> CustomFieldOut:
    """Define a custom field; its key and type cannot change later."""
    return await custom_fields.define_custom_field(data)


@patch("/custom-fields/{key:str}", opt=MANAGE_FIELDS, request_class=PreciseJSONRequest)
async def update_custom_field(key: FieldKey, data: JSONBody[CustomFieldPatch]) -> CustomFieldOut:
    """Change a field's label, choices, help, limits, position or active flag."""
    return await custom_fields.update_custom_field(key, data)


@put(
    "/constituents/{constituent_id:int}/custom-fields/{key:str}",
    opt=WRITE,
    request_class=PreciseJSONRequest,
)
async def set_custom_value(
    constituent_id: Id, key: FieldKey, data: JSONBody[CustomValueIn]
) -> dict[str, str | bool]:
    """Set a constituent's value for a field (``null`` clears); answers with all values."""
    return await custom_fields.set_custom_value(constituent_id, key, data.value)


ROUTES: list[Any] = [
    list_tags,
    create_tag,
    update_tag,
    delete_tag,
    tag_constituent,
    untag_constituent,
    list_custom_fields,
    define_custom_field,
    update_custom_field,
    set_custom_value,
]
