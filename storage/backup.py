"""Backup and restore: one archive holding the database and the media originals.

An archive is a gzip-compressed tar (``warta-backup-20261203-0915.tar.gz``)::

    manifest.json               always the first entry: see below
    database/warta.sqlite3      SQLite: a copy made with SQLite's online backup API
    database/warta.pgdump       or PostgreSQL: ``pg_dump --format=custom``
    media/ab/cd/abcd...         the originals, content-addressed as in WARTA_DATA_DIR/media

``manifest.json`` holds the format name and version, the warta version, the creation
time (UTC), the database kind and its Alembic revision, a summary of the media, what is
deliberately left out, and the size and SHA-256 of every other file in the archive.

**Consistency while the bot runs.** The database is snapshotted first. SQLite is
copied in one step of ``sqlite3.Connection.backup``, i.e. under one read transaction,
which in WAL mode never blocks the bot's writers. PostgreSQL is dumped by ``pg_dump``
from a snapshot exported by a ``REPEATABLE READ`` transaction of ours, and that same
transaction reads the Alembic revision and the media rows, so they describe exactly the
dumped data. The media folder is copied after the snapshot. Blobs are written once by an
atomic rename and never rewritten or deleted, and a media row gets its ``blob_key`` only
after its blob is in place, so every blob the snapshot refers to is complete on disk by
then. Blobs that finish downloading after the snapshot are included too. After a restore
their rows have no ``blob_key`` yet, so the download sweep fetches them again and the
blob store keeps the copy it already has. A file that was still downloading at snapshot
time (its row has no ``blob_key``) is re-downloaded by the bot's download sweep
(``handlers.intake.retry_downloads``, every minute, never given up) after the restore.
This needs the same bot token, because Telegram file ids belong to one bot. Partial
downloads (``media/tmp/``) are never archived.

**Not included.** ``.env`` and any other secrets (back them up separately, somewhere
safe); ``renditions/`` (a cache of cleaned public images, remade on demand from the
originals); the generated website (``WARTA_SITE_DIR``, ``data/site``). The site is *not*
rebuilt from the database: ``warta site build`` renders pages from the site folder's own
record (``site/.warta/posts.json``), and the public copies of the files live in
``site/media``. So copy the site folder along with the backup, or keep it where it is.

**Restore** refuses a data folder that already holds a database file or media files (or
a PostgreSQL database with tables) unless ``force`` is given. It refuses archives from a
newer format, or with unsafe entries (absolute paths, ``..``, links, devices). It
extracts into a temporary folder inside the data folder and checks every file's size
and SHA-256 against the manifest before anything is moved into place. The restored
database is at the archived revision; warta's start-up (``upgrade_database``) migrates
it forward. Stop the bot while restoring.

**Calling.** :func:`backup` and :func:`restore` are plain blocking functions: the
command line calls them directly, outside any event loop (they start their own loop for
PostgreSQL). Async code awaits :func:`backup_async` / :func:`restore_async`, which run
them in a worker thread. Problems the operator can fix raise :class:`BackupError`: one
sentence, never a password. :class:`BackupUsageError` marks a request that cannot work
as given (exit code 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from storage.db import create_engine

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from bot.config import Settings

__all__ = [
    "FORMAT_VERSION",
    "BackupError",
    "BackupReport",
    "BackupUsageError",
    "RestoreReport",
    "backup",
    "backup_async",
    "restore",
    "restore_async",
]

FORMAT_NAME = "warta-backup"
#: Bumped when the layout changes; restore refuses archives of a newer format.
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/warta.sqlite3", "postgresql": "database/warta.pgdump"}
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
CHUNK_SIZE = 1024 * 1024
# Media are mostly JPEG/MP4 (incompressible); the database compresses well at any level.
COMPRESS_LEVEL = 6
# A manifest lists every file; a million media files still fit in far less than this.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
PG_TIMEOUT_SECONDS = 10

NOT_INCLUDED = {
    ".env": "secrets (bot token, passwords): back it up separately, somewhere safe",
    "renditions/": "cache of cleaned public images, remade from the originals on demand",
    "site/": (
        "the generated website; not rebuilt from this backup (warta site build reads the "
        "site folder's own record, site/.warta/posts.json): copy the site folder separately"
    ),
    "media/tmp/": "partial downloads; files still downloading are fetched again after restore",
}

_HEX2 = re.compile(r"[0-9a-f]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MEDIA_MEMBER = re.compile(r"media/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")


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

    def summary(self) -> str:
        return (
            f"backup written: {self.archive} ({_kind_label(self.database_kind)} database at "
            f"revision {self.alembic_revision or 'none'}, {self.media_files} media files "
            f"({_size_label(self.media_bytes)}), archive {_size_label(self.archive_bytes)})"
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
    #: True when ``force`` replaced an existing database or added to existing media.
    replaced: bool

    def summary(self) -> str:
        return (
            f"restored {self.archive} (made {self.created_at}) into {self.data_dir}: "
            f"{_kind_label(self.database_kind)} database at revision "
            f"{self.alembic_revision or 'none'}, {self.media_files} media files "
            f"({_size_label(self.media_bytes)}); start warta to bring the schema up to date"
        )


# --------------------------------------------------------------------------------------
# The configured database
# --------------------------------------------------------------------------------------


def _refuse_in_running_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() blocks (and may start its own loop); await {name}_async()")


def _sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL; None for in-memory and ``file:`` URI databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if url.query.get("uri") in ("true", "True", "1"):
        return None
    return Path(database)


@dataclass(frozen=True)
class _Database:
    kind: str  # "sqlite" / "postgresql"
    url: URL
    sqlite_path: Path | None = None

    @property
    def url_string(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def describe(self) -> str:
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        host = self.url.host or _query(self.url, "host") or "localhost"
        return f"{self.url.database or '(default)'} on {host}:{self.url.port or 5432}"

    def secrets(self) -> list[str]:
        return [self.url.password] if self.url.password else []


def _database(settings: Settings) -> _Database:
    try:
        url = make_url(settings.effective_database_url)
    except ArgumentError:
        raise BackupUsageError(
            "WARTA_DATABASE_URL is not a database URL warta understands."
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(url)
        if path is None:
            raise BackupUsageError(
                "Backup and restore need an SQLite file, not an in-memory database."
            )
        return _Database("sqlite", url, path.expanduser().absolute())
    if backend == "postgresql":
        return _Database("postgresql", url)
    raise BackupUsageError(
        f"Backup and restore support SQLite and PostgreSQL, not {backend} (WARTA_DATABASE_URL)."
    )


def _query(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1] if value else None
    return value


def _pg_env(database: _Database) -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore: the password never goes on a command
    line (where ``ps`` shows it to every user of the machine)."""
    url = database.url
    env = dict(os.environ)
    host = url.host or _query(url, "host")
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
    ssl = _query(url, "sslmode") or _query(url, "ssl")
    if ssl:
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl.lower(), ssl)
    env.setdefault("PGCONNECT_TIMEOUT", str(PG_TIMEOUT_SECONDS))
    env["PGAPPNAME"] = "warta-backup"
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found; install the PostgreSQL client tools matching your "
            "server (e.g. apt install postgresql-client) and try again."
        )
    return found


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


