"""Which database a backup or restore works on, and what a snapshot of it records.

Internal to the backup modules (:mod:`storage.backup`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from storage.backup_results import BackupUsageError
from storage.db import sqlite_file

if TYPE_CHECKING:
    from storage.backup_settings import BackupSettings

__all__ = ["Database", "Snapshot", "configured_database", "url_query"]


@dataclass(frozen=True)
class Database:
    kind: str  # "sqlite" / "postgresql"
    url: URL
    sqlite_path: Path | None = None

    @property
    def url_string(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def describe(self) -> str:
        """Where the database is, for messages (never with the password)."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        host = self.url.host or url_query(self.url, "host") or "localhost"
        return f"{self.url.database or '(default)'} on {host}:{self.url.port or 5432}"

    def secrets(self) -> list[str]:
        return [self.url.password] if self.url.password else []


@dataclass(frozen=True)
class Snapshot:
    """The database copied at one moment, and what that moment says about the media."""

    file: Path
    revision: str | None
    referenced: frozenset[str]  # blob keys of the snapshot's media rows
    pending: int  # media rows without a blob yet


def configured_database(settings: BackupSettings) -> Database:
    try:
        url = make_url(settings.effective_database_url)
    except ArgumentError:
        raise BackupUsageError(
            "WARTA_DATABASE_URL is not a database URL warta understands."
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = sqlite_file(url)
        if path is None:
            raise BackupUsageError(
                "Backup and restore need an SQLite file, not an in-memory database."
            )
        return Database("sqlite", url, path.expanduser().absolute())
    if backend == "postgresql":
        return Database("postgresql", url)
    raise BackupUsageError(
        f"Backup and restore support SQLite and PostgreSQL, not {backend} (WARTA_DATABASE_URL)."
    )


def url_query(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1] if value else None
    return value
