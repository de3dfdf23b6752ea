"""The jobs API: staff see jobs and their errors, filter and page them, retry dead ones."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx

from core.jobs.execution import run_one
from core.jobs.schedule import schedule_due_periodic
from core.jobs.service import enqueue, utcnow
from tests.core.jobs.conftest import JobsTestPlugin


async def _kill(job_id: int) -> None:
    """Run a failing job through all its attempts (on the queue's own clock)."""
    now = utcnow()
    while True:
        outcome = await run_one("w", now=now)
        assert outcome is not None
        assert outcome.job.id == job_id
        if outcome.outcome == "dead":
            return
        assert outcome.retry_at is not None
        now = outcome.retry_at


async def test_a_dead_job_shows_its_error_and_can_be_retried(
    api: httpx.AsyncClient, plugin: JobsTestPlugin
) -> None:
    job = await enqueue("jobstest.fail", {"batch": 7})
    await _kill(job.id)

    response = await api.get(f"/api/v1/jobs/{job.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "dead"
    assert body["attempts"] == body["max_attempts"] == 3
    assert body["payload"] == {"batch": 7}
    assert "RuntimeError: the printer is on fire" in body["last_error"]
    assert body["finished_at"] is not None

    plugin.failing = False
    response = await api.post(f"/api/v1/jobs/{job.id}/retry")
    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert response.json()["attempts"] == 0
    assert "the printer is on fire" in response.json()["last_error"]  # kept until it runs

    outcome = await run_one("w")
    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert (await api.get(f"/api/v1/jobs/{job.id}")).json()["status"] == "succeeded"
    assert [e.payload["job_id"] for e in plugin.events_named("job.retried")] == [job.id]

    audit = (await api.get("/api/v1/audit", params={"entity_type": "job"})).json()
    assert audit[0]["action"] == "retry"
    assert audit[0]["entity_id"] == str(job.id)
    assert audit[0]["actor_kind"] == "token"
    assert audit[0]["before"]["status"] == "dead"
    assert audit[0]["after"]["status"] == "queued"


async def test_jobs_are_listed_filtered_and_paginated(
    api: httpx.AsyncClient, plugin: JobsTestPlugin
) -> None:
    later = utcnow() + timedelta(hours=1)
    recorded = [(await enqueue("jobstest.record", {"n": n}, run_at=later)).id for n in range(5)]
    failing = (await enqueue("jobstest.fail")).id
    await _kill(failing)

    everything = (await api.get("/api/v1/jobs")).json()
    assert everything["total"] == 6
    assert [item["id"] for item in everything["items"]] == [failing, *reversed(recorded)]
    assert (everything["page"], everything["per_page"]) == (1, 50)

    dead = (await api.get("/api/v1/jobs", params={"status": "dead"})).json()
    assert [item["id"] for item in dead["items"]] == [failing]

    page = (
        await api.get(
            "/api/v1/jobs",
            params={"name": "jobstest.record", "per_page": 2, "page": 2, "sort": "id"},
        )
    ).json()
    assert page["total"] == 5
    assert [item["id"] for item in page["items"]] == recorded[2:4]
    assert (page["page"], page["per_page"]) == (2, 2)


async def test_bad_list_parameters_are_422(api: httpx.AsyncClient) -> None:
    for params in ({"sort": "payload"}, {"status": "exploded"}, {"per_page": 500}):
        response = await api.get("/api/v1/jobs", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_and_unretryable_jobs(api: httpx.AsyncClient, plugin: JobsTestPlugin) -> None:
    assert (await api.get("/api/v1/jobs/999999")).status_code == 404
    assert (await api.post("/api/v1/jobs/999999/retry")).status_code == 404
    job = await enqueue("jobstest.record")
    response = await api.post(f"/api/v1/jobs/{job.id}/retry")
    assert response.status_code == 409
    assert "only failed or dead jobs" in response.json()["detail"]


async def test_the_jobs_api_needs_the_jobs_manage_permission(
    client: httpx.AsyncClient,
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]],
    plugin: JobsTestPlugin,
) -> None:
    job = await enqueue("jobstest.record")
    assert (await client.get("/api/v1/jobs")).status_code == 401
    viewer = await make_api_client(roles=["viewer"])
    assert (await viewer.get("/api/v1/jobs")).status_code == 403
    assert (await viewer.get(f"/api/v1/jobs/{job.id}")).status_code == 403
    assert (await viewer.post(f"/api/v1/jobs/{job.id}/retry")).status_code == 403
    scoped = await make_api_client(roles=["admin"], scopes=["jobs.manage"])
    assert (await scoped.get("/api/v1/jobs")).status_code == 200


async def test_periodic_schedules_are_listed(
    api: httpx.AsyncClient, plugin: JobsTestPlugin
) -> None:
    now = utcnow()
    await schedule_due_periodic(now=now)

    response = await api.get("/api/v1/job-schedules")

    assert response.status_code == 200
    [schedule] = response.json()
    assert schedule["name"] == "jobstest.tick"
    assert schedule["every_seconds"] == 60
    assert schedule["last_enqueued_at"] is None
