"""JSON API of the ``volunteers`` plugin, mounted by core under ``/api/v1/volunteers``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plugins.volunteers import checkin, hours, profiles, series, shifts, signups
from plugins.volunteers.common import MAX_ID
from plugins.volunteers.manifest import PLUGIN
from plugins.volunteers.models import (
    Opportunity,
    OpportunityIn,
    Profile,
    ProfileIn,
    SeriesChange,
    SeriesIn,
    Shift,
    ShiftIn,
    ShiftPatch,
    Signup,
)

READ = {"permission": "volunteers.read"}
WRITE = {"permission": "volunteers.write"}
TAGS = ["Volunteers"]
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


class ModuleInfo(BaseModel):
    """What this module is."""

    name: str
    label: str
    version: str
    description: str


class SignupIn(BaseModel):
    """A person to sign up to a shift."""

    model_config = ConfigDict(extra="forbid")
    constituent_id: int = Field(ge=1, le=MAX_ID)


class StatusIn(BaseModel):
    """A sign-up's new status."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["signed_up", "confirmed", "attended", "no_show"]


class CancelIn(BaseModel):
    """Why a shift is cancelled (sent to the people signed up)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class AttendanceIn(BaseModel):
    """A coordinator's correction of arrival and departure."""

    model_config = ConfigDict(extra="forbid")
    checked_in_at: AwareDatetime
    checked_out_at: AwareDatetime | None = None


class DecisionIn(BaseModel):
    """Approve or reject pending hours."""

    model_config = ConfigDict(extra="forbid")
    approve: bool


class SeriesOut(BaseModel):
    """A created schedule and the shifts it generated."""

    series_id: int
    shift_ids: list[int]


class TotalOut(BaseModel):
    """Approved minutes and their value for one group."""

    key: str
    minutes: int
    value_minor: int
    currency: str


class IdOut(BaseModel):
    """The id of a created record."""

    id: int


class CountOut(BaseModel):
    """How many records changed."""

    count: int


@get("/", tags=TAGS)
async def module_info() -> ModuleInfo:
    """Name, label, version and description of this module."""
    return ModuleInfo(
        name=PLUGIN.name, label=PLUGIN.label, version=PLUGIN.version, description=PLUGIN.description
    )


@get("/opportunities", opt=READ, tags=TAGS)
async def list_opportunities() -> list[Opportunity]:
    """Every opportunity by title."""
    return await shifts.list_opportunities()


@post("/opportunities", opt=WRITE, tags=TAGS)
async def create_opportunity(data: JSONBody[OpportunityIn]) -> Opportunity:
    """Create an opportunity."""
    return await shifts.create_opportunity(data)


@get("/opportunities/{opportunity_id:int}", opt=READ, tags=TAGS)
async def get_opportunity(opportunity_id: Id) -> Opportunity:
    """One opportunity."""
    return await shifts.get_opportunity(opportunity_id)


@put("/opportunities/{opportunity_id:int}", opt=WRITE, tags=TAGS)
async def update_opportunity(opportunity_id: Id, data: JSONBody[OpportunityIn]) -> Opportunity:
    """Replace an opportunity."""
    return await shifts.update_opportunity(opportunity_id, data)


@get("/shifts", opt=READ, tags=TAGS)
async def list_shifts(
    start: Annotated[AwareDatetime | None, QueryParameter(description="starting on or after")] = (
        None
    ),
    end: Annotated[AwareDatetime | None, QueryParameter(description="starting before")] = None,
    opportunity_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
) -> list[Shift]:
    """Shifts in a period (at most 500), earliest first."""
    return await shifts.list_shifts(start=start, end=end, opportunity_id=opportunity_id)


@post("/shifts", opt=WRITE, tags=TAGS)
async def create_shift(data: JSONBody[ShiftIn]) -> Shift:
    """Create a one-off shift."""
    return await shifts.create_shift(data)


@get("/shifts/{shift_id:int}", opt=READ, tags=TAGS)
async def get_shift(shift_id: Id) -> Shift:
    """One shift with places taken and waiting."""
    return await shifts.get_shift(shift_id)


@put("/shifts/{shift_id:int}", opt=WRITE, tags=TAGS)
async def update_shift(shift_id: Id, data: JSONBody[ShiftPatch]) -> Shift:
    """Change one shift (it leaves its series)."""
    return await shifts.update_shift(shift_id, data)


@post("/shifts/{shift_id:int}/cancel", opt=WRITE, status_code=200, tags=TAGS)
async def cancel_shift(shift_id: Id, data: JSONBody[CancelIn]) -> Shift:
    """Cancel a shift and email the people signed up."""
    return await shifts.cancel_shift(shift_id, data.reason)


