"""JSON API for background jobs: list, inspect and retry (permission ``jobs.manage``)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import FromPath, QueryParameter

from core.jobs import service
from core.jobs.records import JobStatus
from core.jobs.schemas import JobOut, JobPageOut, ScheduleOut

PERMISSION = {"permission": "jobs.manage"}


@get("/jobs", opt=PERMISSION)
async def list_jobs(
    status: Annotated[JobStatus | None, QueryParameter(description="Only this status.")] = None,
    name: Annotated[str | None, QueryParameter(max_length=100)] = None,
    page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    sort: Annotated[str, QueryParameter(max_length=20, description="field or -field")] = "-id",
) -> JobPageOut:
    """Jobs, newest first by default, filtered by status and name."""
    result = await service.list_jobs(
        status=status, name=name, page=page, per_page=per_page, sort=sort
    )
    return JobPageOut(
        items=[JobOut.of(job) for job in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
    )


@get("/jobs/{job_id:int}", opt=PERMISSION)
async def get_job(job_id: FromPath[int]) -> JobOut:
    """One job with its payload, attempts and last error."""
    return JobOut.of(await service.get_job(job_id))


@post("/jobs/{job_id:int}/retry", opt=PERMISSION, status_code=200)
async def retry_job(job_id: FromPath[int]) -> JobOut:
    """Send a failed or dead job back to the queue with fresh attempts."""
    return JobOut.of(await service.retry_job(job_id))


@get("/job-schedules", opt=PERMISSION)
async def list_schedules() -> list[ScheduleOut]:
    """Every periodic job and when it next runs."""
    return [ScheduleOut.of(s) for s in await service.list_schedules()]


ROUTES = [list_jobs, get_job, retry_job, list_schedules]
