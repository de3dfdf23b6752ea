"""The ``steward`` command line. Each command is thin: it boots, then calls a service."""

from __future__ import annotations

import click

from core.cli.base import StewardGroup
from core.cli.commands import init, migrate, plugins, serve, token, user
from core.demo.cli import demo, demo_login

main = StewardGroup(
    name="steward",
    help="Stewardship CRM: run the server, migrate, manage plugins, users and data.",
)
for command in (init, migrate, serve, plugins, user, token, demo, demo_login):
    main.add_command(command)

__all__ = ["click", "main"]