@get("/shifts/{shift_id:int}/signups", opt=READ, tags=TAGS)
async def shift_roster(shift_id: Id) -> list[Signup]:
    """The shift's sign-ups and waitlist."""
    await shifts.get_shift(shift_id)
    return await signups.roster(shift_id)


@post("/shifts/{shift_id:int}/signups", opt=WRITE, tags=TAGS)
async def sign_up(shift_id: Id, data: JSONBody[SignupIn]) -> Signup:
    """Sign a person up (waitlisted when the shift is full)."""
    return await signups.sign_up(shift_id, data.constituent_id, source="staff")


@post("/signups/{signup_id:int}/cancel", opt=WRITE, status_code=200, tags=TAGS)
async def cancel_signup(signup_id: Id) -> Signup:
    """Cancel a sign-up; the first person waiting gets the place."""
    return await signups.cancel_signup(signup_id)


@post("/signups/{signup_id:int}/status", opt=WRITE, status_code=200, tags=TAGS)
async def set_status(signup_id: Id, data: JSONBody[StatusIn]) -> Signup:
    """Mark a sign-up confirmed, attended, no-show or signed up."""
    return await signups.set_status(signup_id, data.status)


@post("/signups/{signup_id:int}/check-in", opt=WRITE, status_code=200, tags=TAGS)
async def check_in(signup_id: Id) -> Signup:
    """Record arrival now."""
    return await checkin.check_in(signup_id)


@post("/signups/{signup_id:int}/check-out", opt=WRITE, status_code=200, tags=TAGS)
async def check_out(signup_id: Id) -> Signup:
    """Record departure now, and the hours."""
    return await checkin.check_out(signup_id)


@put("/signups/{signup_id:int}/attendance", opt=WRITE, tags=TAGS)
async def correct_attendance(signup_id: Id, data: JSONBody[AttendanceIn]) -> Signup:
    """Correct arrival and departure; the hours follow."""
    return await checkin.correct_attendance(signup_id, data.checked_in_at, data.checked_out_at)


@post("/series", opt=WRITE, tags=TAGS)
async def create_series(data: JSONBody[SeriesIn]) -> SeriesOut:
    """Create a weekly or monthly schedule and its shifts."""
    series_id, shift_ids = await series.create_series(data)
    return SeriesOut(series_id=series_id, shift_ids=shift_ids)


@put("/series/{series_id:int}", opt=WRITE, tags=TAGS)
async def change_series(series_id: Id, data: JSONBody[SeriesChange]) -> CountOut:
    """Change the schedule and all its future shifts not edited on their own."""
    return CountOut(count=await series.change_future(series_id, data))


@get("/profiles/{constituent_id:int}", opt=READ, tags=TAGS)
async def get_profile(constituent_id: Id) -> Profile:
    """A constituent's volunteer profile."""
    from core.errors import NotFoundError

    found = await profiles.get_profile(constituent_id)
    if found is None:
        raise NotFoundError(f"constituent {constituent_id} has no volunteer profile")
    return found


@put("/profiles/{constituent_id:int}", opt=WRITE, tags=TAGS)
async def save_profile(constituent_id: Id, data: JSONBody[ProfileIn]) -> Profile:
    """Create or replace a volunteer profile."""
    return await profiles.save_profile(constituent_id, data)


@post("/hours", opt=WRITE, tags=TAGS)
async def record_hours(data: JSONBody[hours.HoursIn]) -> IdOut:
    """Record hours entered by staff (approved at once)."""
    return IdOut(id=await hours.record_hours(data, source="staff"))


@post("/hours/{entry_id:int}/decision", opt=WRITE, status_code=200, tags=TAGS)
async def decide_hours(entry_id: Id, data: JSONBody[DecisionIn]) -> CountOut:
    """Approve or reject pending hours."""
    await hours.decide_hours(entry_id, approve=data.approve, user_id=None)
    return CountOut(count=1)


@get("/hours/totals", opt=READ, tags=TAGS)
async def hour_totals(
    group: Annotated[
        Literal["person", "opportunity", "month", "all"], QueryParameter(description="grouping")
    ] = "month",
    date_from: Annotated[date | None, QueryParameter(description="work date on or after")] = None,
    date_to: Annotated[date | None, QueryParameter(description="work date on or before")] = None,
) -> list[TotalOut]:
    """Approved minutes and their value at the dated hourly rate, grouped."""
    found = await hours.totals(group, start=date_from, end=date_to)
    return [TotalOut(**t.__dict__) for t in found]


ROUTES: list[Any] = [
    module_info, list_opportunities, create_opportunity, get_opportunity, update_opportunity,
    list_shifts, create_shift, get_shift, update_shift, cancel_shift, shift_roster, sign_up,
    cancel_signup, set_status, check_in, check_out, correct_attendance, create_series,
    change_series, get_profile, save_profile, record_hours, decide_hours, hour_totals,
]  # fmt: skip
