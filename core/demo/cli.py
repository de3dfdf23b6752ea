"""``steward demo`` and ``steward demo-login``."""

from __future__ import annotations

import click
from rich.progress import Progress

from core.cli.base import run_async
from core.plugins.registry import PluginRegistry


@click.command()
@click.option("--size", default=120, show_default=True, type=click.IntRange(1, 100_000),
              help="How many individuals to create.")  # fmt: skip
@click.option("--seed", default=2026, show_default=True, help="Same seed, same organisation.")
@click.option("--if-empty", is_flag=True, help="Do nothing when constituents already exist.")
def demo(size: int, seed: int, if_empty: bool) -> None:
    """Load a believable demo organisation (English and Spanish names, several years)."""
    from core.demo.service import build_demo, ensure_demo_admin, is_empty

    async def work(registry: PluginRegistry) -> str:
        if if_empty and not await is_empty():
            return "Demo data already present; nothing to do."
        await ensure_demo_admin()
        with Progress() as bar:
            task = bar.add_task("Creating demo constituents", total=size)
            summary = await build_demo(
                registry,
                seed=seed,
                size=size,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
        return (
            f"Created {summary.individuals} people, {summary.organisations} organisations, "
            f"{summary.households} households and {summary.interactions} interactions."
        )

    click.echo(run_async(work))


@click.command("demo-login")
def demo_login() -> None:
    """Create or reset the demo administrator and print how to sign in."""
    from core.demo.service import ensure_demo_admin

    async def work(registry: PluginRegistry) -> tuple[str, str, str]:
        email, password = await ensure_demo_admin()
        return email, password, registry.settings.public_base_url

    email, password, url = run_async(work)
    click.echo("")
    click.secho(f"  Stewardship is starting on {url}", bold=True)
    click.echo(f"  Admin UI:    {url}/admin/")
    click.echo(f"  Staff login: {email}")
    click.echo(f"  Password:    {password}   (new each time `make run` starts)")
    click.echo(f"  API docs:    {url}/schema")
    click.echo("")