def _tool_failure(tool: str, stderr: bytes, secrets: list[str]) -> str:
    lines = [s.strip() for s in stderr.decode("utf-8", "replace").splitlines() if s.strip()]
    # pg_* print "pg_dump: error: <what>"; the first error line says the most.
    chosen = next((s for s in lines if "error" in s.lower()), lines[0] if lines else "")
    chosen = re.sub(r"^(pg_dump|pg_restore):\s*(error:\s*)?", "", chosen)
    return _scrub(chosen, secrets)[:300] or "no message"


# --------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    file: Path
    revision: str | None
    referenced: frozenset[str]  # blob keys of the snapshot's media rows
    pending: int  # media rows without a blob yet


@dataclass(frozen=True)
class _Entry:
    member: str
    source: Path
    size: int
    sha256: str


async def backup_async(settings: Settings, dest: Path) -> BackupReport:
    """:func:`backup` from async code (in a worker thread)."""
    return await asyncio.to_thread(backup, settings, dest)


def backup(settings: Settings, dest: Path) -> BackupReport:
    """Write one archive of the database and the media originals to ``dest``.

    ``dest`` is an existing folder (a dated ``warta-backup-YYYYMMDD-HHMM.tar.gz``, in the
    office time zone, is made inside it) or a new file name ending in ``.tar.gz``/``.tgz``.
    The archive appears under its final name only when complete (written to a temporary
    folder beside it, fsynced, then renamed). An existing file is never overwritten.
    """
    _refuse_in_running_loop("backup")
    database = _database(settings)
    now = datetime.now(UTC)
    final, unique = _archive_path(Path(dest), now.astimezone(ZoneInfo(settings.timezone)))
    folder = final.parent
    try:
        staging = Path(tempfile.mkdtemp(prefix=".warta-backup-", dir=folder))
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {folder}: {_os_reason(error)}.") from None
    try:
        snapshot_file = staging / Path(DATABASE_MEMBERS[database.kind]).name
        if database.kind == "sqlite":
            assert database.sqlite_path is not None
            snapshot = _snapshot_sqlite(database.sqlite_path, snapshot_file)
        else:
            pg_dump = _pg_tool("pg_dump")
            snapshot = asyncio.run(_snapshot_postgres(database, pg_dump, snapshot_file))
        # Media only now, after the snapshot (see the module docstring).
        try:
            blobs = _list_blobs(settings.media_dir)
        except OSError as error:
            raise BackupError(
                f"Cannot read the media folder {settings.media_dir}: {_os_reason(error)}."
            ) from None
        entries = [
            _Entry(DATABASE_MEMBERS[database.kind], snapshot.file, *_hash_file(snapshot.file))
        ]
        entries += [_Entry(f"media/{key}", path, size, key[-64:]) for key, path, size in blobs]
        present = {key for key, _, _ in blobs}
        missing = sorted(snapshot.referenced - present)
        manifest = _manifest(database.kind, snapshot, entries, missing, now)
        partial = staging / "archive.partial"
        _write_archive(partial, manifest, entries, now)
        archive_bytes = partial.stat().st_size
        published = _publish(partial, final, unique)
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {folder}: {_os_reason(error)}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    warnings = []
    if missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        warnings.append(
            f"{len(missing)} media file(s) the database refers to are missing from "
            f"{settings.media_dir} and are not in the backup: {shown}"
        )
    if snapshot.pending:
        warnings.append(
            f"{snapshot.pending} file(s) were still downloading; after a restore the bot "
            "fetches them again from Telegram (same bot token needed)"
        )
    media_entries = entries[1:]
    return BackupReport(
        archive=published,
        database_kind=database.kind,
        alembic_revision=snapshot.revision,
        media_files=len(media_entries),
        media_bytes=sum(e.size for e in media_entries),
        archive_bytes=archive_bytes,
        pending_downloads=snapshot.pending,
        warnings=tuple(warnings),
    )


