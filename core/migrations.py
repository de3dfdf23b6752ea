"""Applying each Piccolo app's committed migrations, in plugin dependency order.

Piccolo's own runner prints to stdout, may prompt, and orders apps only by its registry;
this runner imports each app's ``migrations`` package, applies what has not run (recorded in
Piccolo's ``migration`` table, so the ``piccolo`` CLI agrees) and reports progress.
"""

from __future__ import annotations

import contextlib
import io
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig

from core.plugins.manifest import PluginInfo


class PendingMigrationsError(RuntimeError):
    """The database is behind the code; run ``steward migrate``."""


@dataclass(frozen=True)
class MigrationStep:
    """One migration of one app."""

    app_name: str
    migration_id: str
    module: ModuleType


def app_config_of(manifest: PluginInfo) -> AppConfig | None:
    """The Piccolo ``APP_CONFIG`` of a plugin, if it has one."""
    if not manifest.piccolo_app:
        return None
    config: AppConfig = import_module(manifest.piccolo_app).APP_CONFIG
    return config


def migration_modules(manifest: PluginInfo) -> list[MigrationStep]:
    """Every migration shipped by a plugin, sorted by id."""
    if not manifest.piccolo_app:
        return []
    config = app_config_of(manifest)
    assert config is not None
    package_name = manifest.piccolo_app.rsplit(".", 1)[0] + ".migrations"
    package = import_module(package_name)
    steps = []
    for info in pkgutil.iter_modules(package.__path__):
        module = import_module(f"{package_name}.{info.name}")
        migration_id = getattr(module, "ID", None)
        if migration_id:
            steps.append(MigrationStep(config.app_name, migration_id, module))
    return sorted(steps, key=lambda step: step.migration_id)


async def applied_ids() -> set[tuple[str, str]]:
    """(app, id) of every migration recorded as applied."""
    if not await Migration.table_exists().run():
        return set()
    rows = await Migration.select(Migration.app_name, Migration.name).run()
    return {(row["app_name"], row["name"]) for row in rows}


async def pending_steps(manifests: Sequence[PluginInfo]) -> list[MigrationStep]:
    """Migrations not yet applied, in the order they must run."""
    done = await applied_ids()
    return [
        step
        for manifest in manifests
        for step in migration_modules(manifest)
        if (step.app_name, step.migration_id) not in done
    ]


async def apply_step(step: MigrationStep) -> None:
    """Run one migration (quietly) and record it."""
    manager = await step.module.forwards()
    if isinstance(manager, MigrationManager):
        # Piccolo prints progress to stdout; the CLI shows its own.
        with contextlib.redirect_stdout(io.StringIO()):
            await manager.run()
    await Migration.insert(Migration(name=step.migration_id, app_name=step.app_name)).run()


async def migrate(
    manifests: Sequence[PluginInfo],
    on_step: Callable[[MigrationStep], None] | None = None,
) -> list[MigrationStep]:
    """Apply every pending migration of the given plugins; returns what ran."""
    if not await Migration.table_exists().run():
        await Migration.create_table().run()  # type: ignore[no-untyped-call]
    steps = await pending_steps(manifests)
    for step in steps:
        await apply_step(step)
        if on_step is not None:
            on_step(step)
    return steps


async def ensure_migrated(manifests: Sequence[PluginInfo]) -> None:
    """Refuse to serve a database with pending migrations."""
    steps = await pending_steps(manifests)
    if steps:
        listed = ", ".join(f"{s.app_name}:{s.migration_id}" for s in steps[:5])
        more = f" and {len(steps) - 5} more" if len(steps) > 5 else ""
        raise PendingMigrationsError(
            f"{len(steps)} pending migration(s): {listed}{more}. Run `steward migrate` first."
        )
