"""Alembic environment: async engine, the models' metadata, batch mode on SQLite.

The URL comes, in this order, from ``config.attributes["database_url"]`` (set by
``storage.db``), ``-x url=...`` on the command line, ``WARTA_DATABASE_URL``, or the
``sqlalchemy.url`` option.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from storage.db import MIGRATION_LOCK_KEY, create_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if not url:
        url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        url = os.environ.get("WARTA_DATABASE_URL")
    if not url:
        url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass -x url=..., or set WARTA_DATABASE_URL")
    return str(url)


# The advisory lock that serialises concurrent schema upgrades.
_LOCK_KEY = MIGRATION_LOCK_KEY


def _is_sqlite(dialect_name: str) -> bool:
    return dialect_name == "sqlite"


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade head --sql``)."""
    url = make_url(_database_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=_is_sqlite(url.get_backend_name()),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_migrations(connection: Connection) -> None:
    sqlite = _is_sqlite(connection.dialect.name)
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename); with foreign keys
        # enforced the drop would cascade into the rows that point at it. The pragma
        # only takes effect outside a transaction, so it comes before anything else.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # `warta db upgrade` may run while the bot (or another upgrade) starts: the
            # second one waits here, then finds the schema already at its revision.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        context.run_migrations()
    if sqlite:
        broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"migration left broken foreign keys: {broken[:10]}")
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


async def run_migrations_online() -> None:
    # NullPool: the migration connection (foreign keys off on SQLite) is never reused.
    engine = create_engine(_database_url(), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
