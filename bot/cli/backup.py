"""``warta backup DEST`` and ``warta restore ARCHIVE [--force]``.

Both print one line: the result on stdout (with the counts of media and website files),
or the problem on stderr (English, for the operator); warnings go to stderr before the
result. Exit codes: 0 done, 1 failed (destination not writable, archive missing or
damaged, checksum mismatch, pg_dump missing, database unreachable, data already there),
2 the request or configuration cannot work as given (a destination that is neither a
folder nor a ``.tar.gz`` name, an archive of another database kind, a site folder that
holds the data folder). The work itself (:mod:`storage.backup`) is blocking; it is
called directly, outside any event loop.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.shell.config import ConfigError, Settings
from storage.backup import BackupError, BackupUsageError, backup, restore

__all__ = ["cmd_backup", "cmd_restore"]


def _fail(error: Exception) -> int:
    print(f"warta: {error}", file=sys.stderr)
    return 2 if isinstance(error, BackupUsageError | ConfigError) else 1


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"warta: warning: {warning}", file=sys.stderr)


def cmd_backup(settings: Settings, dest: Path) -> int:
    """Write one archive of the database, the media originals and the website to ``dest``."""
    try:
        report = backup(settings, dest)
    except (BackupError, ConfigError) as error:
        return _fail(error)
    _warn(report.warnings)
    print(report.summary())
    return 0


def cmd_restore(settings: Settings, archive: Path, force: bool) -> int:
    """Restore ``archive`` into the configured data folder, database and site folder."""
    try:
        report = restore(settings, archive, force=force)
    except (BackupError, ConfigError) as error:
        return _fail(error)
    _warn(report.warnings)
    print(report.summary())
    return 0
