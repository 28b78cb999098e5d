"""What backup and restore hand back: their reports, their errors, and the small words
their messages are made of.

Callers import these from :mod:`storage.backup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BackupError",
    "BackupReport",
    "BackupUsageError",
    "RestoreReport",
    "kind_label",
    "os_reason",
    "size_label",
]


class BackupError(Exception):
    """A backup or restore problem, phrased for the operator; never holds a secret."""


class BackupUsageError(BackupError):
    """The request cannot work as given (bad destination, wrong kind of database)."""


@dataclass(frozen=True)
class BackupReport:
    archive: Path
    database_kind: str
    alembic_revision: str | None
    media_files: int
    media_bytes: int
    archive_bytes: int
    #: Media rows of the snapshot still waiting for their download (fetched after restore).
    pending_downloads: int
    #: Things the operator should know; the backup itself is complete.
    warnings: tuple[str, ...] = ()
    site_files: int = 0
    site_bytes: int = 0

    def summary(self) -> str:
        return (
            f"backup written: {self.archive} ({kind_label(self.database_kind)} database at "
            f"revision {self.alembic_revision or 'none'}, {self.media_files} media files "
            f"({size_label(self.media_bytes)}), {self.site_files} website files "
            f"({size_label(self.site_bytes)}), archive {size_label(self.archive_bytes)})"
        )


@dataclass(frozen=True)
class RestoreReport:
    archive: Path
    data_dir: Path
    database_kind: str
    alembic_revision: str | None
    created_at: str
    warta_version: str
    media_files: int
    media_bytes: int
    #: True when ``force`` replaced an existing database or site, or added to media.
    replaced: bool
    #: Where the website went; None when the archive holds none (format 1) and the
    #: site folder was left as it was.
    site_dir: Path | None = None
    site_files: int = 0
    site_bytes: int = 0
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        site = (
            f", {self.site_files} website files ({size_label(self.site_bytes)}) into "
            f"{self.site_dir}"
            if self.site_dir is not None
            else ", no website in this archive"
        )
        return (
            f"restored {self.archive} (made {self.created_at}) into {self.data_dir}: "
            f"{kind_label(self.database_kind)} database at revision "
            f"{self.alembic_revision or 'none'}, {self.media_files} media files "
            f"({size_label(self.media_bytes)}){site}; start warta to bring the schema "
            "up to date"
        )


def os_reason(error: OSError) -> str:
    """``permission denied``, ``no space left on device``: the reason, without a path."""
    return (error.strerror or type(error).__name__).lower()


def kind_label(kind: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(kind, kind)


def size_label(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover
