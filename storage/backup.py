"""Backup and restore: one archive holding the database, the media originals and the
generated website.

An archive is a gzip-compressed tar (``warta-backup-20261203-0915.tar.gz``)::

    manifest.json               always the first entry: see below
    database/warta.sqlite3      SQLite: a copy made with SQLite's online backup API
    database/warta.pgdump       or PostgreSQL: ``pg_dump --format=custom``
    media/ab/cd/abcd...         the originals, content-addressed as in WARTA_DATA_DIR/media
    site/...                    the website folder (WARTA_SITE_DIR, ``data/site``) as it is

``manifest.json`` holds the format name and version, the warta version, the creation
time (UTC), the database kind and its Alembic revision, a summary of the media and of
the site, what is deliberately left out, and the size and SHA-256 of every other file.
Format 2 added ``site/``; archives of format 1 (no website) are still restored.

**Why the site is in it.** ``warta site build`` does not render from the database: it
renders from the site folder's own record (``site/.warta/posts.json``) and the public
copies of the files in ``site/media``. So the folder itself is backed up: every regular
file in it, dot-files included, except symbolic links (reported as warnings) and the
site writer's unfinished ``.<name>.part`` files. A site folder that holds the data
folder is refused (it would publish the database), and so is a backup destination
inside the site folder.

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

The site folder is copied last, into the backup's staging folder beside the archive
(so the destination needs room for a second copy of the site while the backup runs):
each file is read exactly once, hashed while it is copied, and archived from that copy.
The site writer replaces files by an atomic rename, so every copy is one complete
version of its file, and a page replaced meanwhile can never fail the backup (a file
removed meanwhile is simply not in it). The folder as a whole is *not* one moment:
its record is copied first, then the other files, so every post in the archived record
has its page and public files in the archive (a publish writes them before the record),
unless a takedown or an edit running meanwhile removed some. Such a publish or takedown
may be half in (a newer page, an older home page). The database snapshot is older, so
what it still had to publish or take down is done again by the outbox after a restore
(it finds what the last attempt left), and ``warta site build`` redraws every page
from the record.

**Not included.** ``.env`` and any other secrets (back them up separately, somewhere
safe); ``renditions/`` (a cache of cleaned public images, remade on demand from the
originals); links inside the site folder.

**Restore** refuses a data folder that already holds a database file or media files (or
a PostgreSQL database with tables), or a site folder holding any file when the archive
holds a website, unless ``force`` is given. It refuses archives from a newer format, or
with unsafe entries (absolute paths, ``..``, links, devices). It extracts into a
temporary folder inside the data folder and checks every file's size and SHA-256
against the manifest before anything is moved into place. With ``force`` the database is
replaced, media are added (content-addressed: nothing present changes) and the site
folder's content is replaced by the archive's: staged inside the site folder, then
swapped in by renames, the old content removed only then (see
:class:`storage.backup_site.SiteReplacement`). An archive of format 1 leaves the site
folder alone. The restored database is at the archived revision; warta's start-up
(``upgrade_database``) migrates it forward. Stop the bot while restoring.

**Calling.** :func:`backup` and :func:`restore` are plain blocking functions: the
command line calls them directly, outside any event loop (they start their own loop for
PostgreSQL). Async code awaits :func:`backup_async` / :func:`restore_async`, which run
them in a worker thread. Problems the operator can fix raise :class:`BackupError`: one
sentence, never a password. :class:`BackupUsageError` marks a request that cannot work
as given (exit code 2).

The work is split by subject: :mod:`storage.backup_results` (reports, errors),
:mod:`storage.backup_archive` (layout, manifest, writing), :mod:`storage.backup_extract`
(reading and verifying), :mod:`storage.backup_database` (which database),
:mod:`storage.backup_sqlite`, :mod:`storage.backup_postgres`, :mod:`storage.backup_files`
(media, moving into place) and :mod:`storage.backup_site` (the website folder).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from storage.backup_archive import (
    DATABASE_MEMBERS,
    FORMAT_VERSION,
    Entry,
    archive_path,
    build_manifest,
    publish,
    write_archive,
)
from storage.backup_database import Database, configured_database
from storage.backup_extract import read_archive
from storage.backup_files import has_media, hash_file, install_media, list_blobs
from storage.backup_postgres import pg_has_tables, pg_restore, pg_tool, snapshot_postgres
from storage.backup_results import (
    BackupError,
    BackupReport,
    BackupUsageError,
    RestoreReport,
    os_reason,
)
from storage.backup_site import (
    SITE_PREFIX,
    SiteReplacement,
    check_site_location,
    inside,
    site_has_content,
    stage_site,
)
from storage.backup_sqlite import install_sqlite, snapshot_sqlite, sqlite_in_use
from storage.db import refuse_in_running_loop

if TYPE_CHECKING:
    from storage.backup_settings import BackupSettings

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


# --------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------


async def backup_async(settings: BackupSettings, dest: Path) -> BackupReport:
    """:func:`backup` from async code (in a worker thread)."""
    return await asyncio.to_thread(backup, settings, dest)


def backup(settings: BackupSettings, dest: Path) -> BackupReport:
    """Write one archive of the database, the media originals and the site to ``dest``.

    ``dest`` is an existing folder (a dated ``warta-backup-YYYYMMDD-HHMM.tar.gz``, in the
    office time zone, is made inside it) or a new file name ending in ``.tar.gz``/``.tgz``.
    The archive appears under its final name only when complete (written to a temporary
    folder beside it, fsynced, then renamed). An existing file is never overwritten.
    """
    refuse_in_running_loop("backup")
    database = configured_database(settings)
    site_dir = settings.effective_site_dir
    check_site_location(site_dir, settings.data_dir)
    now = datetime.now(UTC)
    final, unique = archive_path(Path(dest), now.astimezone(ZoneInfo(settings.timezone)))
    folder = final.parent
    if inside(folder, site_dir):
        raise BackupUsageError(
            f"{folder} is inside the site folder {site_dir}: the backup would be published "
            "on the website; write it somewhere else."
        )
    try:
        staging = Path(tempfile.mkdtemp(prefix=".warta-backup-", dir=folder))
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {folder}: {os_reason(error)}.") from None
    try:
        snapshot_file = staging / Path(DATABASE_MEMBERS[database.kind]).name
        if database.kind == "sqlite":
            assert database.sqlite_path is not None
            snapshot = snapshot_sqlite(database.sqlite_path, snapshot_file)
        else:
            pg_dump = pg_tool("pg_dump")
            snapshot = asyncio.run(snapshot_postgres(database, pg_dump, snapshot_file))
        # Media and site only now, after the snapshot (see the module docstring).
        try:
            blobs = list_blobs(settings.media_dir)
        except OSError as error:
            raise BackupError(
                f"Cannot read the media folder {settings.media_dir}: {os_reason(error)}."
            ) from None
        site, site_skipped = stage_site(site_dir, staging / "site")
        entries = [Entry(DATABASE_MEMBERS[database.kind], snapshot.file, *hash_file(snapshot.file))]
        entries += [Entry(f"media/{key}", path, size, key[-64:]) for key, path, size in blobs]
        entries += [Entry(f.member, f.path, f.size, f.sha256) for f in site]
        present = {key for key, _, _ in blobs}
        missing = sorted(snapshot.referenced - present)
        manifest = build_manifest(database.kind, snapshot, entries, missing, site_skipped, now)
        partial = staging / "archive.partial"
        write_archive(partial, manifest, entries, now)
        archive_bytes = partial.stat().st_size
        published = publish(partial, final, unique)
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {folder}: {os_reason(error)}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    media = [e for e in entries if e.member.startswith("media/")]
    return BackupReport(
        archive=published,
        database_kind=database.kind,
        alembic_revision=snapshot.revision,
        media_files=len(media),
        media_bytes=sum(e.size for e in media),
        archive_bytes=archive_bytes,
        pending_downloads=snapshot.pending,
        warnings=tuple(_backup_warnings(settings, missing, snapshot.pending, site_skipped)),
        site_files=len(site),
        site_bytes=sum(f.size for f in site),
    )


def _backup_warnings(
    settings: BackupSettings, missing: list[str], pending: int, site_skipped: list[str]
) -> list[str]:
    warnings = []
    if missing and settings.blob_store == "s3":
        warnings.append(
            f"{len(missing)} media original(s) are kept in the S3 bucket {settings.s3_bucket}, "
            "not in this archive: protect them with the bucket's versioning or replication"
        )
    elif missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        warnings.append(
            f"{len(missing)} media file(s) the database refers to are missing from "
            f"{settings.media_dir} and are not in the backup: {shown}"
        )
    if pending:
        warnings.append(
            f"{pending} file(s) were still downloading; after a restore the bot "
            "fetches them again from Telegram (same bot token needed)"
        )
    if site_skipped:
        shown = ", ".join(site_skipped[:3]) + (" ..." if len(site_skipped) > 3 else "")
        warnings.append(
            f"{len(site_skipped)} entr(ies) of the site folder {settings.effective_site_dir} "
            f"are not in the backup (links and special files are left out): {shown}"
        )
    return warnings


# --------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------


async def restore_async(
    settings: BackupSettings, archive: Path, *, force: bool = False
) -> RestoreReport:
    """:func:`restore` from async code (in a worker thread)."""
    return await asyncio.to_thread(restore, settings, archive, force=force)


def restore(settings: BackupSettings, archive: Path, *, force: bool = False) -> RestoreReport:
    """Put the database, media and website of ``archive`` into the configured data
    folder, database and site folder. Refuses any that already holds data unless
    ``force``; with ``force`` the database is replaced, the archive's media files are
    added to those present (content-addressed: same name, same bytes) and the site
    folder's content is replaced by the archive's. Stop warta first.
    """
    refuse_in_running_loop("restore")
    database = configured_database(settings)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no backup archive at {archive}.")
    data_dir, media_dir = settings.data_dir, settings.media_dir
    site_dir = settings.effective_site_dir
    check_site_location(site_dir, data_dir)
    pg_restore_tool = pg_tool("pg_restore") if database.kind == "postgresql" else ""
    occupied, site_occupied = _refuse_occupied(settings, database, archive, force)

    made_data_dir = not data_dir.exists()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".warta-restore-", dir=data_dir))
    except OSError as error:
        raise BackupError(f"Cannot write into {data_dir}: {os_reason(error)}.") from None
    site = SiteReplacement(site_dir)
    done = False
    try:
        manifest = read_archive(archive, database.kind, staging)
        extracted_db = staging / DATABASE_MEMBERS[manifest.kind]
        media = manifest.members("media/")
        pages = manifest.members(SITE_PREFIX)
        replace_site = manifest.has_site and bool(pages or site_occupied)
        if replace_site:
            try:
                site.stage(staging, pages)
            except OSError as error:
                raise BackupError(
                    f"Cannot write the restored website into {site_dir}: {os_reason(error)}; "
                    "nothing was restored."
                ) from None
        try:
            if database.kind == "postgresql":
                # Transactional: a failure here leaves the database, media and site untouched.
                asyncio.run(pg_restore(database, pg_restore_tool, extracted_db))
                install_media(staging, media_dir, media)
                if replace_site:
                    site.swap()
            else:
                # Media and site first, the database last: it never points at absent files.
                install_media(staging, media_dir, media)
                if replace_site:
                    site.swap()
                assert database.sqlite_path is not None
                install_sqlite(extracted_db, database.sqlite_path)
        except OSError as error:
            raise BackupError(
                f"Cannot write the restored files into {data_dir} or {site_dir}: "
                f"{os_reason(error)}."
            ) from None
        done = True
    finally:
        site.cleanup()
        shutil.rmtree(staging, ignore_errors=True)
        if not done and made_data_dir:
            with contextlib.suppress(OSError):
                data_dir.rmdir()  # only if still empty
    warnings = []
    if not manifest.has_site:
        warnings.append(
            f"this archive was made before backups held the website: the site folder "
            f"{site_dir} was left as it is (copy it back if you kept it separately)"
        )
    return RestoreReport(
        archive=archive,
        data_dir=data_dir,
        database_kind=manifest.kind,
        alembic_revision=manifest.revision,
        created_at=manifest.created_at,
        warta_version=manifest.warta_version,
        media_files=len(media),
        media_bytes=manifest.size_of(media),
        replaced=occupied or site_occupied,
        site_dir=site_dir if manifest.has_site else None,
        site_files=len(pages),
        site_bytes=manifest.size_of(pages),
        warnings=tuple(warnings),
    )


def _refuse_occupied(
    settings: BackupSettings, database: Database, archive: Path, force: bool
) -> tuple[bool, bool]:
    """Whether the data folder (or database) and the site folder already hold data;
    refuses unless ``force``. The cheap checks first, before reading more of the
    archive than its manifest."""
    data_dir, site_dir = settings.data_dir, settings.effective_site_dir
    if database.kind == "sqlite":
        assert database.sqlite_path is not None
        db_exists = database.sqlite_path.exists()
    else:
        db_exists = asyncio.run(pg_has_tables(database))
    occupied = db_exists or has_media(settings.media_dir)
    if occupied and not force:
        where = data_dir if database.kind == "sqlite" else f"{data_dir} or {database.describe()}"
        raise BackupError(
            f"{where} already holds a database or media files; restore into an empty data "
            "folder, or pass --force to replace them."
        )
    if database.kind == "sqlite" and db_exists:
        assert database.sqlite_path is not None
        if sqlite_in_use(database.sqlite_path):
            raise BackupError(
                f"The database {database.sqlite_path} is in use (is warta running?); "
                "stop warta before restoring."
            )
    # An archive of format 1 holds no website and leaves the site folder alone.
    header = read_archive(archive, database.kind, None)
    site_occupied = header.has_site and site_has_content(site_dir)
    if site_occupied and inside(archive, site_dir):
        raise BackupUsageError(
            f"The archive {archive} is inside the site folder {site_dir}, whose content the "
            "restore replaces; move the archive somewhere else first."
        )
    if site_occupied and not force:
        raise BackupError(
            f"The site folder {site_dir} already holds a website; restore into an empty site "
            "folder, or pass --force to replace its content with the archive's."
        )
    return occupied, site_occupied