def _archive_path(dest: Path, local_now: datetime) -> tuple[Path, bool]:
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


def _publish(partial: Path, final: Path, unique: bool) -> Path:
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
        _fsync_dir(candidate.parent)
        return candidate


def _snapshot_sqlite(source: Path, target: Path) -> _Snapshot:
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
            revision = _sqlite_revision(copy)
            referenced, pending = _sqlite_media(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"Cannot copy the database {source}: {error}.") from None
    finally:
        origin.close()
    return _Snapshot(target, revision, referenced, pending)


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # never migrated
        return None
    return ",".join(sorted(str(row[0]) for row in rows)) or None


def _sqlite_media(connection: sqlite3.Connection) -> tuple[frozenset[str], int]:
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


async def _snapshot_postgres(database: _Database, pg_dump: str, target: Path) -> _Snapshot:
    secrets = database.secrets()
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
                revision, referenced, pending = await _pg_facts(connection)
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
            raise BackupError(
                f"Cannot connect to the PostgreSQL database {database.describe()} "
                f"({_reason(error, secrets)})."
            ) from None
    finally:
        await engine.dispose()
    if process.returncode != 0:
        reason = _tool_failure("pg_dump", stderr, secrets)
        raise BackupError(f"pg_dump failed for {database.describe()}: {reason}.")
    return _Snapshot(target, revision, referenced, pending)


async def _pg_facts(connection: AsyncConnection) -> tuple[str | None, frozenset[str], int]:
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


def _list_blobs(media_dir: Path) -> list[tuple[str, Path, int]]:
    """Complete blobs only: ``ab/cd/<sha256>`` files (not ``tmp/``, not links)."""
    found: list[tuple[str, Path, int]] = []
    for first in _subdirs(media_dir):
        for second in _subdirs(first):
            with os.scandir(second) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    name = entry.name
                    if (
                        _HEX64.fullmatch(name)
                        and name.startswith(first.name + second.name)
                        and entry.is_file(follow_symlinks=False)
                    ):
                        key = f"{first.name}/{second.name}/{name}"
                        found.append((key, Path(entry.path), entry.stat().st_size))
    return found


