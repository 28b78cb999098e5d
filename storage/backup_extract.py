"""Reading a backup archive: the manifest, and every entry checked (path, type, size,
SHA-256) as it is unpacked into a staging folder.

Internal to the backup modules (:mod:`storage.backup`); reads archives of every format
up to :data:`storage.backup_archive.FORMAT_VERSION`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from storage.backup_archive import DATABASE_MEMBERS, FORMAT_NAME, FORMAT_VERSION, MANIFEST_NAME
from storage.backup_files import CHUNK_SIZE, is_blob_key, unsafe_path_reason
from storage.backup_results import BackupError, BackupUsageError, kind_label, os_reason
from storage.backup_site import SITE_PREFIX

__all__ = ["Manifest", "read_archive"]

# A manifest lists every file; a million media files still fit in far less than this.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
#: The first format whose archives hold the website folder.
SITE_FORMAT = 2

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Manifest:
    kind: str
    revision: str | None
    created_at: str
    warta_version: str
    files: dict[str, tuple[int, str]]  # member -> (size, sha256)
    version: int = FORMAT_VERSION

    @property
    def has_site(self) -> bool:
        """Whether the archive holds the website folder (made since format 2): its
        ``site/`` members are then the whole folder, possibly none."""
        return self.version >= SITE_FORMAT

    def members(self, prefix: str) -> list[str]:
        return sorted(m for m in self.files if m.startswith(prefix))

    def size_of(self, members: list[str]) -> int:
        return sum(self.files[m][0] for m in members)


def read_archive(archive: Path, kind: str, staging: Path | None) -> Manifest:
    """The archive's manifest; with ``staging``, every file is also extracted there and
    checked against it. Without, only the manifest (the first entry) is read."""
    damaged = f"The archive {archive} is damaged or not a warta backup"
    manifest: Manifest | None = None
    seen: set[str] = set()
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = _safe_member(member, archive)
                if member.isdir():
                    continue
                if manifest is None:
                    if name != MANIFEST_NAME or member.size > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{damaged} (it does not start with {MANIFEST_NAME}).")
                    stream = tar.extractfile(member)
                    assert stream is not None
                    manifest = _parse_manifest(stream.read(), archive)
                    if manifest.kind != kind:
                        raise BackupUsageError(
                            f"The archive {archive} holds a {kind_label(manifest.kind)} "
                            f"database but warta is configured for {kind_label(kind)}; "
                            "restore it with the same kind of database."
                        )
                    if staging is None:
                        return manifest
                    continue
                if name not in manifest.files or name in seen:
                    raise BackupError(
                        f"{damaged} (unexpected entry {name[:100]!r}); nothing was restored."
                    )
                seen.add(name)
                stream = tar.extractfile(member)
                assert stream is not None and staging is not None
                size, sha256 = manifest.files[name]
                _extract_one(stream, staging / name, name, size, sha256, archive)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{damaged} ({type(error).__name__}); nothing was restored.") from None
    except OSError as error:
        where = f" or unpack it in {staging.parent}" if staging is not None else ""
        raise BackupError(
            f"Cannot read {archive}{where}: {os_reason(error)}; nothing was restored."
        ) from None
    if manifest is None:
        raise BackupError(f"{damaged} (no {MANIFEST_NAME}); nothing was restored.")
    absent = sorted(set(manifest.files) - seen)
    if absent:
        raise BackupError(
            f"The archive {archive} is incomplete ({len(absent)} file(s) listed in its manifest "
            f"are missing, e.g. {absent[0]}); nothing was restored."
        )
    return manifest


def _safe_member(member: tarfile.TarInfo, archive: Path) -> str:
    name = member.name
    if member.issym() or member.islnk():
        why: str | None = "a link"
    elif not (member.isreg() or member.isdir()):
        why = "not a regular file"
    else:
        why = unsafe_path_reason(name)
    if why is not None:
        raise BackupError(
            f"The archive {archive} holds an unsafe entry ({name[:100]!r} is {why}); "
            "nothing was restored."
        )
    return name.rstrip("/")


def _parse_manifest(data: bytes, archive: Path) -> Manifest:
    unreadable = BackupError(
        f"The archive {archive} is damaged or not a warta backup (its manifest is unreadable); "
        "nothing was restored."
    )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise unreadable from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise BackupError(f"The archive {archive} is not a warta backup; nothing was restored.")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise unreadable
    if version > FORMAT_VERSION:
        raise BackupError(
            f"The archive {archive} was made by a newer warta (backup format {version}; this "
            f"warta reads up to {FORMAT_VERSION}); upgrade warta first."
        )
    try:
        database = document["database"]
        kind = database["kind"]
        revision = database.get("alembic_revision")
        if kind not in DATABASE_MEMBERS or database.get("file") != DATABASE_MEMBERS[kind]:
            raise ValueError
        if revision is not None and not isinstance(revision, str):
            raise ValueError
        files: dict[str, tuple[int, str]] = {}
        for item in document["files"]:
            path, size, sha256 = item["path"], item["size"], item["sha256"]
            if not (isinstance(path, str) and isinstance(sha256, str)) or path in files:
                raise ValueError
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ValueError
            if not _HEX64.fullmatch(sha256):
                raise ValueError
            if not _known_member(path, sha256, kind, version):
                raise ValueError
            files[path] = (size, sha256)
        if DATABASE_MEMBERS[kind] not in files:
            raise ValueError
        _check_site_tree(files)
        created_at = str(document.get("created_at", "unknown"))
        warta_version = str(document.get("warta_version", "unknown"))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise unreadable from None
    return Manifest(kind, revision, created_at, warta_version, files, version)


def _known_member(path: str, sha256: str, kind: str, version: int) -> bool:
    if path.startswith("media/"):
        # Content-addressed: the name is the digest of the bytes.
        key = path.removeprefix("media/")
        return is_blob_key(key) and key.rsplit("/", 1)[-1] == sha256
    if path.startswith(SITE_PREFIX):
        return (
            version >= SITE_FORMAT
            and len(path) > len(SITE_PREFIX)
            and not path.endswith("/")
            and unsafe_path_reason(path) is None
        )
    return path == DATABASE_MEMBERS[kind]


def _check_site_tree(files: dict[str, tuple[int, str]]) -> None:
    """No site file may also be a folder of another (``site/a`` and ``site/a/b``)."""
    folders = {
        str(parent)
        for path in files
        if path.startswith(SITE_PREFIX)
        for parent in PurePosixPath(path).parents
    }
    if folders & files.keys():
        raise ValueError("a site file is also a folder")


def _extract_one(
    stream: IO[bytes], target: Path, name: str, size: int, sha256: str, archive: Path
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    with target.open("xb") as out:
        while chunk := stream.read(CHUNK_SIZE):
            written += len(chunk)
            if written > size:
                break
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if written != size or digest.hexdigest() != sha256:
        raise BackupError(
            f"The archive {archive} is damaged: {name} does not match its SHA-256 in the "
            "manifest; nothing was restored."
        )
