"""JSON API of the ``membership`` plugin, mounted by core under ``/api/v1/membership``.

This module holds the module info, levels and status rules; memberships are in
:mod:`api_members` and reports in :mod:`api_reports`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, patch, post, put
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel

from core.constituents.api_support import PreciseJSONRequest
from plugins.membership import levels, rules
from plugins.membership.api_support import READ, TAGS, WRITE, Id
from plugins.membership.manifest import PLUGIN
from plugins.membership.models import Level, LevelIn, LevelPatch, StatusRule, StatusRuleIn


class ModuleInfo(BaseModel):
    """What this module is."""

    name: str
    label: str
    version: str
    description: str


@get("/", tags=TAGS)
async def module_info() -> ModuleInfo:
    """Name, label, version and description of this module."""
    return ModuleInfo(
        name=PLUGIN.name, label=PLUGIN.label, version=PLUGIN.version, description=PLUGIN.description
    )


@get("/levels", opt=READ, tags=TAGS)
async def list_levels(
    active: Annotated[bool, QueryParameter(description="only levels on offer")] = False,
) -> list[Level]:
    """Every level in tier order."""
    return await levels.list_levels(active_only=active)


@post("/levels", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_level(data: JSONBody[LevelIn]) -> Level:
    """Create a level (409 when the name is taken)."""
    return await levels.create_level(data)


@get("/levels/{level_id:int}", opt=READ, tags=TAGS)
async def get_level(level_id: Id) -> Level:
    """One level."""
    return await levels.get_level(level_id)


@patch("/levels/{level_id:int}", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def update_level(level_id: Id, data: JSONBody[LevelPatch]) -> Level:
    """Change the fields sent (memberships keep their dates until they renew)."""
    return await levels.update_level(level_id, data)


@delete("/levels/{level_id:int}", opt=WRITE, tags=TAGS)
async def delete_level(level_id: Id) -> None:
    """Delete a level no membership ever used (409 otherwise: make it inactive)."""
    await levels.delete_level(level_id)


@get("/rules", opt=READ, tags=TAGS)
async def list_rules() -> list[StatusRule]:
    """The status rules in evaluation order."""
    return await rules.list_rules()


@put("/rules", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def replace_rules(data: JSONBody[list[StatusRuleIn]]) -> list[StatusRule]:
    """Replace the whole rule set; statuses are recomputed by the next run of the job."""
    return await rules.replace_rules(data)


ROUTES: list[Any] = [
    module_info, list_levels, create_level, get_level, update_level, delete_level,
    list_rules, replace_rules,
]  # fmt: skip
