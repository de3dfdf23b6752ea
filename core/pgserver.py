"""A throw-away PostgreSQL server on loopback, for tests and benchmarks.

``initdb`` and ``pg_ctl`` from the Debian packages run into a temporary folder, as the
``postgres`` system user when we are root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import asyncpg

SUPERUSER = "postgres"


class PostgresNotInstalledError(RuntimeError):
    """No PostgreSQL server binaries; ``make test`` installs them (scripts/ensure-postgres)."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb``."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresNotInstalledError(
        "PostgreSQL server binaries not found; run scripts/ensure-postgres (installs postgresql-15)"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """initdb + pg_ctl start/stop in ``base``; ``url`` is a superuser URL without database."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.bin = find_bin_dir()
        self.as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        """postgresql://postgres@127.0.0.1:<port>"""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603

    def start(self) -> None:
        """Create the cluster and start the server; waits until it accepts connections."""
        if self.as_root:
            shutil.chown(self.base, user=SUPERUSER)
            os.chmod(self.base, 0o700)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.base / "server.log"), "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server immediately."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


async def admin_connect(server_url: str) -> asyncpg.Connection:
    """A connection to the ``postgres`` maintenance database of a server URL."""
    return await asyncpg.connect(f"{server_url}/postgres")
