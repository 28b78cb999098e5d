"""``warta backup`` / ``warta restore``: one verified archive of the database, the media
and the website folder.

Databases: ``[sqlite]`` uses the default file in a fresh data folder. ``[postgresql]``
runs when ``WARTA_TEST_DATABASE_URL`` is set. Only its server and user are taken from it:
each test creates its own databases there (``warta_backup_test_<random>``, through the
database the URL names, whose contents are never touched) and drops them afterwards.
So a run never writes into the shared test database and never collides with another run.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import tarfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.cli.backup import cmd_backup, cmd_restore
from bot.ports.blobs import BlobRef
from bot.ports.targets import Article, ArticleMedia
from bot.shell.config import Settings
from bot.shell.wiring import static_site_from_settings
from publisher.files import PublicFiles
from publisher.static_site import StaticSite
from storage.backup import (
    FORMAT_VERSION,
    BackupError,
    BackupUsageError,
    backup,
    backup_async,
    restore,
    restore_async,
)
from storage.blobs import LocalBlobStore
from storage.db import (
    create_engine,
    current_revision_async,
    head_revision,
    make_sessions,
    upgrade_database_async,
)
from storage.models import Base, Event, Item, Media, Person, RoleGrant
from tests.pg_admin import run_outside_transaction

SERVER_ENV = "WARTA_TEST_DATABASE_URL"
SERVER_URL = os.environ.get(SERVER_ENV, "").strip()
NOW = datetime(2026, 12, 3, 2, 15, tzinfo=UTC)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not SERVER_URL, reason=f"{SERVER_ENV} is not set"),
    ),
]

MakeSettings = Callable[[str], Awaitable[Settings]]


async def _server_statement(statement: str) -> None:
    """CREATE/DROP DATABASE on the test server (outside a transaction)."""
    await run_outside_transaction(SERVER_URL, statement)


@pytest.fixture(params=BACKENDS)
async def make_settings(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """``await make_settings("name")``: settings with an empty data folder and database."""
    created: list[str] = []

    async def make(label: str) -> Settings:
        data_dir = tmp_path / label
        if request.param == "sqlite":
            return Settings(data_dir=data_dir, database_url=None)
        name = f"warta_backup_test_{secrets.token_hex(5)}"
        await _server_statement(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
        return Settings(data_dir=data_dir, database_url=url)

    try:
        yield make
    finally:
        for name in created:
            await _server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def sqlite_settings(tmp_path: Path) -> Callable[[str], Settings]:
    return lambda label: Settings(data_dir=tmp_path / label, database_url=None)


# --------------------------------------------------------------------------------------
# An office's data: people, items at several states, history, media (one still pending)
# --------------------------------------------------------------------------------------

PHOTO = b"\xff\xd8\xff\xe0 a photo " * 5000
VIDEO = b"\x00\x00\x00\x18ftypmp42 a video " * 20000


async def populate(settings: Settings) -> dict[str, str]:
    """A migrated database with rows in the main tables and two blobs; returns the
    blob keys by name."""
    await upgrade_database_async(settings.effective_database_url)
    store = LocalBlobStore(settings.media_dir)
    photo, video = await store.put_bytes(PHOTO), await store.put_bytes(VIDEO)
    # Leftovers that must stay out of the archive.
    (store.tmp_dir / "0123abcd.part").write_bytes(b"half a download")
    (settings.data_dir / "renditions").mkdir(parents=True)
    (settings.data_dir / "renditions" / "x.jpg").write_bytes(b"cached")
    await publish_site(settings, photo)
    engine = create_engine(settings.effective_database_url)
    try:
        async with make_sessions(engine).begin() as session:
            session.add_all(
                [
                    Person(id=2001, full_name="Rina Wati", created_at=NOW),
                    Person(id=2002, full_name="Budi Santoso", created_at=NOW),
                ]
            )
            await session.flush()
            session.add_all(
                [
                    RoleGrant(person_id=2001, role="officer", granted_at=NOW),
                    RoleGrant(person_id=2002, role="it", granted_at=NOW),
                ]
            )
            items = [
                Item(
                    code=f"PKP-2026-000{n}",
                    state=state,
                    officer_id=2001,
                    title=f"Berita {n}",
                    created_at=NOW,
                    updated_at=NOW,
                    state_entered_at=NOW,
                )
                for n, state in ((1, "submitted"), (2, "collecting"))
            ]
            session.add_all(items)
            await session.flush()
            for position, (ref, kind) in enumerate(((photo, "photo"), (video, "video"))):
                session.add(
                    Media(
                        item_id=items[0].id,
                        kind=kind,
                        telegram_file_id=f"file-{position}",
                        telegram_unique_id=f"u-{position}",
                        size=ref.size,
                        sha256=ref.sha256,
                        blob_key=ref.key,
                        position=position,
                        received_at=NOW,
                    )
                )
            # Still downloading at backup time: no blob yet.
            session.add(
                Media(
                    item_id=items[1].id,
                    kind="photo",
                    telegram_file_id="file-pending",
                    telegram_unique_id="u-pending",
                    received_at=NOW,
                )
            )
            for action, item, before, after in (
                ("create", items[0], None, "collecting"),
                ("submit", items[0], "collecting", "submitted"),
                ("create", items[1], None, "collecting"),
            ):
                session.add(
                    Event(
                        item_id=item.id,
                        actor_id=2001,
                        action=action,
                        from_state=before,
                        to_state=after,
                        created_at=NOW,
                    )
                )
    finally:
        await engine.dispose()
    return {"photo": photo.key, "video": video.key}


def site_of(settings: Settings) -> StaticSite:
    files = PublicFiles(LocalBlobStore(settings.media_dir), settings.data_dir / "renditions")
    return static_site_from_settings(settings, files)


async def publish_site(settings: Settings, attachment: BlobRef) -> None:
    """The office website as the bot makes it: two posts (one with a download), plus
    what a site folder also holds: a file the office put there, a page the site writer
    had not finished, and a link (the last two stay out of the archive)."""
    site = site_of(settings)
    download = ArticleMedia(
        kind="document",
        blob_key=attachment.key,
        sha256=attachment.sha256,
        mime_type="application/octet-stream",
        file_name="lampiran-rapat.bin",
        size=attachment.size,
    )
    for n in (1, 2):
        article = Article(
            key=f"PKP-2026-000{n}",
            slug=f"berita-{n}-pkp-2026-000{n}",
            title=f"Berita {n}",
            body=f"Isi berita {n}.",
            category="Pengumuman",
            section=None,
            published_at=NOW + timedelta(hours=n),
            media=(download,) if n == 1 else (),
        )
        await site.publish(article, None)
    folder = settings.effective_site_dir
    (folder / ".well-known").mkdir()
    (folder / ".well-known" / "security.txt").write_text("Contact: it@kota.go.id\n")
    (folder / f".index.html.{uuid.uuid4().hex[:12]}.part").write_bytes(b"<html>half")
    (folder / "hosts-link").symlink_to("/etc/hosts")


def site_files(folder: Path) -> dict[str, bytes]:
    """What a backup holds of a site folder: regular files, no links, no ``.part``."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            if not path.is_symlink() and not (name.startswith(".") and name.endswith(".part")):
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


