"""Pytest fixtures for Stewardship and its plugins (``pytest_plugins = ["core.testing"]``).

Every test gets its own freshly migrated database, cloned from a template migrated once per
run: a copied SQLite file, or ``CREATE DATABASE ... TEMPLATE`` on a real PostgreSQL server
started on loopback for the run. ``STEWARD_TEST_DATABASE=postgresql`` selects PostgreSQL;
``STEWARD_TEST_POSTGRES_URL`` points at an existing server instead of starting one.

Fixtures: ``settings``, ``registry``, ``app``, ``client`` (anonymous), ``admin`` (an
administrator with ``user_id`` and ``token``), ``api`` (a client authenticated as that
administrator), ``make_api_client`` (a client for a user with given roles or scopes).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from core import db, migrations
from core.app import boot, create_app, tables_of
from core.auth.passwords import use_fast_hashing_for_tests
from core.context import SYSTEM, acting_as
from core.pgserver import PostgresServer, admin_connect
from core.plugins.registry import PluginRegistry, make_current
from core.settings import Settings

BACKEND = os.environ.get("STEWARD_TEST_DATABASE", "sqlite")
use_fast_hashing_for_tests()
TEST_HOST = "testserver"
_counter = itertools.count()


def pytest_report_header() -> str:
    """Say which database the run uses."""
    return f"stewardship test database: {BACKEND}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip tests marked for the other database."""
    skip_marker = "sqlite_only" if BACKEND == "postgresql" else "postgres_only"
    for item in items:
        if item.get_closest_marker(skip_marker):
            item.add_marker(pytest.mark.skip(reason=f"not for {BACKEND}"))


def base_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: the given database, the test host allowed."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "allowed_hosts": [TEST_HOST, "127.0.0.1", "localhost"],
        "public_base_url": f"http://{TEST_HOST}",
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        # Tests run jobs explicitly; an embedded worker would make SQLite and PostgreSQL
        # runs behave differently. Tests of embedded mode turn it on themselves.
        "jobs_embedded_worker": False,
    }
    values.update(overrides)
    return Settings(**values)


async def _migrate_everything(url: str) -> None:
    # Every installed plugin is enabled and migrated, so each test can choose its plugins.
    registry = boot(base_settings(url, plugins=None))
    await db.start_pool()
    try:
        await db.prepare_connection_settings()
        await migrations.migrate(registry.manifests)
    finally:
        await db.close_pool()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the run; yields an admin URL (no database part)."""
    existing = os.environ.get("STEWARD_TEST_POSTGRES_URL")
    if existing:
        yield existing.rstrip("/")
        return
    # Not under pytest's tmp folder: the server runs as another user and must reach it.
    base = Path(tempfile.mkdtemp(prefix="steward-pg-"))
    server = PostgresServer(base)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def template_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A migrated template: a SQLite file path, or a PostgreSQL database URL."""
    if BACKEND == "postgresql":
        server_url = request.getfixturevalue("postgres_server")
        name = f"steward_template_{os.getpid()}"

        async def create() -> None:
            connection = await admin_connect(server_url)
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                await connection.execute(f'CREATE DATABASE "{name}"')
            finally:
                await connection.close()
            await _migrate_everything(f"{server_url}/{name}")

        asyncio.run(create())
        return f"{server_url}/{name}"
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate_everything(f"sqlite:///{path}"))
    return str(path)


