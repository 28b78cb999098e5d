"""One statement outside a transaction, for the test run's own PostgreSQL databases."""

from __future__ import annotations

from sqlalchemy.pool import NullPool

from storage.db import create_engine


async def run_outside_transaction(url: str, statement: str) -> None:
    """CREATE DATABASE and DROP DATABASE refuse to run inside a transaction."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()
