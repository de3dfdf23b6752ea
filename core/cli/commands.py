"""Core commands: init, migrate, serve, plugins, user, token."""

from __future__ import annotations

import click
from rich.progress import Progress

from core import migrations
from core.cli.base import echo_table, fail, run_async
from core.plugins.registry import PluginRegistry


@click.command()
def migrate() -> None:
    """Apply every pending migration of core and the enabled plugins."""

    async def work(registry: PluginRegistry) -> int:
        from core import db

        await db.prepare_connection_settings()
        pending = await migrations.pending_steps(registry.manifests)
        with Progress(transient=True) as progress:
            task = progress.add_task("Migrating", total=len(pending))
            ran = await migrations.migrate(
                registry.manifests, on_step=lambda _: progress.advance(task)
            )
        for step in ran:
            click.echo(f"applied {step.app_name}:{step.migration_id}")
        return len(ran)

    count = run_async(work)
    click.echo(f"{count} migration(s) applied; the database is up to date.")


@click.command()
@click.option("--admin-email", help="Also create an administrator with this email.")
@click.option("--admin-password", help="Password for that administrator.")
def init(admin_email: str | None, admin_password: str | None) -> None:
    """Migrate the database and create the built-in roles (and optionally an admin)."""

    async def work(registry: PluginRegistry) -> None:
        from core import db
        from core.auth import service

        await db.prepare_connection_settings()
        await migrations.migrate(registry.manifests)
        await service.ensure_builtin_roles()
        if admin_email:
            await service.create_user(admin_email, password=admin_password, roles=["admin"])

    run_async(work)
    click.echo("Initialised: database migrated, built-in roles present.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the web application (API, admin and portal)."""
    import uvicorn

    from core.cli.base import boot_or_exit

    registry = boot_or_exit()
    if workers > 1 and registry.settings.is_sqlite:
        fail("Several workers need PostgreSQL; SQLite serves from one process.")
    uvicorn.run(
        "core.asgi:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=False,
        log_level="info",
    )


@click.group()
def plugins() -> None:
    """List installed plugins and turn them on or off without a restart."""


@plugins.command("list")
def plugins_list() -> None:
    """Show every installed plugin with its version and state."""
    from core.plugins.service import plugin_statuses

    async def work(registry: PluginRegistry) -> list[dict[str, str]]:
        return [
            {
                "name": s.name,
                "label": s.label,
                "version": s.version,
                "state": s.state + (" (core)" if s.internal else ""),
                "requires": ", ".join(s.requires),
            }
            for s in await plugin_statuses(registry)
        ]

    echo_table(run_async(work), ["name", "label", "version", "state", "requires"])


def _switch(name: str, enabled: bool) -> None:
    from core.plugins.service import switch_plugin

    async def work(registry: PluginRegistry) -> str:
        status = await switch_plugin(registry, name, enabled)
        return status.state

    click.echo(f"{name}: {run_async(work)}")


@plugins.command("enable")
@click.argument("name")
def plugins_enable(name: str) -> None:
    """Turn an installed plugin on."""
    _switch(name, True)


@plugins.command("disable")
@click.argument("name")
def plugins_disable(name: str) -> None:
    """Turn an installed plugin off (its data is kept)."""
    _switch(name, False)


@click.group()
def user() -> None:
    """Manage staff users."""


@user.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, default=["staff"], show_default=True)
@click.option("--password", help="Prompted for when omitted.")
@click.option("--name", "display_name", help="Display name.")
def user_create(
    email: str, roles: tuple[str, ...], password: str | None, display_name: str | None
) -> None:
    """Create a staff user with one or more roles."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    from core.auth import service

    async def work(_: PluginRegistry) -> int:
        return await service.create_user(
            email, display_name=display_name, password=password, roles=roles
        )

    click.echo(f"created user {run_async(work)} <{email}> with roles {', '.join(roles)}")


@click.group()
def token() -> None:
    """Manage API tokens for integrations."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="integration", show_default=True, help="What the token is for.")
@click.option("--scope", "scopes", multiple=True, help="Permission to allow (repeatable).")
def token_create(email: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create an API token for a user and print it once."""
    from core import db
    from core.auth import service
    from core.errors import NotFoundError
    from core.validation import normalise_email

    async def work(_: PluginRegistry) -> str:
        address = normalise_email(email)
        user_id = await db.fetch_value("SELECT id FROM core_user WHERE email = {}", address)
        if user_id is None:
            raise NotFoundError(f"no user with email {address}")
        created = await service.create_api_token(int(user_id), name, scopes)
        return created.secret

    click.echo(run_async(work))
    click.echo("Store it now: it is shown only once.", err=True)
