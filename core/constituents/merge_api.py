"""JSON API of constituent merges: merge, merge history and undo.

Mounted by core under ``/api/v1`` behind the staff guard; the service is
:mod:`core.constituents.merge`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import get, post
from litestar.params import JSONBody
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from core.constituents import merge
from core.constituents.api_support import Id, PreciseJSONRequest
from core.constituents.schemas import MAX_ID
from core.plugins.types import EventType, Permission

MERGE = {"permission": "constituents.merge"}
READ = {"permission": "constituents.read"}


def _whole_number(value: object) -> object:
    # Bodies are decoded exactly (PreciseJSONRequest): refuse 1.0, 1e999, true and "1".
    if type(value) is not int:
        raise ValueError("must be a whole number")
    return value


FieldName = Annotated[str, Field(min_length=1, max_length=80)]


class MergeIn(BaseModel):
    """Which record to fold into the one in the path, and whose value wins per field."""

    model_config = ConfigDict(extra="forbid")

    merged_id: Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=MAX_ID)]
    field_choices: Annotated[
        dict[FieldName, Literal["survivor", "merged"]], Field(max_length=100)
    ] = {}


@post(
    "/constituents/{constituent_id:int}/merge",
    opt=MERGE,
    status_code=200,
    request_class=PreciseJSONRequest,
)
async def merge_constituents(constituent_id: Id, data: JSONBody[MergeIn]) -> merge.MergeResult:
    """Fold ``merged_id`` into this constituent (the survivor); undoable by its merge id."""
    return await merge.merge_constituents(constituent_id, data.merged_id, data.field_choices)


@get("/constituents/{constituent_id:int}/merges", opt=READ)
async def merge_history(constituent_id: Id) -> list[merge.MergeHistoryItem]:
    """Merges into this constituent, newest first, with who, when and whether undone."""
    return await merge.merge_history(constituent_id)


@post("/merges/{merge_id:int}/undo", opt=MERGE, status_code=200)
async def undo_merge(merge_id: Id) -> merge.UndoResult:
    """Undo a merge: the merged record and core's data come back; see plugins_not_reversed."""
    return await merge.undo_merge(merge_id)


ROUTES: list[Any] = [merge_constituents, merge_history, undo_merge]
PERMISSIONS = [
    Permission(
        "constituents.merge",
        "Merge duplicate constituents",
        "Includes undoing merges",
        order=32,
    )
]
EVENT_TYPES = [
    EventType("constituent.merged", "A duplicate constituent was merged into another", order=30),
    EventType("constituent.unmerged", "A constituent merge was undone", order=30),
]
