"""Back up while the bot runs and an album is arriving, restore into a new folder: the
bot starts and every item, file and history entry is there, and so is the website
(kept outside the data folder, as WARTA_SITE_DIR allows), which ``warta site build``
renders again from its own record.

``[postgresql]`` runs when ``WARTA_TEST_DATABASE_URL`` is set. Only its server and user
are used: the test creates two databases of its own there (``warta_backup_test_<random>``,
the running office's and the restored one) and drops both afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.cli import cmd_site
from storage.backup import backup, restore
from storage.db import create_engine, head_revision
from storage.models import Base
from tests.e2e.harness import FakeBotAPI, Harness, sample_jpeg
from tests.e2e.office import (
    ADMIN_ID,
    approved,
    card,
    code_in,
    running_office,
    snapshot,
    to_official,
)
from tests.pg_admin import run_outside_transaction

SERVER_ENV = "WARTA_TEST_DATABASE_URL"
SERVER_URL = os.environ.get(SERVER_ENV, "").strip()


async def _server_statement(statement: str) -> None:
    """CREATE/DROP DATABASE on the test server (outside a transaction)."""
    await run_outside_transaction(SERVER_URL, statement)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not SERVER_URL, reason=f"{SERVER_ENV} is not set"),
        ),
    ]
)
async def new_database(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """``await new_database()``: None for SQLite (the file in the data folder), or the URL
    of a fresh PostgreSQL database on the test server, dropped after the test."""
    created: list[str] = []

    async def make() -> str | None:
        if request.param == "sqlite":
            return None
        name = f"warta_backup_test_{secrets.token_hex(5)}"
        await _server_statement(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        for name in created:
            await _server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class SlowNetwork:
    """A download gate for the fake Bot API: lets the first ``through`` downloads pass,
    then holds every further one until :meth:`release` (a big file on a slow link)."""

    def __init__(self, through: int) -> None:
        self.through = through
        self.holding = asyncio.Event()
        self._open = asyncio.Event()

    async def wait(self) -> bool:
        if self.through > 0:
            self.through -= 1
            return True
        self.holding.set()
        await self._open.wait()
        return True

    def release(self) -> None:
        self._open.set()


Rows = dict[str, list[tuple[str, ...]]]


async def all_rows(url: str) -> Rows:
    """Every row of every table, and the Alembic revision."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows: Rows = {}
            for table in Base.metadata.sorted_tables:
                result = await connection.execute(select(table))
                rows[table.name] = sorted(tuple(str(v) for v in row) for row in result)
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            rows["alembic_version"] = [tuple(str(v) for v in row) for row in result]
            return rows
    finally:
        await engine.dispose()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a site folder (unfinished ``.part`` writes aside)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".part")
    }


