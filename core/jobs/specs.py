"""The job handlers that active plugins declare through ``steward_jobs``."""

from __future__ import annotations

import re

from core.plugins.manifest import ManifestError
from core.plugins.registry import PluginRegistry, current_registry
from core.plugins.types import JobSpec

JOB_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_NAME_LENGTH = 100
MAX_ATTEMPTS_LIMIT = 100


class JobSpecError(ManifestError):
    """A plugin declared a malformed or duplicate job."""


def check_spec(plugin: str, spec: JobSpec) -> None:
    """Refuse a job a worker could not store or schedule, naming the plugin."""
    if not isinstance(spec, JobSpec):
        raise JobSpecError(f"plugin {plugin!r}: steward_jobs returned {spec!r}, not a JobSpec")
    if len(spec.name) > MAX_NAME_LENGTH or not JOB_NAME.match(spec.name):
        raise JobSpecError(
            f"plugin {plugin!r}: job name {spec.name!r} must look like '<plugin>.<job>' "
            f"(lower-case, dotted, at most {MAX_NAME_LENGTH} characters)"
        )
    if spec.every_seconds is not None and spec.every_seconds < 1:
        raise JobSpecError(f"plugin {plugin!r}: job {spec.name!r} every_seconds must be >= 1")
    if not 1 <= spec.max_attempts <= MAX_ATTEMPTS_LIMIT:
        raise JobSpecError(
            f"plugin {plugin!r}: job {spec.name!r} max_attempts must be 1..{MAX_ATTEMPTS_LIMIT}"
        )
    if not callable(spec.handler):
        raise JobSpecError(f"plugin {plugin!r}: job {spec.name!r} handler is not callable")


async def job_specs(registry: PluginRegistry | None = None) -> dict[str, JobSpec]:
    """Every job of every active plugin by name; a malformed or duplicate name is an error.

    A plugin switched off at runtime is left out, so its queued jobs wait (they are not
    claimed) until it is switched back on.
    """
    registry = registry or current_registry()
    specs: dict[str, JobSpec] = {}
    owners: dict[str, str] = {}
    for result in await registry.collect_results("steward_jobs"):
        items = result.value if isinstance(result.value, list | tuple) else [result.value]
        for spec in items:
            check_spec(result.plugin, spec)
            if spec.name in specs:
                raise JobSpecError(
                    f"job {spec.name!r} is declared by both {owners[spec.name]!r} "
                    f"and {result.plugin!r}"
                )
            specs[spec.name] = spec
            owners[spec.name] = result.plugin
    return specs