@asynccontextmanager
async def cloned_database(template_database: str, folder: Path, label: str) -> AsyncIterator[str]:
    """A fresh copy of the migrated template, removed afterwards; yields its URL.

    On SQLite a file copy in ``folder``; on PostgreSQL ``CREATE DATABASE ... TEMPLATE``.
    """
    if BACKEND != "postgresql":
        target = folder / f"{label}.db"
        shutil.copyfile(template_database, target)
        yield f"sqlite:///{target}"
        return
    server_url, template = template_database.rsplit("/", 1)
    name = f"steward_{label}_{os.getpid()}_{next(_counter)}"
    connection = await admin_connect(server_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await connection.close()
    try:
        yield f"{server_url}/{name}"
    finally:
        connection = await admin_connect(server_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@pytest.fixture
async def database_url(template_database: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated database for one test."""
    async with cloned_database(template_database, tmp_path, "test") as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Test settings on the test's own database; override by redefining the fixture."""
    return base_settings(database_url)


@dataclass
class _Reusable:
    """A registry (and the app built on it) kept for the next test with the same settings.

    Building the Litestar app registers several hundred route handlers (over a second), so
    tests whose settings differ only in their database share one registry and one app: each
    test still gets its own fresh database, and the plugin-state cache is reset. A test that
    changes the registry's settings or plugins spoils the entry, which is then dropped.
    """

    registry: PluginRegistry
    key: str
    plugins: tuple[str, ...]
    app: Litestar | None = None
    app_plugins: tuple[str, ...] = ()

    def still_clean(self) -> bool:
        """True when the test left settings and plugins as they were."""
        return (
            settings_key(self.registry.settings) == self.key
            and plugin_names(self.registry) == self.plugins
        )


_REUSABLE: dict[str, _Reusable] = {}
_REUSABLE_LIMIT = 6


def settings_key(settings: Settings) -> str:
    """Every setting except the database, as text (what decides whether a registry fits)."""
    return repr(sorted(settings.model_dump(exclude={"database_url"}).items()))


def plugin_names(registry: PluginRegistry) -> tuple[str, ...]:
    """The registry's enabled plugins, in order."""
    return tuple(m.name for m in registry.manifests)


def _reuse(entry: _Reusable, settings: Settings) -> PluginRegistry:
    """Point a kept registry at this test's database."""
    loaded = entry.registry
    loaded.settings.database_url = settings.database_url
    db.configure(settings.database_url, tables_of(loaded))
    make_current(loaded)
    loaded.state.invalidate()
    return loaded


def _keep(loaded: PluginRegistry, key: str) -> _Reusable:
    if len(_REUSABLE) >= _REUSABLE_LIMIT:
        _REUSABLE.pop(next(iter(_REUSABLE)))
    entry = _Reusable(loaded, key, plugin_names(loaded))
    _REUSABLE[key] = entry
    return entry


@pytest.fixture
async def registry(settings: Settings) -> AsyncIterator[PluginRegistry]:
    """Plugins loaded and the database opened (no web app)."""
    key = settings_key(settings)
    entry = _REUSABLE.get(key)
    if entry is not None and entry.still_clean():
        loaded = _reuse(entry, settings)
    else:
        loaded = boot(settings)
        entry = _keep(loaded, key)
    await db.start_pool()
    try:
        with acting_as(SYSTEM):
            yield loaded
    finally:
        await db.close_pool()
        if not entry.still_clean():
            _REUSABLE.pop(key, None)


def _app_for(loaded: PluginRegistry) -> Litestar:
    """The app kept with this registry when its plugins are unchanged, else a new one."""
    entry = next((e for e in _REUSABLE.values() if e.registry is loaded), None)
    names = plugin_names(loaded)
    if entry is not None and entry.app is not None and entry.app_plugins == names:
        return entry.app
    application = create_app(registry=loaded)
    if entry is not None:
        entry.app, entry.app_plugins = application, names
    return application


@pytest.fixture
async def app(registry: PluginRegistry) -> AsyncIterator[Litestar]:
    """The web application with its lifespan running."""
    application = _app_for(registry)
    # Litestar's lifespan() opens an anyio cancel scope that must close in the task that
    # opened it; pytest-asyncio tears fixtures down in another task, so call the hooks here.
    for hook in application.on_startup:
        await _call_lifespan_hook(hook, application)
    try:
        yield application
    finally:
        for hook in reversed(application.on_shutdown):
            await _call_lifespan_hook(hook, application)


async def _call_lifespan_hook(hook: Callable[..., Any], application: Litestar) -> None:
    result = hook(application) if inspect.signature(hook).parameters else hook()
    if inspect.isawaitable(result):
        await result


def client_for(application: Litestar, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """An httpx client calling the app in this event loop."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application),  # type: ignore[arg-type]
        base_url=f"http://{TEST_HOST}",
        headers=headers or {},
    )


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client."""
    async with client_for(app) as anonymous:
        yield anonymous


@dataclass(frozen=True)
class TestUser:
    """A staff user created for a test, with an API token."""

    __test__ = False

    user_id: int
    email: str
    password: str
    token: str


TEST_PASSWORD = "a long test password 123"  # noqa: S105 - test-only credential


async def create_test_user(
    email: str, roles: list[str], scopes: list[str] | None = None
) -> TestUser:
    """A staff user with roles and a token (optionally scoped)."""
    from core.auth import service

    user_id = await service.create_user(email, password=TEST_PASSWORD, roles=roles)
    token = await service.create_api_token(user_id, "tests", scopes or [])
    return TestUser(user_id, email, TEST_PASSWORD, token.secret)


@pytest.fixture
async def admin(app: Litestar) -> TestUser:
    """An administrator (every permission) with an API token."""
    return await create_test_user("admin@example.org", ["admin"])


@pytest.fixture
async def api(app: Litestar, admin: TestUser) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated with the administrator's API token."""
    async with client_for(app, {"Authorization": f"Bearer {admin.token}"}) as authed:
        yield authed


@pytest.fixture
async def make_api_client(
    app: Litestar,
) -> AsyncIterator[Callable[..., Awaitable[httpx.AsyncClient]]]:
    """Factory: ``await make_api_client(roles=["viewer"], scopes=[...])``."""
    clients: list[httpx.AsyncClient] = []

    async def make(
        roles: list[str] | None = None, scopes: list[str] | None = None
    ) -> httpx.AsyncClient:
        user = await create_test_user(f"user{len(clients)}@example.org", roles or ["staff"], scopes)
        made = client_for(app, {"Authorization": f"Bearer {user.token}"})
        clients.append(made)
        return made

    yield make
    for made in clients:
        await made.aclose()


class BrowserSession(httpx.AsyncClient):
    """A client signed in through the admin login form, like a browser with a cookie.

    ``csrf`` is the session's CSRF token; :meth:`submit` posts a form with it, as the
    admin pages do.
    """

    csrf: str = ""

    async def submit(
        self, url: str, data: dict[str, Any] | list[tuple[str, str]] | None = None
    ) -> httpx.Response:
        """POST an HTML form (with the ``_csrf`` field) without following redirects."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        fields: dict[str, list[str]] = {"_csrf": [self.csrf]}
        for key, value in pairs:
            values = value if isinstance(value, list) else [value]
            fields.setdefault(key, []).extend(str(v) for v in values)
        return await self.post(url, data=fields)


async def sign_in_to_admin(application: Litestar, user: TestUser) -> BrowserSession:
    """A :class:`BrowserSession` for ``user``, signed in through ``POST /admin/login``."""
    session = BrowserSession(
        transport=httpx.ASGITransport(app=application),  # type: ignore[arg-type]
        base_url=f"http://{TEST_HOST}",
    )
    response = await session.post(
        "/admin/login", data={"email": user.email, "password": user.password}
    )
    if response.status_code != 303:
        raise AssertionError(f"admin sign-in failed: {response.status_code} {response.text}")
    me = await session.get("/api/v1/auth/me")
    session.csrf = str(me.json()["csrf_token"])
    return session


@pytest.fixture
async def admin_ui(app: Litestar, admin: TestUser) -> AsyncIterator[BrowserSession]:
    """The administrator signed in to the admin UI with a session cookie."""
    session = await sign_in_to_admin(app, admin)
    yield session
    await session.aclose()


@pytest.fixture
async def make_admin_ui(
    app: Litestar,
) -> AsyncIterator[Callable[..., Awaitable[BrowserSession]]]:
    """Factory: ``await make_admin_ui(roles=["viewer"])`` signs in a new staff user."""
    sessions: list[BrowserSession] = []

    async def make(roles: list[str] | None = None) -> BrowserSession:
        user = await create_test_user(f"staff{len(sessions)}@example.org", roles or ["staff"])
        session = await sign_in_to_admin(app, user)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        await session.aclose()
