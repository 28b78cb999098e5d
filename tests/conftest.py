"""Fixtures shared by every test folder: a database per back end, migrated or empty.

``database_url`` runs each test that uses it twice, as ``[sqlite]`` (a fresh file under
``tmp_path``) and ``[postgresql]`` (``WARTA_TEST_DATABASE_URL``, emptied first by
dropping and recreating the ``public`` schema; skipped when the variable is unset).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

# One real WordPress per test session, shared by the publisher and end-to-end tests.
from wordpress.fixture import wordpress, wordpress_proxy  # noqa: F401

from storage.db import create_engine, make_sessions, upgrade_database_async

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


async def reset_postgres(url: str) -> None:
    """Empty the database: drop and recreate the ``public`` schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        pytest.fail(f"{POSTGRES_URL_ENV} must be a postgresql+asyncpg:// URL")
    # Everything in it is dropped before each test: refuse anything not named as a test DB.
    if "test" not in (parsed.database or ""):
        pytest.fail(
            f"{POSTGRES_URL_ENV} points at database {parsed.database!r}; its name must "
            "contain 'test' because every test drops its public schema"
        )
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
    await reset_postgres(POSTGRES_URL)
    yield POSTGRES_URL


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
