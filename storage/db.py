"""Engines, sessions and schema upgrades.

``create_engine`` knows the two supported back ends: SQLite through aiosqlite (one file,
WAL, foreign keys enforced) and PostgreSQL through asyncpg. ``upgrade_database`` runs the
packaged Alembic migrations; it is what start-up and the ``doctor`` command call, so the
schema is never created any other way.

Alembic's ``env.py`` drives an async engine with ``asyncio.run``; that is why
``upgrade_database`` refuses to run inside an event loop and ``upgrade_database_async``
hands it to a worker thread.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.pool import ConnectionPoolEntry

__all__ = [
    "ALEMBIC_INI",
    "MIGRATIONS_DIR",
    "create_engine",
    "current_revision",
    "current_revision_async",
    "downgrade_database",
    "downgrade_database_async",
    "explain_database_error",
    "head_revision",
    "make_sessions",
    "upgrade_database",
    "upgrade_database_async",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = _PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = _PACKAGE_DIR / "migrations"
# PostgreSQL advisory lock that serialises concurrent schema upgrades (an operator's
# `warta db upgrade` and a starting bot's); any fixed number, here "wart".
MIGRATION_LOCK_KEY = 0x77617274

# Order matters: the busy timeout first, so switching to WAL waits for a lock
# instead of failing at once when another process holds the file.
SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory and ``file:`` URI databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if url.query.get("uri") in ("true", "True", "1"):
        return None
    return Path(database)


def _set_sqlite_pragmas(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``sqlite+aiosqlite:///path`` or ``postgresql+asyncpg://...``.

    For SQLite the parent folder of the file is created and every new connection gets
    WAL, enforced foreign keys, a 5 s busy timeout and ``synchronous=NORMAL``. For
    PostgreSQL connections are pinged before use, so a restarted server is survived.
    Extra keyword arguments go to :func:`sqlalchemy.ext.asyncio.create_async_engine`.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_file(parsed)
        if path is not None:
            path.expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = _create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        return engine
    if backend == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    return _create_async_engine(parsed, **kwargs)


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory the bot uses; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


# --- what went wrong, for the operator ---------------------------------------------


def _where(url: str) -> str:
    """The database named without its password (it must never reach a message)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    port = f":{parsed.port}" if parsed.port else ""
    return f"PostgreSQL database {parsed.database!r} on {parsed.host or 'localhost'}{port}"


def explain_database_error(error: BaseException, url: str) -> str | None:
    """One sentence naming why the database at ``url`` cannot be used, or None when
    ``error`` is not an expected failure (a bug keeps its traceback)."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    where = _where(url)
    if isinstance(error, ModuleNotFoundError) and error.name in ("asyncpg", "psycopg"):
        return (
            "PostgreSQL support is not installed; run: .venv/bin/pip install -e '.[postgres]' "
            "(or pip install asyncpg)"
        )
    if isinstance(error, DBAPIError):
        reason = str(error.orig or error).splitlines()[0]
        # SQLAlchemy prefixes the driver's class: keep only what the server said.
        reason = reason.split(") ", 1)[1] if reason.startswith("(") and ") " in reason else reason
        hint = ""
        if "does not exist" in reason and "database" in reason:
            hint = " (create it with: createdb, or CREATE DATABASE in psql)"
        elif "password" in reason or "role" in reason:
            hint = " (check the user and password in WARTA_DATABASE_URL)"
        elif "unable to open database file" in reason:
            hint = " (check that its folder exists and is writable by this user)"
        return f"cannot use {where}: {reason}{hint}"
    if isinstance(error, sqlite3.Error):
        return f"cannot use {where}: {error}"
    if isinstance(error, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused (is the server running?)"
    if isinstance(error, OSError) and type(error).__name__ == "gaierror":
        return f"cannot connect to {where}: the host name is not known"
    if isinstance(error, TimeoutError):
        return f"cannot connect to {where}: no answer in time"
    if isinstance(error, OSError) and error.strerror:
        return f"cannot use {where}: {error.strerror}"
    return None


# --- migrations -----------------------------------------------------------------------


def _alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Called from code: leave the application's logging alone (env.py only sets up
    # logging from alembic.ini when run by the ``alembic`` command line).
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["database_url"] = url
        # ConfigParser interpolation would read "%" (common in encoded passwords).
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def refuse_in_running_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        f"{name}() blocks and may start its own event loop; await {name}_async() instead"
    )


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (the newest by default)."""
    from alembic import command

    refuse_in_running_loop("upgrade_database")
    command.upgrade(_alembic_config(url), revision)


async def upgrade_database_async(url: str, revision: str = "head") -> None:
    """:func:`upgrade_database` from async code, in a worker thread with its own loop."""
    await asyncio.to_thread(upgrade_database, url, revision)


def downgrade_database(url: str, revision: str = "base") -> None:
    """Take the schema at ``url`` down to ``revision`` (everything dropped by default)."""
    from alembic import command

    refuse_in_running_loop("downgrade_database")
    command.downgrade(_alembic_config(url), revision)


async def downgrade_database_async(url: str, revision: str = "base") -> None:
    await asyncio.to_thread(downgrade_database, url, revision)


def head_revision() -> str:
    """The newest revision shipped with this code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _read_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision_async(url: str) -> str | None:
    """The revision the database at ``url`` is at; None when it was never migrated.

    A SQLite file that does not exist yet is reported as None without creating it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(parsed)
        if path is not None and not path.expanduser().exists():
            return None
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


def current_revision(url: str) -> str | None:
    """Sync :func:`current_revision_async`, for command-line use outside an event loop."""
    refuse_in_running_loop("current_revision")
    return asyncio.run(current_revision_async(url))
