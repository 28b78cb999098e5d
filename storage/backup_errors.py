"""The errors of :mod:`storage.backup` and the small words its messages are made of.

Internal to the backup modules; callers import the errors from :mod:`storage.backup`.
"""

from __future__ import annotations

__all__ = ["BackupError", "BackupUsageError", "kind_label", "os_reason", "size_label"]


class BackupError(Exception):
    """A backup or restore problem, phrased for the operator; never holds a secret."""


class BackupUsageError(BackupError):
    """The request cannot work as given (bad destination, wrong kind of database)."""


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