def _subdirs(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if _HEX2.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
            )
    except FileNotFoundError:
        return
    for name in names:
        yield folder / name


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _manifest(
    kind: str, snapshot: _Snapshot, entries: list[_Entry], missing: list[str], now: datetime
) -> bytes:
    media = entries[1:]
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
    says (blobs are immutable; a difference means the disk changed under us)."""

    def __init__(self, stream: IO[bytes], entry: _Entry) -> None:
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
                f"Cannot read {self._entry.source}: {_os_reason(error)}; nothing was backed up."
            ) from None
        if len(data) < want:
            raise self._changed()
        self._left -= len(data)
        self._digest.update(data)
        if self._left == 0 and self._digest.hexdigest() != self._entry.sha256:
            raise self._changed()
        return data

    def _changed(self) -> BackupError:
        if self._entry.member.startswith("media/"):
            return BackupError(
                f"The media file {self._entry.source} is damaged: its content does not match "
                "its SHA-256 name; nothing was backed up."
            )
        return BackupError(f"{self._entry.source} changed while it was being backed up.")


def _write_archive(path: Path, manifest: bytes, entries: list[_Entry], now: datetime) -> None:
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
                        f"Cannot read {entry.source}: {_os_reason(error)}; nothing was backed up."
                    ) from None
                with source as stream:
                    size = os.fstat(stream.fileno()).st_size
                    if size != entry.size:
                        raise _VerifyingReader(stream, entry)._changed()
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


# --------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Manifest:
    kind: str
    revision: str | None
    created_at: str
    warta_version: str
    files: dict[str, tuple[int, str]]  # member -> (size, sha256)


async def restore_async(settings: Settings, archive: Path, *, force: bool = False) -> RestoreReport:
    """:func:`restore` from async code (in a worker thread)."""
    return await asyncio.to_thread(restore, settings, archive, force=force)


def restore(settings: Settings, archive: Path, *, force: bool = False) -> RestoreReport:
    """Put the database and media of ``archive`` into the configured data folder and
    database. Refuses a folder (or PostgreSQL database) that already holds data unless
    ``force``; with ``force`` the database is replaced and the archive's media files are
    added to those present (content-addressed: same name, same bytes). Stop warta first.
    """
    _refuse_in_running_loop("restore")
    database = _database(settings)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no backup archive at {archive}.")
    data_dir, media_dir = settings.data_dir, settings.media_dir
    pg_restore = _pg_tool("pg_restore") if database.kind == "postgresql" else ""

    # The cheap refusals first, before reading a byte of the archive.
    if database.kind == "sqlite":
        assert database.sqlite_path is not None
        db_exists = database.sqlite_path.exists()
    else:
        db_exists = asyncio.run(_pg_has_tables(database))
    occupied = db_exists or _has_media(media_dir)
    if occupied and not force:
        where = data_dir if database.kind == "sqlite" else f"{data_dir} or {database.describe()}"
        raise BackupError(
            f"{where} already holds a database or media files; restore into an empty data "
            "folder, or pass --force to replace them."
        )
    if database.kind == "sqlite" and db_exists:
        assert database.sqlite_path is not None
        if _sqlite_in_use(database.sqlite_path):
            raise BackupError(
                f"The database {database.sqlite_path} is in use (is warta running?); "
                "stop warta before restoring."
            )

    made_data_dir = not data_dir.exists()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".warta-restore-", dir=data_dir))
    except OSError as error:
        raise BackupError(f"Cannot write into {data_dir}: {_os_reason(error)}.") from None
    done = False
    try:
        manifest = _extract_verified(archive, staging, database.kind)
        extracted_db = staging / DATABASE_MEMBERS[manifest.kind]
        media = sorted(m for m in manifest.files if m.startswith("media/"))
        try:
            if database.kind == "postgresql":
                # Transactional: a failure here leaves the database and media untouched.
                asyncio.run(_pg_restore(database, pg_restore, extracted_db))
                _install_media(staging, media_dir, media)
            else:
                assert database.sqlite_path is not None
                # Media first, the database last: a database never points at absent files.
                _install_media(staging, media_dir, media)
                _install_sqlite(extracted_db, database.sqlite_path)
        except OSError as error:
            raise BackupError(
                f"Cannot write the restored files into {data_dir}: {_os_reason(error)}."
            ) from None
        done = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not done and made_data_dir:
            with contextlib.suppress(OSError):
                data_dir.rmdir()  # only if still empty
    return RestoreReport(
        archive=archive,
        data_dir=data_dir,
        database_kind=manifest.kind,
        alembic_revision=manifest.revision,
        created_at=manifest.created_at,
        warta_version=manifest.warta_version,
        media_files=len(media),
        media_bytes=sum(manifest.files[m][0] for m in media),
        replaced=occupied,
    )


def _has_media(media_dir: Path) -> bool:
    """Any file in the media folder other than partial downloads in ``tmp/``."""
    if not media_dir.is_dir():
        return False
    for root, dirs, files in os.walk(media_dir):
        if Path(root) == media_dir:
            dirs[:] = [d for d in dirs if d != "tmp"]
        if files:
            return True
    return False


def _sqlite_in_use(path: Path) -> bool:
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


def _extract_verified(archive: Path, staging: Path, kind: str) -> _Manifest:
    """Extract into ``staging``, checking every entry's path, type, size and SHA-256."""
    damaged = f"The archive {archive} is damaged or not a warta backup"
    manifest: _Manifest | None = None
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
                            f"The archive {archive} holds a {_kind_label(manifest.kind)} "
                            f"database but warta is configured for {_kind_label(kind)}; "
                            "restore it with the same kind of database."
                        )
                    continue
                if name not in manifest.files or name in seen:
                    raise BackupError(
                        f"{damaged} (unexpected entry {name[:100]!r}); nothing was restored."
                    )
                seen.add(name)
                stream = tar.extractfile(member)
                assert stream is not None
                size, sha256 = manifest.files[name]
                _extract_one(stream, staging / name, name, size, sha256, archive)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{damaged} ({type(error).__name__}); nothing was restored.") from None
    except OSError as error:
        raise BackupError(
            f"Cannot read {archive} or unpack it in {staging.parent}: {_os_reason(error)}; "
            "nothing was restored."
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
    shown = repr(name[:100])
    why = None
    if member.issym() or member.islnk():
        why = "a link"
    elif not (member.isreg() or member.isdir()):
        why = "not a regular file"
    elif name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        why = "an absolute path"
    elif "\\" in name or "\x00" in name:
        why = "an unusual path"
    else:
        parts = name.rstrip("/").split("/")
        if ".." in parts:
            why = "a path leaving the archive"
        elif any(p in ("", ".") for p in parts):
            why = "an unusual path"
    if why is not None:
        raise BackupError(
            f"The archive {archive} holds an unsafe entry ({shown} is {why}); nothing was restored."
        )
    return name.rstrip("/")


def _parse_manifest(data: bytes, archive: Path) -> _Manifest:
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
            media = _MEDIA_MEMBER.fullmatch(path)
            if media is not None:
                # Content-addressed: the name is the digest of the bytes.
                if media.group(3) != sha256 or not sha256.startswith(media[1] + media[2]):
                    raise ValueError
            elif path != DATABASE_MEMBERS[kind]:
                raise ValueError
            files[path] = (size, sha256)
        if DATABASE_MEMBERS[kind] not in files:
            raise ValueError
        created_at = str(document.get("created_at", "unknown"))
        warta_version = str(document.get("warta_version", "unknown"))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise unreadable from None
    return _Manifest(kind, revision, created_at, warta_version, files)


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


def _install_media(staging: Path, media_dir: Path, members: list[str]) -> None:
    touched: set[Path] = set()
    for member in members:
        key = member.removeprefix("media/")
        target = media_dir / key
        source = staging / member
        try:
            if target.stat().st_size == source.stat().st_size:
                continue  # already there: same name, same content
        except FileNotFoundError:
            pass
        _place(source, target)
        touched.add(target.parent)
    for folder in touched:
        _fsync_dir(folder)


def _install_sqlite(source: Path, target: Path) -> None:
    # A journal left beside the old file would be replayed into the restored one.
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    _place(source, target)
    _fsync_dir(target.parent)


def _place(source: Path, target: Path) -> None:
    """Move a verified file into place atomically (copying across filesystems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    temp = target.with_name(f".{target.name}.restoring")
    try:
        with source.open("rb") as reader, temp.open("wb") as writer:
            shutil.copyfileobj(reader, writer, CHUNK_SIZE)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    source.unlink(missing_ok=True)


_USER_RELATIONS = """
SELECT count(*) FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp'
"""


async def _pg_has_tables(database: _Database) -> bool:
    engine = create_engine(
        database.url_string, poolclass=NullPool, connect_args={"timeout": PG_TIMEOUT_SECONDS}
    )
    try:
        async with engine.connect() as connection:
            count = (await connection.exec_driver_sql(_USER_RELATIONS)).scalar_one()
    except (OSError, SQLAlchemyError, TimeoutError) as error:
        raise BackupError(
            f"Cannot connect to the PostgreSQL database {database.describe()} "
            f"({_reason(error, database.secrets())})."
        ) from None
    finally:
        await engine.dispose()
    return bool(count)


async def _pg_restore(database: _Database, pg_restore: str, dump: Path) -> None:
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
            f"{_tool_failure('pg_restore', stderr, database.secrets())}."
        )


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _kind_label(kind: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(kind, kind)


def _size_label(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover
