"""Tables of the ``core_jobs`` Piccolo app: the job queue and the periodic schedules."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Job(Table, tablename="core_job"):
    """One unit of background work and its whole history.

    ``status`` is ``queued`` (waiting for ``run_at``), ``running`` (a worker holds the lease
    until ``lease_expires_at``), ``succeeded``, ``failed`` (the last attempt failed; it runs
    again at ``run_at``) or ``dead`` (no attempts left, ``last_error`` says why).
    ``locked_by`` and ``locked_at`` name the worker holding, or that last held, the lease.
    ``dedupe_key`` makes enqueueing idempotent: a second enqueue with the same key returns
    the first job.
    """

    id = Serial(primary_key=True)
    name = Varchar(length=100, index=True)
    payload = Text(default="{}")
    status = Varchar(length=12, default="queued", index=True)
    attempts = Integer(default=0)
    max_attempts = Integer(default=5)
    run_at = Timestamptz(index=True)
    locked_by = Varchar(length=100, null=True, default=None)
    locked_at = Timestamptz(null=True, default=None)
    lease_expires_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)


class JobSchedule(Table, tablename="core_job_schedule"):
    """When a periodic job (a ``JobSpec`` with ``every_seconds``) is next due.

    Workers advance ``next_run_at`` with a compare-and-set, so each period is enqueued once
    however many workers race for it.
    """

    name = Varchar(length=100, primary_key=True)
    every_seconds = Integer()
    next_run_at = Timestamptz()
    last_enqueued_at = Timestamptz(null=True, default=None)
