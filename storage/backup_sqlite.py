"""SQLite for backup and restore: a consistent copy out, a verified file back in.

Internal to the backup modules (:mod:`storage.backup`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.backup_database import Snapshot
from storage.backup_files import fsync_dir, place
from storage.backup_results import BackupError

__all__ = ["install_sqlite", "snapshot_sqlite", "sqlite_in_use"]


def snapshot_sqlite(source: Path, target: Path) -> Snapshot:
    """Copy the database at ``source`` to ``target`` as of one moment."""
    if not source.is_file():
        raise BackupError(
            f"There is no database at {source} to back up; check WARTA_DATA_DIR "
            "(or WARTA_DATABASE_URL)."
        )
    try:
        # mode=rw: never create an empty database where the real one was expected.
        origin = sqlite3.connect(source.as_uri() + "?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot open the database {source}: {error}.") from None
    try:
        origin.execute("PRAGMA busy_timeout=30000")
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): the whole copy under one read transaction, so it is
            # one consistent moment; in WAL mode the bot's writers carry on meanwhile.
            origin.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupError(
                    f"The database {source} fails SQLite's integrity check ({check}); "
                    "nothing was backed up."
                )
            revision = _revision(copy)
            referenced, pending = _media(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"Cannot copy the database {source}: {error}.") from None
    finally:
        origin.close()
    return Snapshot(target, revision, referenced, pending)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # never migrated
        return None
    return ",".join(sorted(str(row[0]) for row in rows)) or None


def _media(connection: sqlite3.Connection) -> tuple[frozenset[str], int]:
    try:
        keys = connection.execute(
            "SELECT DISTINCT blob_key FROM media WHERE blob_key IS NOT NULL"
        ).fetchall()
        (pending,) = connection.execute(
            "SELECT count(*) FROM media WHERE blob_key IS NULL"
        ).fetchone()
    except sqlite3.OperationalError:
        return frozenset(), 0
    return frozenset(str(k[0]) for k in keys), int(pending)


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection has the database open (a running bot).

    In WAL mode the last connection to close removes the ``-wal`` file; if it is still
    there after we open and close the database, someone else holds it.
    """
    wal = path.with_name(path.name + "-wal")
    try:
        connection = sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, timeout=5)
        try:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return False  # damaged or not a database: nothing of ours runs on it
    return bool(mode == "wal" and wal.exists())


def install_sqlite(source: Path, target: Path) -> None:
    """Put the verified database file ``source`` in place of ``target``."""
    # A journal left beside the old file would be replayed into the restored one.
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    place(source, target)
    fsync_dir(target.parent)
