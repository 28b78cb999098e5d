"""The month's archive on real SQLite and PostgreSQL: one ZIP whose SHA256SUMS the
standard ``sha256sum -c`` accepts, with originals, public copies, data, history and
report; ``warta archive verify`` names a changed, a missing and an added file."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import tracemalloc
import zipfile
from functools import partial
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli import main
from bot.core.i18n import Translator
from bot.core.months import Month
from bot.core.standards import StepClock, TimeStandards
from bot.ports.blobs import BlobStore
from bot.shell.archive_check import check_archive
from bot.shell.report_files import ReportRenderer
from bot.usecases.archive import MonthArchives, MonthNotOver, archive_due
from bot.usecases.report import MonthlyReports
from publisher.archive_copies import ArchiveCopies
from publisher.files import PublicFiles
from storage.audit import ChainStore
from storage.blobs import LocalBlobStore
from storage.models import Event, Media, Publication
from storage.records import SqlRecords
from tests.fakebotapi.samples import sample_jpeg, sample_pdf
from tests.storage.test_report_rows import _store
from tests.unit.report_month import CALENDAR, ITEMS, at

NOVEMBER = Month(2026, 11)
NOW = at(12, 7, "09:00")
ROOT = "arsip-2026-11"


async def _with_files(
    sessions: async_sessionmaker[AsyncSession], blobs: BlobStore
) -> dict[str, bytes]:
    """PKP-2026-0001 gets a phone photo (with GPS) and a PDF with its author; its site
    target is marked published."""
    photo = sample_jpeg(800, 600, gps=True)
    document = sample_pdf("Jadwal", author="Rina Wati")
    async with sessions.begin() as session:
        for position, (data, kind, name, mime) in enumerate(
            [
                (photo, "photo", "IMG_0001.jpg", "image/jpeg"),
                (document, "document", "jadwal layanan.pdf", "application/pdf"),
            ]
        ):
            ref = await blobs.put_bytes(data)
            session.add(
                Media(
                    item_id=1,
                    kind=kind,
                    telegram_file_id=f"f{position}",
                    telegram_unique_id=f"u{position}",
                    file_name=name,
                    mime_type=mime,
                    size=len(data),
                    sha256=ref.sha256,
                    blob_key=ref.key,
                    position=position,
                    received_at=at(11, 6, "09:00"),
                )
            )
        site = await session.scalar(
            select(Publication).where(Publication.item_id == 1, Publication.target == "site")
        )
        assert site is not None
        site.status, site.published_at = "published", at(11, 9, "09:12")
        site.url = "https://example.go.id/a"
    return {"IMG_0001.jpg": photo, "jadwal_layanan.pdf": document}


def archives(
    sessions: async_sessionmaker[AsyncSession], blobs: BlobStore, tmp: Path
) -> MonthArchives:
    reports = MonthlyReports(
        SqlRecords(sessions),
        StepClock(TimeStandards(), CALENDAR),
        Translator(),
        ReportRenderer(),
        folder=tmp / "reports",
        office="DPMPTSP dan Tenaga Kerja Kota Pangkalpinang",
        sop="SOP.WASDA 006/DPMPSTP& NAKER",
    )
    return MonthArchives(
        SqlRecords(sessions),
        blobs,
        reports,
        ArchiveCopies(PublicFiles(blobs, tmp / "renditions")),
        folder=tmp / "archive",
        office="DPMPTSP dan Tenaga Kerja Kota Pangkalpinang",
        sop="SOP.WASDA 006/DPMPSTP& NAKER",
    )


@pytest.fixture
async def written(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> tuple[Path, dict[str, bytes]]:
    await _store(sessions, list(ITEMS))
    blobs = LocalBlobStore(tmp_path / "media")
    originals = await _with_files(sessions, blobs)
    await ChainStore(engine).seal()
    result = await archives(sessions, blobs, tmp_path).write(NOVEMBER, NOW)
    assert result.path == tmp_path / "archive" / f"{ROOT}.zip"
    assert result.items == len(ITEMS)
    return result.path, originals


def _read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"{ROOT}/{name}")


async def test_the_archive_holds_the_month_and_sha256sum_accepts_it(
    written: tuple[Path, dict[str, bytes]],
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    path, originals = written
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "unzipped")
    base = f"{ROOT}/naskah/PKP-2026-0001"
    assert {
        f"{ROOT}/SHA256SUMS",
        f"{ROOT}/manifest.json",
        f"{ROOT}/BACA-SAYA.txt",
        f"{ROOT}/laporan/laporan-sop-2026-11.pdf",
        f"{ROOT}/laporan/laporan-sop-2026-11.xlsx",
        f"{base}/naskah.json",
        f"{base}/riwayat.json",
        f"{base}/asli/01-IMG_0001.jpg",
        f"{base}/asli/02-jadwal_layanan.pdf",
    } <= names
    # The originals byte for byte; the public photo without its GPS position.
    assert _read(path, "naskah/PKP-2026-0001/asli/01-IMG_0001.jpg") == originals["IMG_0001.jpg"]
    [public_photo] = [n for n in names if n.startswith(f"{base}/publik/") and n.endswith(".jpg")]
    with Image.open(io.BytesIO(_read(path, public_photo.removeprefix(f"{ROOT}/")))) as picture:
        assert not picture.getexif()
    assert any(n.startswith(f"{base}/publik/") and n.endswith(".pdf") for n in names)

    # The standard tool (coreutils) agrees with every line.
    checked = await asyncio.to_thread(
        partial(
            subprocess.run,
            ["sha256sum", "-c", "SHA256SUMS"],
            cwd=tmp_path / "unzipped" / ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(names) - 1  # every file but the list

    # The month's place in the chain, as the database has it.
    manifest = json.loads(_read(path, "manifest.json"))
    async with sessions() as session:
        chained = (
            await session.execute(
                select(Event.seq, Event.hash)
                .where(
                    Event.created_at >= at(11, 1, "00:00"), Event.created_at < at(12, 1, "00:00")
                )
                .order_by(Event.seq)
            )
        ).all()
    assert (manifest["chain"]["first"]["seq"], manifest["chain"]["first"]["hash"]) == tuple(
        chained[0]
    )
    assert (manifest["chain"]["last"]["seq"], manifest["chain"]["last"]["hash"]) == tuple(
        chained[-1]
    )
    assert manifest["chain"]["not_yet_chained"] == 0
    history = json.loads(_read(path, "naskah/PKP-2026-0001/riwayat.json"))
    assert [event["action"] for event in history][:3] == ["created", "submit", "step_reminded"]
    assert all(len(event["hash"]) == 64 for event in history)
    data = json.loads(_read(path, "naskah/PKP-2026-0001/naskah.json"))
    assert data["targets"][0]["url"] == "https://example.go.id/a"
    assert data["files"][0]["original"] == "naskah/PKP-2026-0001/asli/01-IMG_0001.jpg"
    assert "sha256sum -c SHA256SUMS" in _read(path, "BACA-SAYA.txt").decode()
    assert check_archive(path).ok


def _rewrite(path: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of the ZIP with members replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            if info.filename in change:
                continue
            out.writestr(info, source.read(info))
        for name, data in change.items():
            if data is not None:
                out.writestr(name, data)


async def test_a_changed_missing_or_added_file_is_named(
    written: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    path, _ = written
    photo = f"{ROOT}/naskah/PKP-2026-0001/asli/01-IMG_0001.jpg"
    cases = {
        "changed": {photo: b"another picture"},
        "missing": {f"{ROOT}/naskah/PKP-2026-0002/riwayat.json": None},
        "unlisted": {f"{ROOT}/naskah/PKP-2026-0001/asli/03-extra.jpg": b"x"},
    }
    for what, change in cases.items():
        tampered = tmp_path / f"{what}.zip"
        _rewrite(path, tampered, change)
        checked = check_archive(tampered)
        assert [(p.path, p.what) for p in checked.problems] == [
            (next(iter(change)).removeprefix(f"{ROOT}/"), what)
        ]


async def test_only_a_month_that_has_ended(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path / "media")
    with pytest.raises(MonthNotOver):
        await archives(sessions, blobs, tmp_path).write(NOVEMBER, at(11, 30, "16:00"))
    assert not (tmp_path / "archive").exists() or not any((tmp_path / "archive").iterdir())


async def test_warta_archive_and_verify(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    migrated_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
    await _store(sessions, list(ITEMS))
    await _with_files(sessions, LocalBlobStore(tmp_path / "data" / "media"))
    assert await asyncio.to_thread(main, ["archive", "--month", "2026-11"]) == 0
    out = capsys.readouterr().out
    zipped = tmp_path / "data" / "archive" / f"{ROOT}.zip"
    assert f"archive          {zipped}" in out and "items            6" in out
    assert "not yet chained" in out  # the bot was not running to chain them

    assert await asyncio.to_thread(main, ["archive", "verify", str(zipped)]) == 0
    assert "OK: every file matches SHA256SUMS" in capsys.readouterr().out
    _rewrite(zipped, tmp_path / "bad.zip", {f"{ROOT}/BACA-SAYA.txt": b"diubah"})
    assert await asyncio.to_thread(main, ["archive", "verify", str(tmp_path / "bad.zip")]) == 1
    assert "BACA-SAYA.txt: its content differs" in capsys.readouterr().out
    (tmp_path / "not.zip").write_bytes(b"hello")
    assert await asyncio.to_thread(main, ["archive", "verify", str(tmp_path / "not.zip")]) == 1
    assert "is not a readable ZIP file" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["archive", "verify"]) == 2
    assert "warta archive verify FILE" in capsys.readouterr().err


async def test_the_bot_writes_last_months_archive_once_when_the_office_opens(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    month_archives = archives(sessions, LocalBlobStore(tmp_path / "media"), tmp_path)
    calendar = CALENDAR
    # Tuesday 1 December 06.00: the office is not open yet.
    assert archive_due(month_archives, calendar, at(12, 1, "06:00")) is None
    assert archive_due(month_archives, calendar, at(12, 1, "07:45")) == NOVEMBER
    written = await month_archives.write(NOVEMBER, at(12, 1, "07:45"))
    assert check_archive(written.path).ok
    assert archive_due(month_archives, calendar, at(12, 1, "08:00")) is None
    with zipfile.ZipFile(written.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 1, 7, 45, 0)}


async def _peak_with_original(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, mib: int
) -> tuple[int, Path, str]:
    """The traced memory's peak while archiving November with one original of ``mib``
    MiB on PKP-2026-0004 (the report's own drawing is in both)."""
    blobs = LocalBlobStore(tmp_path / "media")
    source = tmp_path / "video.mp4"
    with source.open("wb") as out:
        for _ in range(mib):
            out.write(os.urandom(1024 * 1024))
    ref = await blobs.put_file(source)
    async with sessions.begin() as session:
        await session.execute(delete(Media).where(Media.item_id == 4))
        session.add(
            Media(
                item_id=4,
                kind="video",
                telegram_file_id="v",
                telegram_unique_id="v",
                file_name="rapat.mp4",
                mime_type="video/mp4",
                size=ref.size,
                sha256=ref.sha256,
                blob_key=ref.key,
                received_at=at(11, 30, "08:30"),
            )
        )
    month_archives = archives(sessions, blobs, tmp_path)
    tracemalloc.start()
    try:
        written = await month_archives.write(NOVEMBER, NOW, tmp_path / f"{mib}.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, written.path, ref.sha256


async def test_a_large_original_goes_in_without_being_held_in_memory(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _store(sessions, list(ITEMS))
    await _peak_with_original(sessions, tmp_path, 1)  # fonts and charts warmed up once
    small, _, _ = await _peak_with_original(sessions, tmp_path, 1)
    large, path, digest = await _peak_with_original(sessions, tmp_path, 64)
    # 63 MiB more in the month, at most a chunk or two more in memory.
    assert large - small < 4 * 1024 * 1024, f"{small=} {large=}"
    checked = check_archive(path)
    assert checked.ok
    entry = next(f for f in checked.manifest["files"] if f["path"].endswith("asli/01-rapat.mp4"))
    assert (entry["sha256"], entry["size"]) == (digest, 64 * 1024 * 1024)
