"""PostgreSQL for backup and restore: ``pg_dump`` from our own snapshot, ``pg_restore``
in one transaction, and messages that never carry the password.

Internal to the backup modules (:mod:`storage.backup`). The coroutines here are run
with ``asyncio.run`` by the blocking :func:`storage.backup.backup` / ``restore``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from storage.backup_database import Database, Snapshot, url_query
from storage.backup_results import BackupError
from storage.db import create_engine

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["pg_has_tables", "pg_restore", "pg_tool", "snapshot_postgres"]

PG_TIMEOUT_SECONDS = 10

_USER_RELATIONS = """
SELECT count(*) FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp'
"""


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore``, or a BackupError saying how to get it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found; install the PostgreSQL client tools matching your "
            "server (e.g. apt install postgresql-client) and try again."
        )
    return found


def _pg_env(database: Database) -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore: the password never goes on a command
    line (where ``ps`` shows it to every user of the machine)."""
    url = database.url
    env = dict(os.environ)
    host = url.host or url_query(url, "host")
    if host:
        env["PGHOST"] = host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password is not None:
        env["PGPASSWORD"] = url.password
    if url.database:
        env["PGDATABASE"] = url.database
    ssl = url_query(url, "sslmode") or url_query(url, "ssl")
    if ssl:
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl.lower(), ssl)
    env.setdefault("PGCONNECT_TIMEOUT", str(PG_TIMEOUT_SECONDS))
    env["PGAPPNAME"] = "warta-backup"
    return env


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _reason(error: BaseException, secrets: list[str]) -> str:
    """A short, password-free reason from a driver error."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    line = text.splitlines()[0] if text else type(original).__name__
    return _scrub(line, secrets)[:200]


def _tool_failure(stderr: bytes, secrets: list[str]) -> str:
    lines = [s.strip() for s in stderr.decode("utf-8", "replace").splitlines() if s.strip()]
    # pg_* print "pg_dump: error: <what>"; the first error line says the most.
    chosen = next((s for s in lines if "error" in s.lower()), lines[0] if lines else "")
    chosen = re.sub(r"^(pg_dump|pg_restore):\s*(error:\s*)?", "", chosen)
    return _scrub(chosen, secrets)[:300] or "no message"


def _cannot_connect(database: Database, error: BaseException) -> BackupError:
    return BackupError(
        f"Cannot connect to the PostgreSQL database {database.describe()} "
        f"({_reason(error, database.secrets())})."
    )


async def snapshot_postgres(database: Database, pg_dump: str, target: Path) -> Snapshot:
    """``pg_dump --format=custom`` into ``target``, from a snapshot we hold open."""
    engine = create_engine(
        database.url_string,
        poolclass=NullPool,
        connect_args={"timeout": PG_TIMEOUT_SECONDS},
        isolation_level="REPEATABLE READ",
    )
    try:
        try:
            async with engine.connect() as connection:
                # pg_dump imports this transaction's snapshot; the revision and the media
                # rows read here describe exactly the data it dumps.
                snapshot_id = (
                    await connection.exec_driver_sql("SELECT pg_export_snapshot()")
                ).scalar_one()
                revision, referenced, pending = await _facts(connection)
                process = await asyncio.create_subprocess_exec(
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    env=_pg_env(database),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                _, stderr = await process.communicate()
                await connection.rollback()
        except (OSError, SQLAlchemyError, TimeoutError) as error:
            raise _cannot_connect(database, error) from None
    finally:
        await engine.dispose()
    if process.returncode != 0:
        reason = _tool_failure(stderr, database.secrets())
        raise BackupError(f"pg_dump failed for {database.describe()}: {reason}.")
    return Snapshot(target, revision, referenced, pending)


async def _facts(connection: AsyncConnection) -> tuple[str | None, frozenset[str], int]:
    # A failing statement would abort the snapshot's transaction: look before reading.
    has_version = (
        await connection.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL")
    ).scalar_one()
    revision = None
    if has_version:
        rows = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
        revision = ",".join(sorted(str(row[0]) for row in rows)) or None
    has_media = (
        await connection.exec_driver_sql("SELECT to_regclass('media') IS NOT NULL")
    ).scalar_one()
    if not has_media:
        return revision, frozenset(), 0
    keys = (
        await connection.exec_driver_sql(
            "SELECT DISTINCT blob_key FROM media WHERE blob_key IS NOT NULL"
        )
    ).all()
    pending = (
        await connection.exec_driver_sql("SELECT count(*) FROM media WHERE blob_key IS NULL")
    ).scalar_one()
    return revision, frozenset(str(k[0]) for k in keys), int(pending)


async def pg_has_tables(database: Database) -> bool:
    """Whether the database already holds tables (or views, sequences) of anyone's."""
    engine = create_engine(
        database.url_string, poolclass=NullPool, connect_args={"timeout": PG_TIMEOUT_SECONDS}
    )
    try:
        async with engine.connect() as connection:
            count = (await connection.exec_driver_sql(_USER_RELATIONS)).scalar_one()
    except (OSError, SQLAlchemyError, TimeoutError) as error:
        raise _cannot_connect(database, error) from None
    finally:
        await engine.dispose()
    return bool(count)


async def pg_restore(database: Database, pg_restore: str, dump: Path) -> None:
    """Load ``dump`` in one transaction: on failure the database is as it was."""
    name = database.url.database or database.url.username or ""
    # A conninfo string naming only the database (any name, quoted); the rest, password
    # included, comes from the environment.
    dbname = "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
    process = await asyncio.create_subprocess_exec(
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",  # all or nothing (implies --exit-on-error)
        "--no-password",
        f"--dbname={dbname}",
        str(dump),
        env=_pg_env(database),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise BackupError(
            f"pg_restore into {database.describe()} failed, nothing was changed: "
            f"{_tool_failure(stderr, database.secrets())}."
        )
