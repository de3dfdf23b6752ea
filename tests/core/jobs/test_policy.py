"""Backoff, periodic catch-up and job declaration checks (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.jobs.policy import backoff_seconds, next_period_after
from core.jobs.specs import JobSpecError, check_spec
from core.plugins.types import JobSpec


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    assert backoff_seconds(1, base=5, rand=lambda: 0.0) == 5.0
    assert backoff_seconds(1, base=5, rand=lambda: 1.0) == 10.0
    assert backoff_seconds(3, base=5, rand=lambda: 1.0) == 40.0
    assert backoff_seconds(3, base=5, rand=lambda: 0.5) == 30.0
    assert backoff_seconds(30, base=5, cap=3600, rand=lambda: 1.0) == 3600.0
    assert backoff_seconds(30, base=5, cap=3600, rand=lambda: 0.0) == 1800.0
    for attempts in range(1, 12):
        delay = backoff_seconds(attempts, base=5, cap=3600)
        assert min(3600, 5 * 2**attempts) / 2 <= delay <= min(3600, 5 * 2**attempts)


def test_next_period_skips_missed_periods() -> None:
    due = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    assert next_period_after(due, 60, due) == due + timedelta(seconds=60)
    assert next_period_after(due, 60, due + timedelta(seconds=59)) == due + timedelta(seconds=60)
    assert next_period_after(due, 60, due + timedelta(seconds=60)) == due + timedelta(seconds=120)
    assert next_period_after(due, 60, due + timedelta(minutes=10, seconds=1)) == due + timedelta(
        minutes=11
    )


async def _handler() -> None:
    return None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (JobSpec("NoDots", _handler), "must look like"),
        (JobSpec("bad name.x", _handler), "must look like"),
        (JobSpec("ok.job", _handler, every_seconds=0), "every_seconds"),
        (JobSpec("ok.job", _handler, max_attempts=0), "max_attempts"),
    ],
)
def test_malformed_job_declarations_name_the_plugin(spec: JobSpec, message: str) -> None:
    with pytest.raises(JobSpecError, match=message) as caught:
        check_spec("giftaid", spec)
    assert "giftaid" in str(caught.value)
