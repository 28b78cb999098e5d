"""Writing a backup archive: its layout, the manifest, the tar stream, its final name.

Internal to the backup modules (:mod:`storage.backup`, whose docstring describes the
layout); :mod:`storage.backup_extract` reads what is written here.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from storage.backup_database import Snapshot
from storage.backup_files import fsync_dir
from storage.backup_results import BackupError, BackupUsageError, os_reason

__all__ = [
    "DATABASE_MEMBERS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "NOT_INCLUDED",
    "Entry",
    "archive_path",
    "build_manifest",
    "publish",
    "write_archive",
]

FORMAT_NAME = "warta-backup"
#: Bumped when the layout changes; restore refuses archives of a newer format.
#: 1: database and media. 2: also the website folder (``site/...``).
FORMAT_VERSION = 2
MANIFEST_NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/warta.sqlite3", "postgresql": "database/warta.pgdump"}
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
# Media are mostly JPEG/MP4 (incompressible); the database compresses well at any level.
COMPRESS_LEVEL = 6

NOT_INCLUDED = {
    ".env": "secrets (bot token, passwords): back it up separately, somewhere safe",
    "renditions/": "cache of cleaned public images, remade from the originals on demand",
    "media/tmp/": "partial downloads; files still downloading are fetched again after restore",
    "site links and unfinished files": (
        "symbolic links in the site folder, and pages the site writer had not finished "
        "(.<name>.part); everything else in the site folder is in site/"
    ),
}


@dataclass(frozen=True)
class Entry:
    """One file of the archive: its name there, where it is read from, what it holds."""

    member: str
    source: Path
    size: int
    sha256: str


def archive_path(dest: Path, local_now: datetime) -> tuple[Path, bool]:
    """The archive's final path, and whether another free name may be picked."""
    if dest.is_dir():
        return dest / f"warta-backup-{local_now:%Y%m%d-%H%M}.tar.gz", True
    if dest.exists():
        raise BackupUsageError(
            f"{dest} already exists; give a new file name, or a folder to make a dated one in."
        )
    if not dest.name.endswith(ARCHIVE_SUFFIXES):
        raise BackupUsageError(
            f"{dest} is not a folder; give an existing folder, or a file name ending in .tar.gz."
        )
    if not dest.parent.is_dir():
        raise BackupError(
            f"Cannot write the backup to {dest}: the folder {dest.parent} does not exist."
        )
    return dest, False


def publish(partial: Path, final: Path, unique: bool) -> Path:
    """Give the complete archive its final name without ever replacing a file."""
    stem = final.name.removesuffix(".tar.gz")
    candidate, number = final, 1
    while True:
        try:
            os.link(partial, candidate)  # atomic, and fails if the name is taken
        except FileExistsError:
            if not unique:
                raise BackupUsageError(
                    f"{final} already exists; give a new file name, or a folder."
                ) from None
            number += 1
            candidate = final.with_name(f"{stem}-{number}.tar.gz")
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            # A filesystem without hard links (a FAT USB stick): check, then rename.
            if candidate.exists():
                if not unique:
                    raise BackupUsageError(
                        f"{final} already exists; give a new file name."
                    ) from None
                number += 1
                candidate = final.with_name(f"{stem}-{number}.tar.gz")
                continue
            os.rename(partial, candidate)
        fsync_dir(candidate.parent)
        return candidate


def build_manifest(
    kind: str,
    snapshot: Snapshot,
    entries: list[Entry],
    missing: list[str],
    site_skipped: list[str],
    now: datetime,
) -> bytes:
    """``manifest.json``: what the archive is, and the size and SHA-256 of every file."""
    media = [e for e in entries if e.member.startswith("media/")]
    site = [e for e in entries if e.member.startswith("site/")]
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "warta_version": _warta_version(),
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": {
            "kind": kind,
            "file": DATABASE_MEMBERS[kind],
            "alembic_revision": snapshot.revision,
        },
        "media": {
            "files": len(media),
            "bytes": sum(e.size for e in media),
            "pending_downloads": snapshot.pending,
            "missing": missing,
        },
        "site": {
            "files": len(site),
            "bytes": sum(e.size for e in site),
            "skipped": site_skipped,
        },
        "not_included": NOT_INCLUDED,
        "files": [{"path": e.member, "size": e.size, "sha256": e.sha256} for e in entries],
    }
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"


def _warta_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("warta")
    except PackageNotFoundError:
        return "unknown"


class _VerifyingReader:
    """Feeds one source file to tarfile in chunks and checks it is what the manifest
    says (blobs are immutable and the other files are our own copies; a difference
    means the disk changed under us)."""

    def __init__(self, stream: IO[bytes], entry: Entry) -> None:
        self._stream = stream
        self._entry = entry
        self._digest = hashlib.sha256()
        self._left = entry.size

    def read(self, size: int = -1) -> bytes:
        want = self._left if size < 0 else min(size, self._left)
        try:
            data = self._stream.read(want)
        except OSError as error:
            raise BackupError(
                f"Cannot read {self._entry.source}: {os_reason(error)}; nothing was backed up."
            ) from None
        if len(data) < want:
            raise self.changed()
        self._left -= len(data)
        self._digest.update(data)
        if self._left == 0 and self._digest.hexdigest() != self._entry.sha256:
            raise self.changed()
        return data

    def changed(self) -> BackupError:
        if self._entry.member.startswith("media/"):
            return BackupError(
                f"The media file {self._entry.source} is damaged: its content does not match "
                "its SHA-256 name; nothing was backed up."
            )
        return BackupError(f"{self._entry.source} changed while it was being backed up.")


def write_archive(path: Path, manifest: bytes, entries: list[Entry], now: datetime) -> None:
    """The manifest first, then every entry, checked against it as it is read."""
    mtime = int(now.timestamp())
    # 0600: the archive holds names and Telegram ids of the office's people.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with (
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, compresslevel=COMPRESS_LEVEL, mtime=mtime
            ) as gz,
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            tar.addfile(_tar_info(MANIFEST_NAME, len(manifest), mtime), io.BytesIO(manifest))
            for entry in entries:
                try:
                    source = entry.source.open("rb")
                except OSError as error:
                    raise BackupError(
                        f"Cannot read {entry.source}: {os_reason(error)}; nothing was backed up."
                    ) from None
                with source as stream:
                    size = os.fstat(stream.fileno()).st_size
                    if size != entry.size:
                        raise _VerifyingReader(stream, entry).changed()
                    info = _tar_info(entry.member, entry.size, mtime)
                    tar.addfile(info, _VerifyingReader(stream, entry))
        raw.flush()
        os.fsync(raw.fileno())


def _tar_info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    return info
