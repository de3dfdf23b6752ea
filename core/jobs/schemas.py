"""Response bodies of the jobs API (hand-written, so the OpenAPI schema is exact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from core.jobs.records import JobRecord, JobStatus, ScheduleRecord


class JobOut(BaseModel):
    """A job as staff see it."""

    id: int
    name: str
    payload: dict[str, Any]
    status: JobStatus
    attempts: int
    max_attempts: int
    run_at: datetime
    locked_by: str | None
    locked_at: datetime | None
    lease_expires_at: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    dedupe_key: str | None

    @classmethod
    def of(cls, job: JobRecord) -> JobOut:
        """From a service record."""
        return cls(**job.__dict__)


class JobPageOut(BaseModel):
    """A page of jobs."""

    items: list[JobOut]
    total: int
    page: int
    per_page: int


class ScheduleOut(BaseModel):
    """When a periodic job next runs."""

    name: str
    every_seconds: int
    next_run_at: datetime
    last_enqueued_at: datetime | None

    @classmethod
    def of(cls, schedule: ScheduleRecord) -> ScheduleOut:
        """From a service record."""
        return cls(**schedule.__dict__)
