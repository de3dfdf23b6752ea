"""Shared CLI plumbing: booting, running coroutines, clear errors, plugin commands."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from core.app import boot
from core.context import Actor, acting_as
from core.errors import StewardError
from core.plugins.manifest import ManifestError
from core.plugins.registry import PluginRegistry
from core.settings import SettingsError

T = TypeVar("T")
CLI_ACTOR = Actor(kind="cli", id=None, label="steward command line")


def fail(message: str) -> None:
    """Stop with a message and exit status 1."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def boot_or_exit() -> PluginRegistry:
    """Boot settings and plugins, or stop with a message naming what is wrong."""
    try:
        return boot()
    except (SettingsError, ManifestError) as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers satisfied


def run_async(work: Callable[[PluginRegistry], Awaitable[T]]) -> T:
    """Boot, open the database, run ``work`` as the CLI actor, and close."""
    from core import db

    registry = boot_or_exit()

    async def runner() -> T:
        await db.start_pool()
        try:
            with acting_as(CLI_ACTOR):
                return await work(registry)
        finally:
            await db.close_pool()

    try:
        return asyncio.run(runner())
    except StewardError as exc:
        fail(str(exc))
        raise


class StewardGroup(click.Group):
    """The root group; plugin commands (``steward_cli_commands``) join it lazily.

    They are looked up once per invocation (kept in ``ctx.meta``), so the enabled plugins
    of the settings in force at that moment decide which commands exist.
    """

    hook_name = "steward_cli_commands"

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        key = f"steward.{self.hook_name}"
        cached: dict[str, click.Command] | None = ctx.meta.get(key)
        if cached is not None:
            return cached
        commands: dict[str, click.Command] = {}
        ctx.meta[key] = commands
        try:
            registry = boot()
        except (SettingsError, ManifestError):
            return commands  # core commands still work and report the problem
        for result in registry.call_each_sync(self.hook_name):
            for command in result.value:
                if command.name:
                    commands.setdefault(command.name, command)
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Core commands and every enabled plugin's commands."""
        return sorted({*super().list_commands(ctx), *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A core command, else a plugin command."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        return self._plugin_commands(ctx).get(cmd_name)


def echo_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Print rows as an aligned table."""
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))
