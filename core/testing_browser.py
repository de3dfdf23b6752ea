"""Browser-test fixtures: a real server process and Debian's Chromium driven by Playwright.

``live_server`` starts ``steward serve`` on a free loopback port against its own copy of
the migrated test database (SQLite file or PostgreSQL database, as the run selects), with
a staff administrator and a read-only viewer. ``browser_page`` opens a fresh browser
context per test. Chromium is ``/usr/bin/chromium`` (``scripts/ensure-system-packages`` installs
it); Playwright never downloads a browser. Screenshots go to :func:`screenshot_dir`
(``test-output/screenshots/<database>/`` unless ``STEWARD_TEST_OUTPUT`` says otherwise).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.mail.testing import SmtpSink, smtp_sink
from core.pgserver import admin_connect, free_port
from core.testing import BACKEND, TEST_PASSWORD

CHROMIUM = os.environ.get("STEWARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ADMIN_EMAIL = "browser-admin@example.org"
VIEWER_EMAIL = "browser-viewer@example.org"
ROOT = Path(__file__).resolve().parent.parent
# The console script installed beside this interpreter (the project's virtualenv).
STEWARD = str(Path(sys.executable).parent / "steward")


@dataclass(frozen=True)
class LiveServer:
    """A running server: its base URL and the accounts created for the browser tests."""

    url: str
    admin_email: str
    viewer_email: str
    password: str
    env: dict[str, str]

    def steward(self, *args: str) -> str:
        """Run a ``steward`` command against the server's database; returns its output."""
        done = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
            [STEWARD, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"steward {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout


def screenshot_dir() -> Path:
    """Where browser tests save screenshots of the main pages."""
    base = Path(os.environ.get("STEWARD_TEST_OUTPUT", ROOT / "test-output"))
    folder = base / "screenshots" / BACKEND
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Each live server's PostgreSQL database gets its own name: a plugin's module-scoped server
# beside the session's must not drop the session server's database.
_LIVE_DATABASES = itertools.count(1)


def _copy_database(template_database: str, folder: Path) -> tuple[str, str | None]:
    """A private copy of the migrated template; returns its URL and a PG name to drop."""
    if BACKEND != "postgresql":
        target = folder / "live.db"
        shutil.copyfile(template_database, target)
        return f"sqlite:///{target}", None
    server_url, template = template_database.rsplit("/", 1)
    name = f"steward_live_{os.getpid()}_{next(_LIVE_DATABASES)}"

    async def create() -> None:
        connection = await admin_connect(server_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return f"{server_url}/{name}", name


def _drop_database(server_url: str, name: str) -> None:
    async def drop() -> None:
        connection = await admin_connect(server_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on loopback that receives the live server's mail."""
    with smtp_sink() as sink:
        yield sink


@contextmanager
def running_server(
    template_database: str,
    folder: Path,
    mail_sink: SmtpSink,
    extra_env: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """``steward serve`` in a subprocess on 127.0.0.1 over a private copy of the template,
    with an admin and a viewer account; its mail goes by SMTP to ``mail_sink``.

    ``extra_env`` adds settings (e.g. a plugin's ``STEWARD_PLUGIN_SETTINGS__…``). The
    server is stopped and its database removed on exit.
    """
    database_url, pg_name = _copy_database(template_database, folder)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "STEWARD_DATABASE_URL": database_url,
        "STEWARD_PUBLIC_BASE_URL": url,
        "STEWARD_ALLOWED_HOSTS": '["127.0.0.1", "localhost"]',
        "STEWARD_TIME_ZONE": "Europe/Madrid",
        **{f"STEWARD_{k.upper()}": str(v).lower() for k, v in mail_sink.settings().items()},
        **(extra_env or {}),
    }
    server = LiveServer(url, ADMIN_EMAIL, VIEWER_EMAIL, TEST_PASSWORD, env)
    server.steward("init")
    server.steward("user", "create", ADMIN_EMAIL, "--role", "admin", "--password", TEST_PASSWORD)
    server.steward("user", "create", VIEWER_EMAIL, "--role", "viewer", "--password", TEST_PASSWORD)
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
            [STEWARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if pg_name:
            _drop_database(database_url.rsplit("/", 1)[0], pg_name)


@pytest.fixture(scope="session")
def live_server(
    template_database: str, tmp_path_factory: pytest.TempPathFactory, mail_sink: SmtpSink
) -> Iterator[LiveServer]:
    """The shared live server of the browser tests (see :func:`running_server`)."""
    with running_server(template_database, tmp_path_factory.mktemp("live"), mail_sink) as server:
        yield server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's synchronous API holds an event loop in the
    main thread while a browser module runs, which async tests cannot share."""
    browser = [i for i in items if "chromium" in getattr(i, "fixturenames", ())]
    if browser:
        items[:] = [i for i in items if i not in browser] + browser


@pytest.fixture(scope="module")
def chromium(live_server: LiveServer) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (one browser per test module).

    Depends on ``live_server`` so the server (whose set-up runs ``asyncio.run``) starts
    before Playwright's synchronous API takes over this thread's event loop, and stops
    after it.
    """
    del live_server
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-system-packages (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(live_server: LiveServer, chromium: Any) -> Iterator[Any]:
    """A fresh browser context and page (no cookies), English, desktop size."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, server: LiveServer, email: str | None = None) -> None:
    """Sign in through the admin login form and land on the dashboard."""
    page.goto("/admin/login")
    page.get_by_label("Email").fill(email or server.admin_email)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