async def table_rows(url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table (and the Alembic revision), comparable across copies."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = {}
            for table in Base.metadata.sorted_tables:
                result = await connection.execute(select(table))
                rows[table.name] = sorted(tuple(str(v) for v in row) for row in result)
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            rows["alembic_version"] = [tuple(str(v) for v in row) for row in result]
            return rows
    finally:
        await engine.dispose()


def files_under(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def nothing_written(settings: Settings) -> None:
    """The target data folder has no database, no media, no site and no staging left."""
    data = settings.data_dir
    assert not (data / "warta.sqlite3").exists()
    assert not files_under(settings.media_dir)
    assert not files_under(settings.effective_site_dir)
    assert not list(data.glob(".warta-restore-*")) if data.exists() else True


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        manifest: dict[str, Any] = json.loads(stream.read())
        return manifest


def rewrite(
    source: Path,
    target: Path,
    change: Callable[[str, bytes], bytes] = lambda name, data: data,
    extra: Sequence[tuple[tarfile.TarInfo, bytes | None]] = (),
    extra_first: bool = False,
) -> Path:
    """Copy an archive member by member, changing contents or adding entries."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        members = [(m, old.extractfile(m).read()) for m in old.getmembers()]  # type: ignore[union-attr]
        if extra_first:
            # Right after the manifest, so the bad entry is met before anything else.
            for info, data in extra:
                members.insert(1, (info, data or b""))
        else:
            members.extend((info, data or b"") for info, data in extra)
        for member, data in members:
            if member.isreg():
                data = change(member.name, data)
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
            else:
                new.addfile(member)
    return target


# --------------------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------------------


async def test_round_trip(make_settings: MakeSettings, tmp_path: Path) -> None:
    source = await make_settings("source")
    keys = await populate(source)
    out = tmp_path / "backups"
    out.mkdir()

    report = await backup_async(source, out)

    assert re.fullmatch(r"warta-backup-\d{8}-\d{4}\.tar\.gz", report.archive.name)
    assert report.archive.parent == out
    assert [p.name for p in out.iterdir()] == [report.archive.name], "no temporary left"
    assert report.alembic_revision == head_revision()
    assert (report.media_files, report.pending_downloads) == (2, 1)
    assert report.media_bytes == len(PHOTO) + len(VIDEO)
    kind = make_url(source.effective_database_url).get_backend_name()
    assert report.database_kind == kind

    manifest = read_manifest(report.archive)
    assert manifest["format"] == "warta-backup"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["alembic_revision"] == head_revision()
    assert manifest["warta_version"] and manifest["created_at"].endswith("Z")
    assert {"renditions/", ".env", "media/tmp/"} <= set(manifest["not_included"])
    assert "site/" not in manifest["not_included"]
    with tarfile.open(report.archive) as tar:
        names = tar.getnames()
        assert names[0] == "manifest.json"
        listed = {f["path"]: f for f in manifest["files"]}
        assert set(names[1:]) == set(listed)
        for name in names[1:]:
            stream = tar.extractfile(name)
            assert stream is not None
            data = stream.read()
            assert listed[name]["size"] == len(data)
            assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert {n for n in names if n.startswith("media/")} == {f"media/{k}" for k in keys.values()}
    assert not [n for n in names if "tmp" in n or "renditions" in n or n.endswith(".part")]
    # The whole website folder, record and public copies included; the link left out.
    site = site_files(source.effective_site_dir)
    assert {".warta/posts.json", "index.html", ".well-known/security.txt"} <= set(site)
    assert any(n.startswith("media/") for n in site) and "hosts-link" not in site
    assert {n for n in names if n.startswith("site/")} == {f"site/{n}" for n in site}
    assert (report.site_files, report.site_bytes) == (len(site), sum(map(len, site.values())))
    assert manifest["site"] == {
        "files": len(site),
        "bytes": report.site_bytes,
        "skipped": ["hosts-link (a link)"],
    }
    assert [w for w in report.warnings if "hosts-link (a link)" in w]

    target = await make_settings("restored")
    restored = await restore_async(target, report.archive)

    assert restored.alembic_revision == head_revision()
    assert (restored.media_files, restored.replaced) == (2, False)
    assert (restored.site_dir, restored.site_files) == (target.effective_site_dir, len(site))
    assert not restored.warnings
    assert await table_rows(target.effective_database_url) == await table_rows(
        source.effective_database_url
    )
    media = files_under(target.media_dir)
    assert media == {keys["photo"]: PHOTO, keys["video"]: VIDEO}
    # The website is back, byte for byte, and `warta site build` renders the same posts.
    target_site = target.effective_site_dir
    assert site_files(target_site) == site
    assert not [p for p in target_site.rglob("*") if p.is_symlink() or p.name.endswith(".part")]
    assert (target_site / "berita" / "berita-1-pkp-2026-0001" / "index.html").is_file()
    assert await site_of(target).rebuild() == 2
    assert site_files(target_site) == site
    assert not (target.data_dir / "renditions").exists()
    assert not list(target.data_dir.glob(".warta-restore-*"))
    # The bot's start-up brings it forward from the archived revision (a no-op here).
    await upgrade_database_async(target.effective_database_url)
    assert await current_revision_async(target.effective_database_url) == head_revision()


async def test_destination_may_be_a_file_name_and_is_never_overwritten(
    sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    source = sqlite_settings("source")
    await populate(source)
    wanted = tmp_path / "nightly.tar.gz"
    report = await backup_async(source, wanted)
    assert report.archive == wanted and wanted.stat().st_mode & 0o077 == 0, "private: 0600"

    with pytest.raises(BackupUsageError, match="already exists"):
        await backup_async(source, wanted)
    with pytest.raises(BackupUsageError, match=r"not a folder.*\.tar\.gz"):
        await backup_async(source, tmp_path / "usb-stick-not-mounted")
    with pytest.raises(BackupError, match="does not exist"):
        await backup_async(source, tmp_path / "nowhere" / "x.tar.gz")
    # Not writable: the "folder" is a file (root ignores permission bits, this it cannot).
    (tmp_path / "plain-file").write_text("x")
    with pytest.raises(BackupError, match="Cannot write the backup"):
        await backup_async(source, tmp_path / "plain-file" / "x.tar.gz")
    # Two backups in the same minute into a folder get two names.
    folder = tmp_path / "folder"
    folder.mkdir()
    first, second = await backup_async(source, folder), await backup_async(source, folder)
    assert first.archive != second.archive and second.archive.name.endswith("-2.tar.gz")


async def test_backup_is_consistent_while_the_database_is_written(
    sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    """A writer keeps committing (WAL mode, as the bot does) during the backup."""
    source = sqlite_settings("source")
    await populate(source)
    database = source.data_dir / "warta.sqlite3"
    stop, warmed_up = threading.Event(), threading.Event()
    written = [0]

    def writer() -> None:
        connection = sqlite3.connect(database, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        try:
            while not stop.is_set():
                with connection:  # one transaction: an event plus its counter row
                    connection.execute(
                        "INSERT INTO events (action, note, created_at) VALUES ('x', ?, ?)",
                        (str(written[0]), NOW.isoformat()),
                    )
                    connection.execute(
                        "INSERT OR REPLACE INTO code_counters (year, last) VALUES (1999, ?)",
                        (written[0] + 1,),
                    )
                written[0] += 1
                if written[0] == 20:
                    warmed_up.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert await asyncio.to_thread(warmed_up.wait, 30)
        report = await backup_async(source, tmp_path)
    finally:
        stop.set()
        thread.join()
    target = sqlite_settings("restored")
    await restore_async(target, report.archive)
    copy = sqlite3.connect(target.data_dir / "warta.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        events = copy.execute("SELECT count(*) FROM events WHERE action = 'x'").fetchone()[0]
        (counter,) = copy.execute("SELECT last FROM code_counters WHERE year = 1999").fetchone()
    finally:
        copy.close()
    # One moment: the counter and the events written in the same transactions agree.
    assert events == counter and 20 <= events <= written[0]


async def test_a_site_rewritten_during_the_backup_never_fails_it(
    sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    """The site writer replaces pages by an atomic rename and removes stale folders
    while backups run: each file is read once, so the archive holds one whole version."""
    source = sqlite_settings("source")
    await populate(source)
    folder = source.effective_site_dir
    for n in range(200):  # enough pages that reading them takes a while
        (folder / "arsip" / str(n)).mkdir(parents=True)
        (folder / "arsip" / str(n) / "index.html").write_bytes(b"x" * 20_000)
    home = folder / "index.html"
    stop, warmed_up = threading.Event(), threading.Event()
    written = [0]

    def publisher() -> None:
        while not stop.is_set():
            written[0] += 1
            temp = home.with_name(f".index.html.{uuid.uuid4().hex[:12]}.part")
            temp.write_bytes(f"<p>version {written[0]}</p>".encode() * 2000)
            os.replace(temp, home)
            shutil.rmtree(folder / "arsip" / str(written[0] % 200), ignore_errors=True)
            if written[0] == 20:
                warmed_up.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    try:
        assert await asyncio.to_thread(warmed_up.wait, 30)
        reports = [await backup_async(source, tmp_path) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    for number, report in enumerate(reports):
        target = sqlite_settings(f"restored-{number}")
        restored = await restore_async(target, report.archive)
        assert restored.site_files == report.site_files
        page = (target.effective_site_dir / "index.html").read_bytes()
        match = re.fullmatch(rb"(<p>version (\d+)</p>)\1{1999}", page)
        assert match and 1 <= int(match[2]) <= written[0], "one whole version of the page"
        assert not list(target.effective_site_dir.rglob(".*.part"))


async def test_site_entries_no_archive_can_carry_are_left_out_with_a_warning(
    sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    source = sqlite_settings("source")
    await populate(source)
    folder = source.effective_site_dir
    os.mkfifo(folder / "a-pipe")
    (folder / os.fsdecode(b"caf\xe9.html")).write_bytes(b"latin-1 name")
    (folder / "back\\slash.html").write_bytes(b"a name restore would refuse")
    (folder / "berita" / "kosong").mkdir()  # an empty folder is nothing to keep

    report = await backup_async(source, tmp_path)
    (warning,) = [w for w in report.warnings if "site folder" in w]
    assert "4 entr(ies)" in warning and warning.endswith(" ...")
    skipped = read_manifest(report.archive)["site"]["skipped"]
    assert len(skipped) == 4 and "hosts-link (a link)" in skipped
    assert "a-pipe (not a regular file)" in skipped
    assert "'caf\\udce9.html' (a name that is not UTF-8)" in skipped
    assert "'back\\\\slash.html' (an unusual path)" in skipped

    target = sqlite_settings("restored")
    restored = await restore_async(target, report.archive)
    assert restored.site_files == report.site_files
    assert sorted(p.name for p in target.effective_site_dir.iterdir() if not p.is_dir()) == [
        "atom.xml",
        "feed.json",
        "feed.xml",
        "index.html",
        "robots.txt",
        "sitemap.xml",
    ]


# --------------------------------------------------------------------------------------
# Refusals: damaged archives, unsafe entries, data already there
# --------------------------------------------------------------------------------------


@pytest.fixture
async def archive(sqlite_settings: Callable[[str], Settings], tmp_path: Path) -> Path:
    source = sqlite_settings("source")
    await populate(source)
    return (await backup_async(source, tmp_path)).archive


async def test_a_tampered_media_file_is_detected_and_nothing_is_written(
    archive: Path, sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    def flip(name: str, data: bytes) -> bytes:
        if name.startswith("media/") and not flip.done:  # type: ignore[attr-defined]
            flip.done = True  # type: ignore[attr-defined]
            return data[:100] + bytes([data[100] ^ 0x01]) + data[101:]
        return data

    flip.done = False  # type: ignore[attr-defined]
    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", flip)
    target = sqlite_settings("restored")
    with pytest.raises(BackupError, match=r"does not match its SHA-256.*nothing was restored"):
        await restore_async(target, tampered)
    nothing_written(target)
    assert not target.data_dir.exists(), "the data folder it made is removed again"


async def test_a_tampered_database_is_detected(
    archive: Path, sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    def change(name: str, data: bytes) -> bytes:
        return data + b"\0" if name.startswith("database/") else data

    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", change)
    target = sqlite_settings("restored")
    with pytest.raises(BackupError, match=r"database/warta\.sqlite3 does not match"):
        await restore_async(target, tampered)
    nothing_written(target)


def exists(path: Path) -> bool:
    return path.exists()


def truncate(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])


def _entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, 0
    return info


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (_entry("../evil.txt"), "leaving the archive"),
        (_entry("media/../../evil.txt"), "leaving the archive"),
        (_entry("/tmp/evil.txt"), "absolute path"),
        (_entry("media/ab/cd/link", tarfile.SYMTYPE, "/etc/passwd"), "a link"),
        (_entry("media/ab/cd/hard", tarfile.LNKTYPE, "manifest.json"), "a link"),
        (_entry("media/dev", tarfile.CHRTYPE), "not a regular file"),
        (_entry("site/../evil.txt"), "leaving the archive"),
        (_entry("site/berita/../../../evil.txt"), "leaving the archive"),
        (_entry("site/index.html", tarfile.SYMTYPE, "/etc/passwd"), "a link"),
        (_entry("site/fifo", tarfile.FIFOTYPE), "not a regular file"),
    ],
    ids=[
        "dotdot",
        "nested-dotdot",
        "absolute",
        "symlink",
        "hardlink",
        "device",
        "site-dotdot",
        "site-nested-dotdot",
        "site-symlink",
        "site-fifo",
    ],
)
@pytest.mark.parametrize("first", [True, False], ids=["early", "late"])
async def test_unsafe_entries_are_refused(
    archive: Path,
    sqlite_settings: Callable[[str], Settings],
    tmp_path: Path,
    entry: tarfile.TarInfo,
    why: str,
    first: bool,
) -> None:
    evil = rewrite(archive, tmp_path / "evil.tar.gz", extra=[(entry, None)], extra_first=first)
    target = sqlite_settings("restored")
    with pytest.raises(BackupError, match=f"unsafe entry.*{why}.*nothing was restored"):
        await restore_async(target, evil)
    nothing_written(target)
    assert not await asyncio.to_thread(exists, tmp_path / "evil.txt")
    assert not await asyncio.to_thread(exists, Path("/tmp/evil.txt"))


@pytest.mark.parametrize(
    "path",
    [
        "site/../evil.txt",
        "site/",
        "site//evil.txt",
        "site/./evil.txt",
        "site/berita\\evil.txt",
        "/site/evil.txt",
        "site/index.html/evil.txt",  # a file that would also be a folder
    ],
)
async def test_a_manifest_naming_an_unsafe_site_path_is_refused(
    archive: Path, sqlite_settings: Callable[[str], Settings], tmp_path: Path, path: str
) -> None:
    def listed(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        empty = hashlib.sha256(b"").hexdigest()
        manifest["files"].append({"path": path, "size": 0, "sha256": empty})
        return json.dumps(manifest).encode()

    target = sqlite_settings("restored")
    with pytest.raises(BackupError, match=r"manifest is unreadable.*nothing was restored"):
        await restore_async(target, rewrite(archive, tmp_path / "listed.tar.gz", listed))
    nothing_written(target)


async def test_newer_format_unknown_files_and_junk_are_refused(
    archive: Path, sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    target = sqlite_settings("restored")

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format_version"] = FORMAT_VERSION + 1
        return json.dumps(manifest).encode()

    with pytest.raises(BackupError, match="newer warta"):
        await restore_async(target, rewrite(archive, tmp_path / "newer.tar.gz", newer))

    stray = _entry("media/00/00/" + "0" * 64)
    with pytest.raises(BackupError, match="unexpected entry"):
        await restore_async(
            target, rewrite(archive, tmp_path / "stray.tar.gz", extra=[(stray, None)])
        )

    with tarfile.open(archive) as old, tarfile.open(tmp_path / "short.tar.gz", "w:gz") as new:
        for member in old.getmembers()[:-1]:  # the last media file is left out
            new.addfile(member, old.extractfile(member))
    with pytest.raises(BackupError, match="incomplete"):
        await restore_async(target, tmp_path / "short.tar.gz")

    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(BackupError, match="damaged or not a warta backup"):
        await restore_async(target, junk)
    truncated = tmp_path / "truncated.tar.gz"
    await asyncio.to_thread(truncate, archive, truncated)
    with pytest.raises(BackupError, match="damaged"):
        await restore_async(target, truncated)
    with pytest.raises(BackupError, match="no backup archive"):
        await restore_async(target, tmp_path / "missing.tar.gz")
    nothing_written(target)


async def test_a_target_with_data_is_refused_unless_forced(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    source = await make_settings("source")
    keys = await populate(source)
    archive = (await backup_async(source, tmp_path)).archive

    # A target that already runs: its own database and one file of its own.
    target = await make_settings("target")
    await upgrade_database_async(target.effective_database_url)
    own = await LocalBlobStore(target.media_dir).put_bytes(b"the target's own photo")
    with pytest.raises(BackupError, match=r"already holds a database or media files.*--force"):
        await restore_async(target, archive)
    assert files_under(target.media_dir) == {own.key: b"the target's own photo"}

    report = await restore_async(target, archive, force=True)
    assert report.replaced
    assert await table_rows(target.effective_database_url) == await table_rows(
        source.effective_database_url
    )
    # Media are merged (content-addressed: nothing of the target's is lost or changed).
    assert files_under(target.media_dir) == {
        own.key: b"the target's own photo",
        keys["photo"]: PHOTO,
        keys["video"]: VIDEO,
    }

    # Media alone count as data, too.
    media_only = await make_settings("media-only")
    await LocalBlobStore(media_only.media_dir).put_bytes(b"x")
    with pytest.raises(BackupError, match="already holds"):
        await restore_async(media_only, archive)
    # ...but a media folder holding only partial downloads is empty.
    tmp_only = await make_settings("tmp-only")
    (LocalBlobStore(tmp_only.media_dir).tmp_dir / "part").write_bytes(b"x")
    await restore_async(tmp_only, archive)


def downgrade_to_v1(source: Path, target: Path) -> Path:
    """The archive as warta wrote it before backups held the website (format 1)."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            if member.name.startswith("site/"):
                continue
            stream = old.extractfile(member)
            assert stream is not None
            data = stream.read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["format_version"] = 1
                del manifest["site"]
                manifest["not_included"]["site/"] = "the generated website"
                manifest["files"] = [
                    f for f in manifest["files"] if not f["path"].startswith("site/")
                ]
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


async def test_a_version_1_archive_still_restores_and_leaves_the_site_alone(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    source = await make_settings("source")
    keys = await populate(source)
    archive = (await backup_async(source, tmp_path)).archive
    v1 = downgrade_to_v1(archive, tmp_path / "v1.tar.gz")

    target = await make_settings("target")
    # The site folder copied back by hand, as format 1 told the operator to.
    shutil.copytree(source.effective_site_dir, target.effective_site_dir, symlinks=True)
    kept = site_files(target.effective_site_dir)
    report = await restore_async(target, v1)  # no --force needed: the site is not touched

    assert (report.site_dir, report.site_files, report.replaced) == (None, 0, False)
    assert "no website in this archive" in report.summary()
    assert [w for w in report.warnings if "before backups held the website" in w]
    assert await table_rows(target.effective_database_url) == await table_rows(
        source.effective_database_url
    )
    assert files_under(target.media_dir) == {keys["photo"]: PHOTO, keys["video"]: VIDEO}
    assert site_files(target.effective_site_dir) == kept
    assert (target.effective_site_dir / "hosts-link").is_symlink()

    # A format-1 manifest cannot name website files.
    def with_site(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        empty = hashlib.sha256(b"").hexdigest()
        manifest["files"].append({"path": "site/index.html", "size": 0, "sha256": empty})
        return json.dumps(manifest).encode()

    fresh = await make_settings("fresh")
    with pytest.raises(BackupError, match="manifest is unreadable"):
        await restore_async(fresh, rewrite(v1, tmp_path / "v1-site.tar.gz", with_site))
    nothing_written(fresh)


async def test_a_site_folder_with_files_is_refused_unless_forced(
    archive: Path, tmp_path: Path
) -> None:
    archived = site_files(tmp_path / "source" / "site")  # what the archive fixture holds
    # An otherwise empty target whose site lives outside the data folder (WARTA_SITE_DIR),
    # behind a link as a web server's folder often is.
    (tmp_path / "www" / "real").mkdir(parents=True)
    (tmp_path / "www" / "warta").symlink_to(tmp_path / "www" / "real")
    target = Settings(
        data_dir=tmp_path / "target", database_url=None, site_dir=tmp_path / "www" / "warta"
    )
    site = target.effective_site_dir
    (site / "berita" / "lama").mkdir(parents=True)
    (site / "berita" / "lama" / "index.html").write_text("an old page")
    (site / "index.html").write_text("the old home page")
    before = site_files(site)

    with pytest.raises(BackupError, match=r"site folder .*warta already holds a website.*--force"):
        await restore_async(target, archive)
    assert site_files(site) == before
    assert not (target.data_dir / "warta.sqlite3").exists() and not files_under(target.media_dir)

    report = await restore_async(target, archive, force=True)
    assert report.replaced and report.site_dir == site
    # The archive's site replaces the folder's content, stale pages included.
    assert site_files(site) == archived
    assert not (site / "berita" / "lama").exists()
    assert not [p for p in site.iterdir() if p.name.startswith(".warta-")], "no staging left"
    assert site.is_symlink() and (tmp_path / "www" / "real" / "index.html").is_file()
    assert await site_of(target).rebuild() == 2
    assert site_files(site) == archived

    # Empty folders and unfinished writes are not a website.
    empty = Settings(data_dir=tmp_path / "empty", database_url=None, site_dir=tmp_path / "e")
    (tmp_path / "e" / "berita").mkdir(parents=True)
    (tmp_path / "e" / ".index.html.0123456789ab.part").write_bytes(b"<html>half")
    assert (await restore_async(empty, archive)).site_files == len(archived)
    assert site_files(tmp_path / "e") == archived


async def test_a_site_that_cannot_be_written_leaves_everything_untouched(
    archive: Path, tmp_path: Path
) -> None:
    # The configured site folder is a file (root ignores permission bits, this it cannot).
    (tmp_path / "not-a-folder").write_text("x")
    target = Settings(
        data_dir=tmp_path / "target", database_url=None, site_dir=tmp_path / "not-a-folder"
    )
    with pytest.raises(BackupError, match=r"Cannot write the restored website.*nothing was"):
        await restore_async(target, archive)
    assert not target.data_dir.exists(), "no database, no media, no staging"
    assert (tmp_path / "not-a-folder").read_text() == "x"


async def test_a_site_folder_must_not_hold_the_data_or_the_backup(
    archive: Path, sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    source = sqlite_settings("source")  # the archive fixture's
    # A site folder holding the data folder would publish the database.
    exposed = Settings(data_dir=source.data_dir, database_url=None, site_dir=tmp_path)
    with pytest.raises(BackupUsageError, match="holds the data folder"):
        await backup_async(exposed, tmp_path / "elsewhere.tar.gz")
    with pytest.raises(BackupUsageError, match="holds the data folder"):
        await restore_async(exposed, archive, force=True)
    # A backup written into the site folder would be published with it.
    inside = source.effective_site_dir / "backups"
    inside.mkdir()
    with pytest.raises(BackupUsageError, match="would be published"):
        await backup_async(source, inside)
    assert not list(inside.iterdir())
    # Restoring an archive kept in the site folder would delete it with the old site.
    kept = source.effective_site_dir / archive.name
    shutil.copy(archive, kept)
    with pytest.raises(BackupUsageError, match="inside the site folder"):
        await restore_async(source, kept, force=True)
    assert kept.is_file()


async def test_a_database_in_use_is_not_replaced(
    archive: Path, sqlite_settings: Callable[[str], Settings]
) -> None:
    target = sqlite_settings("target")
    await upgrade_database_async(target.effective_database_url)
    bot = sqlite3.connect(target.data_dir / "warta.sqlite3")  # the running bot's connection
    try:
        bot.execute("PRAGMA journal_mode=WAL")
        bot.execute("SELECT count(*) FROM items").fetchone()
        with pytest.raises(BackupError, match=r"in use \(is warta running\?\)"):
            await restore_async(target, archive, force=True)
    finally:
        bot.close()
    await restore_async(target, archive, force=True)


@pytest.mark.parametrize("make_settings", [BACKENDS[1]], indirect=True)
async def test_the_archive_and_the_configuration_must_agree_on_the_database_kind(
    archive: Path, make_settings: MakeSettings
) -> None:
    postgres = await make_settings("pg")  # an empty PostgreSQL database
    with pytest.raises(BackupUsageError, match="holds a SQLite database but warta is config"):
        await restore_async(postgres, archive)
    nothing_written(postgres)


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


# --------------------------------------------------------------------------------------
# The command line: one line, the right exit code, never a secret
# --------------------------------------------------------------------------------------


async def test_commands_print_one_line_and_exit_codes(
    sqlite_settings: Callable[[str], Settings],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = sqlite_settings("source")
    await populate(source)

    assert await asyncio.to_thread(cmd_backup, source, tmp_path) == 0
    out, err = capsys.readouterr()
    assert out.startswith("backup written: ") and out.count("\n") == 1
    assert re.search(r", \d+ website files \(", out), out
    assert "1 file(s) were still downloading" in err  # a warning, not a failure
    made = Path(out.split(": ", 1)[1].split(" (", 1)[0])
    assert made.parent == tmp_path and made.name.startswith("warta-backup-")

    target = sqlite_settings("restored")
    assert await asyncio.to_thread(cmd_restore, target, made, False) == 0
    out, err = capsys.readouterr()
    assert out.startswith("restored ") and out.count("\n") == 1 and not err
    assert re.search(r", \d+ website files \(.*\) into ", out), out
    # A format-1 archive: restored, with a warning that the site was left alone.
    v1 = downgrade_to_v1(made, tmp_path / "v1.tar.gz")
    assert await asyncio.to_thread(cmd_restore, sqlite_settings("from-v1"), v1, False) == 0
    out, err = capsys.readouterr()
    assert out.startswith("restored ") and "no website in this archive" in out
    assert err.startswith("warta: warning: ") and "left as it is" in err and err.count("\n") == 1

    for code, call in (
        (1, lambda: cmd_restore(target, made, False)),  # data there already
        (1, lambda: cmd_restore(target, tmp_path / "missing.tar.gz", False)),
        (2, lambda: cmd_backup(source, tmp_path / "not-a-folder")),
        (2, lambda: cmd_backup(source, made)),  # exists
        (1, lambda: cmd_backup(sqlite_settings("empty"), tmp_path)),  # no database
    ):
        assert await asyncio.to_thread(call) == code
        out, err = capsys.readouterr()
        assert not out and err.startswith("warta: ") and err.count("\n") == 1, err
        assert "Traceback" not in err


async def test_postgres_problems_are_one_line_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "s3cr3t-Pa55word"
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"postgresql+asyncpg://warta:{password}@127.0.0.1:1/warta",
    )
    if _has("pg_dump"):
        # Unreachable server (nothing listens on port 1).
        assert await asyncio.to_thread(cmd_backup, settings, tmp_path) == 1
        err = capsys.readouterr().err
        assert "Cannot connect to the PostgreSQL database warta on 127.0.0.1:1" in err
        assert password not in err and err.count("\n") == 1
    # pg_dump / pg_restore not installed.
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert await asyncio.to_thread(cmd_backup, settings, tmp_path) == 1
    err = capsys.readouterr().err
    assert "pg_dump was not found" in err and password not in err
    (tmp_path / "x.tar.gz").write_bytes(b"")
    assert await asyncio.to_thread(cmd_restore, settings, tmp_path / "x.tar.gz", False) == 1
    err = capsys.readouterr().err
    assert "pg_restore was not found" in err and password not in err
    assert not await asyncio.to_thread(lambda: list(tmp_path.glob(".warta-backup-*")))


def test_blocking_calls_refuse_an_event_loop(
    sqlite_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    async def inside() -> None:
        with pytest.raises(RuntimeError, match="backup_async"):
            backup(sqlite_settings("x"), tmp_path)
        with pytest.raises(RuntimeError, match="restore_async"):
            restore(sqlite_settings("x"), tmp_path / "a.tar.gz")

    asyncio.run(inside())
