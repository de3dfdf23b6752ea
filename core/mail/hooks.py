"""Hook implementations of the internal ``mail`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.hookimpl import hookimpl
from core.mail.service import DELIVER_JOB, deliver_job
from core.plugins.types import JobSpec

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """Core's mail templates (``mail/...``)."""
    return [TEMPLATES]


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """``mail.deliver``: one SMTP delivery attempt of an outbox message, retried on failure."""
    return [
        JobSpec(
            DELIVER_JOB,
            deliver_job,
            max_attempts=5,
            description="Deliver one outbox message over SMTP",
        )
    ]
