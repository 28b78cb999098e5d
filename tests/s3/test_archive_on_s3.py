"""A month's archive when the originals are on S3 (moto in server mode): each original
comes down to a temporary file in chunks, goes into the ZIP, and the file is removed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.shell.archive_check import check_archive
from storage.audit import ChainStore
from tests.s3.server import S3Server
from tests.s3.test_s3_blobs import _store as s3_store
from tests.s3.test_s3_blobs import bucket  # noqa: F401
from tests.storage.test_archive import NOVEMBER, NOW, ROOT, _with_files, archives
from tests.storage.test_report_rows import _store
from tests.unit.report_month import ITEMS


async def test_originals_on_s3_reach_the_archive_byte_for_byte(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    s3_server: S3Server,
    bucket: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    blobs = s3_store(s3_server, bucket, tmp_path)
    await _store(sessions, list(ITEMS))
    originals = await _with_files(sessions, blobs)
    await ChainStore(engine).seal()
    written = await archives(sessions, blobs, tmp_path).write(NOVEMBER, NOW)
    assert check_archive(written.path).ok
    with zipfile.ZipFile(written.path) as archive:
        photo = archive.read(f"{ROOT}/naskah/PKP-2026-0001/asli/01-IMG_0001.jpg")
        public = [n for n in archive.namelist() if "/publik/" in n]
    assert photo == originals["IMG_0001.jpg"]
    assert len(public) == 2
    # The temporary copies are gone.
    assert not [p for p in (tmp_path / "tmp").rglob("*") if p.is_file()]
