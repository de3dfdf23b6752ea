"""Typed views of the job tables: statuses, a job record and a schedule record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    DEAD = "dead"


# Statuses a worker may claim once ``run_at`` has passed.
CLAIMABLE = (JobStatus.QUEUED.value, JobStatus.FAILED.value)
# Statuses of a job that has not finished (used to stop a periodic job overlapping itself).
UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value, JobStatus.FAILED.value)
# Statuses staff may send back to the queue.
RETRYABLE = (JobStatus.FAILED.value, JobStatus.DEAD.value)


def as_utc(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from a driver value (datetime or SQLite text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _required_utc(value: Any) -> datetime:
    converted = as_utc(value)
    if converted is None:
        raise ValueError("a required timestamp is missing")
    return converted


@dataclass(frozen=True)
class JobRecord:
    """One row of ``core_job``."""

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
    def from_row(cls, row: dict[str, Any]) -> JobRecord:
        """Build from a ``SELECT *`` (or ``RETURNING *``) row."""
        payload = json.loads(row["payload"]) if row["payload"] else {}
        return cls(
            id=int(row["id"]),
            name=row["name"],
            payload=payload,
            status=JobStatus(row["status"]),
            attempts=int(row["attempts"]),
            max_attempts=int(row["max_attempts"]),
            run_at=_required_utc(row["run_at"]),
            locked_by=row["locked_by"],
            locked_at=as_utc(row["locked_at"]),
            lease_expires_at=as_utc(row["lease_expires_at"]),
            last_error=row["last_error"],
            created_at=_required_utc(row["created_at"]),
            finished_at=as_utc(row["finished_at"]),
            dedupe_key=row["dedupe_key"],
        )


@dataclass(frozen=True)
class ScheduleRecord:
    """One row of ``core_job_schedule``."""

    name: str
    every_seconds: int
    next_run_at: datetime
    last_enqueued_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ScheduleRecord:
        """Build from a ``SELECT *`` row."""
        return cls(
            name=row["name"],
            every_seconds=int(row["every_seconds"]),
            next_run_at=_required_utc(row["next_run_at"]),
            last_enqueued_at=as_utc(row["last_enqueued_at"]),
        )
