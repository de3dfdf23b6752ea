"""``steward worker``: run background jobs in their own process."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click

from core.plugins.registry import PluginRegistry


@click.command("worker")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs this process runs at the same time.",
)
@click.option(
    "--poll-interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 300.0),
    help="Seconds between looks for due jobs when idle.",
)
def worker(concurrency: int, poll_interval: float) -> None:
    """Run background jobs until SIGINT or SIGTERM.

    The first signal lets running jobs finish; a second one interrupts them (they are handed
    back to the queue). Several workers may share a PostgreSQL database.
    """
    from core.cli.base import fail, run_async
    from core.jobs import embedded
    from core.migrations import PendingMigrationsError

    embedded.mark_dedicated_worker()
    try:
        run_async(lambda registry: _serve(registry, concurrency, poll_interval))
    except PendingMigrationsError as exc:
        fail(str(exc))


async def _serve(registry: PluginRegistry, concurrency: int, poll_interval: float) -> None:
    from core import db, migrations
    from core.jobs.specs import job_specs
    from core.jobs.worker import new_worker_id, run_worker

    await db.prepare_connection_settings()
    await migrations.ensure_migrated(registry.manifests)
    specs = await job_specs(registry)  # a malformed or duplicate job fails here, at boot
    stop = asyncio.Event()
    worker_id = new_worker_id()
    task = asyncio.create_task(
        run_worker(registry, worker_id, stop, poll_interval, concurrency=concurrency)
    )

    def on_signal() -> None:
        if stop.is_set():
            task.cancel()
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    await registry.call_each("steward_startup", settings=registry.settings)
    click.echo(
        f"worker {worker_id} started: {concurrency} runner(s), {len(specs)} job type(s)",
        err=True,
    )
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await registry.call_each("steward_shutdown", settings=registry.settings)
    click.echo(f"worker {worker_id} stopped", err=True)