def site_build(settings: Any) -> int:
    """``warta site build``, as the operator runs it (it sets up logging for a command
    line: the test's own handlers are put back afterwards)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return cmd_site(settings, "build", "127.0.0.1", 0)
    finally:
        root.handlers[:], root.level = handlers, level


async def test_backup_while_an_album_arrives_then_restore_into_a_new_folder(
    fake_bot_api: FakeBotAPI, tmp_path: Path, new_database: Callable[[], Awaitable[str | None]]
) -> None:
    source_url = await new_database()
    backups = tmp_path / "backups"
    backups.mkdir()
    photos = [sample_jpeg(color=(10 * n, 80, 200 - 10 * n)) for n in range(3)]

    site_dir = tmp_path / "public-site"
    async with running_office(
        fake_bot_api,
        tmp_path,
        source_url,  # type: ignore[arg-type]
        site_dir=site_dir,
    ) as o:
        settings = o.h.settings
        url = settings.effective_database_url
        # Items at several states, each with its history.
        published = await approved(o, "Banjir di Sukamaju")
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        await o.h.settle()
        record = json.loads((site_dir / ".warta" / "posts.json").read_bytes())
        assert [p["key"] for p in record["posts"]] == [published], "on the website"
        slug = record["posts"][0]["slug"]
        await o.officer.sends("Rapat koordinasi\nRapat bulanan.")
        in_review = code_in(o.officer.last_text())
        await to_official(o, in_review)
        await o.officer.sends_photo(sample_jpeg(color=(5, 5, 5)), caption="Sosialisasi\nIsi.")
        sent_back = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, sent_back))
        await o.it.taps("Kembalikan", in_chat=o.it_group, message=card(o.it_group, sent_back))
        await o.it.replies("Foto kurang jelas.", in_chat=o.it_group)
        await o.officer.sends("/baru")  # not into the sent-back draft
        await o.officer.sends("Pelayanan OSS\nJam layanan.")
        submitted = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, submitted))

        # An album starts arriving: the first photo is in, the second is downloading
        # over a slow link, the third still waits behind it (one chat, in order).
        await o.officer.sends("/baru")
        album = code_in(o.officer.last_text())
        gate = SlowNetwork(through=1)
        fake_bot_api.download_gate = gate  # type: ignore[assignment]
        fake_bot_api.send_album(
            o.officer.id, [("photo", p) for p in photos], caption="Apel pagi\nApel gabungan."
        )
        await asyncio.wait_for(gate.holding.wait(), 10)

        # The backup, while the bot runs, from a worker thread as `warta backup` would.
        before = await all_rows(url)
        site_before = site_files(site_dir)
        report = await asyncio.to_thread(backup, settings, backups)
        after = await all_rows(url)
        assert site_files(site_dir) == site_before, "nothing was published meanwhile"

        gate.release()
        fake_bot_api.download_gate = None
        await o.h.settle()
        # Life goes on after the backup: none of this may be in the restored copy.
        await o.it.taps("Terima", in_chat=o.it_group, message=card(o.it_group, submitted))
        assert len((await snapshot(url)).media_of(album)) == 3
    source = await snapshot(url)

    assert report.pending_downloads >= 1, "the second photo was still downloading"
    assert report.alembic_revision == head_revision()
    assert report.site_files == len(site_before) and report.site_files > 3

    # Restore into a fresh data folder (and, on PostgreSQL, a fresh database).
    restored_url = await new_database()
    new_dir, new_site = tmp_path / "restored", tmp_path / "restored-site"
    h = Harness.for_warta(
        fake_bot_api,
        new_dir,
        restored_url,
        admin_ids=[ADMIN_ID],
        clock=o.clock,
        group_messages_per_minute=600,
        site_dir=new_site,
    )
    result = await asyncio.to_thread(restore, h.settings, report.archive)
    assert result.alembic_revision == head_revision()
    assert (result.site_dir, result.site_files) == (new_site, report.site_files)

    # The website is back as it was: its record, its pages, the public copies.
    assert site_files(new_site) == site_before
    page = (new_site / "berita" / slug / "index.html").read_text(encoding="utf-8")
    assert "Banjir di Sukamaju" in page
    assert (new_site / ".warta" / "posts.json").read_bytes() == site_before[".warta/posts.json"]
    assert [n for n in site_before if n.startswith("media/")], "with the photo's public copy"
    # `warta site build` renders the same posts from the restored record.
    assert await asyncio.to_thread(site_build, h.settings) == 0
    assert site_files(new_site) == site_before
    new_url = h.settings.effective_database_url
    restored = await all_rows(new_url)

    # The copy is one moment of the running bot: every table holds what it held then.
    # Tables the bot did not touch while the backup ran must match row for row.
    assert set(restored) == set(before)
    for table, rows in restored.items():
        if before[table] == after[table]:
            assert rows == before[table], f"{table} differs from the moment of the backup"
        else:
            assert len(before[table]) <= len(rows) <= len(after[table]), table
    for table in ("people", "role_grants", "team_chats", "items", "events", "publications"):
        assert restored[table] == before[table], table

    db = await snapshot(new_url)
    assert [i.code for i in db.items] == [i.code for i in source.items]
    assert db.item(published).state == "published"
    assert db.item(in_review).state == "review"
    assert db.item(sent_back).state == "collecting" and db.item(sent_back).last_note
    assert db.item(submitted).state == "submitted", "IT accepted it only after the backup"
    assert source.item(submitted).state == "editing"
    assert [e.id for e in db.events] == [
        e.id for e in source.events if e.id <= max(x.id for x in db.events)
    ]
    # Every file the snapshot knew is there, byte for byte as its row says.
    new_media = h.settings.media_dir
    stored = [m for m in db.media if m.blob_key]
    assert stored
    for media in stored:
        assert sha256_of(new_media / media.blob_key) == media.sha256
        assert (new_media / media.blob_key).stat().st_size == media.size
    album_media = db.media_of(album)
    assert [m.blob_key is not None for m in album_media] == [True, False]
    assert not (new_dir / "site").exists() and not (new_dir / "renditions").exists()
    assert not list((new_media / "tmp").glob("*")) if (new_media / "tmp").exists() else True

    # The bot starts on the restored data and people carry on.
    async with h:
        # The photo that was downloading is fetched again by the download sweep.
        sweep = h.app.job_queue.get_jobs_by_name("download-sweep")
        await sweep[0].run(h.app)
        await h.settle()
        later = await snapshot(new_url)
        _, second = later.media_of(album)
        assert second.sha256 == hashlib.sha256(photos[1]).hexdigest()
        assert second.sha256 == source.media_of(album)[1].sha256
        assert sha256_of(new_media / str(second.blob_key)) == second.sha256

        officer = h.person(o.officer.id, "Rina Wati")
        await officer.sends(f"/riwayat {published}")
        history = officer.chat.find(f"Riwayat {published}").text or ""
        assert "Draf dibuat" in history and "Diserahkan ke Tim IT" in history
        assert "Diterima Tim IT" in history

        # The album's draft card works: the officer hands it over, IT gets it.
        await officer.sends("/draf")
        await officer.taps("Serahkan ke Tim IT", message=card(officer.chat, album))
        it_group = h.group(o.it_group.id, o.it_group.title)
        assert "2 foto" in card(it_group, album).text
        assert (await snapshot(new_url)).item(album).state == "submitted"
