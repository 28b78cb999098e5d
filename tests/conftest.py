"""Fixtures shared by every test folder: a database per back end, migrated or empty.

``database_url`` runs each test that uses it twice, as ``[sqlite]`` (a fresh file under
``tmp_path``) and ``[postgresql]`` (skipped when ``WARTA_TEST_DATABASE_URL`` is unset).

``WARTA_TEST_DATABASE_URL`` names a PostgreSQL server and a database to connect to; the
suite never writes into that database. Each run creates its own database on the server
(``warta_test_<pid>_<random>``), empties it before each test by recreating its ``public``
schema, and drops it when the run ends, so two runs on one server never collide.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from storage.db import create_engine, make_sessions, upgrade_database_async
from tests.pg_admin import run_outside_transaction

# One real WordPress per test session, shared by the publisher and end-to-end tests.
from tests.wordpress.fixture import wordpress, wordpress_proxy  # noqa: F401

POSTGRES_URL_ENV = "WARTA_TEST_DATABASE_URL"
POSTGRES_URL = os.environ.get(POSTGRES_URL_ENV, "").strip()

DATABASE_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL,
            reason=f"{POSTGRES_URL_ENV} is not set "
            "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)",
        ),
    ),
]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# The database of this run, made by pytest_sessionstart (empty without PostgreSQL).
RUN_DATABASE_URL = ""


def _xdist_controller(config: pytest.Config) -> bool:
    """With pytest-xdist (``-n``) the controlling process only hands out tests: its
    workers each create their own database, so it needs none."""
    return config.pluginmanager.has_plugin("dsession")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Create this run's own PostgreSQL database on the configured server."""
    global RUN_DATABASE_URL
    if not POSTGRES_URL or _xdist_controller(session.config):
        return
    server = make_url(POSTGRES_URL)
    if server.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"{POSTGRES_URL_ENV} must be a postgresql+asyncpg:// URL")
    name = f"warta_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(run_outside_transaction(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
    RUN_DATABASE_URL = server.set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's database, even when a test left a connection open."""
    if not RUN_DATABASE_URL:
        return
    name = make_url(RUN_DATABASE_URL).database
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(run_outside_transaction(POSTGRES_URL, drop))


async def reset_postgres(url: str) -> None:
    """Empty this run's database: drop and recreate its ``public`` schema."""
    if not (make_url(url).database or "").startswith("warta_test_"):
        pytest.fail("reset_postgres only empties the database this run created")
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            # A session a previous test left open would otherwise hang us until the timeout.
            await connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            await connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        await engine.dispose()


@pytest.fixture(params=DATABASE_PARAMS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty database, once per back end."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "db" / "warta.sqlite3")
        return
    await reset_postgres(RUN_DATABASE_URL)
    yield RUN_DATABASE_URL


@pytest.fixture
async def migrated_database_url(database_url: str) -> str:
    """URL of a database upgraded to the newest migration."""
    await upgrade_database_async(database_url)
    return database_url


@pytest.fixture
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, disposed after the test."""
    engine = create_engine(migrated_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory the bot would use, over the migrated database."""
    return make_sessions(engine)
