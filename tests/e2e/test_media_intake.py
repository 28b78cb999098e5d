"""Files are judged by their bytes when they arrive: a bad one is refused with its
reason in the officer's language, and the rest of the submission is kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import card, code_in, running_office, snapshot, to_editor
from tests.fakebotapi.samples import png_header_only

REFUSED = "tidak dapat diterima"


GOOD = sample_jpeg(width=320, height=240, color=(30, 140, 70))
CUT = sample_jpeg(width=800, height=600, color=(140, 30, 70))[:900]
BAD_FILES = [
    ("kosong.jpg", b"", "image/jpeg", "kosong (0 bita)"),
    ("terpotong.jpg", CUT, "image/jpeg", "rusak atau terpotong"),
    ("besar.png", png_header_only(), "image/png", "terlalu besar untuk dibuka"),
    ("foto.jpg", b"MZ\x90\x00\x03" + b"\x00" * 300, "image/jpeg", "tidak dapat diterbitkan"),
    ("undangan.jpg", b"%PDF-1.4 undangan\n%%EOF\n", "image/jpeg", "tidak sesuai"),
]


@pytest.mark.parametrize(
    ("name", "data", "mime", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
async def test_a_bad_file_is_refused_and_the_rest_is_kept(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    name: str,
    data: bytes,
    mime: str,
    reason: str,
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(GOOD, caption="Sidak pasar\nPemeriksaan timbangan pedagang.")
        code = code_in(o.officer.last_text())
        await o.officer.sends_document(name, data, mime)

        notice = o.officer.chat.find(REFUSED)
        assert name in notice.text and code in notice.text and reason in notice.text
        assert "tetap tersimpan" in notice.text
        rows = await snapshot(database_url)
        photo, refused = rows.media_of(code)
        assert photo.blob_key is not None and not photo.dropped and photo.refused is None
        assert refused.dropped and refused.blob_key is None
        assert refused.refused is not None and refused.refused.startswith("intake.refused.")
        assert any(e.action == "media_refused" for e in rows.events_of(code))
        draft = card(o.officer.chat, code)
        assert "1 foto" in draft.text
        assert "Sidak pasar" in draft.text

        # The draft goes on as if the bad file had never come; it is not fetched again.
        downloads = len(fake_bot_api.downloads)
        sweep = o.h.app.job_queue.get_jobs_by_name("download-sweep")[0]
        await sweep.run(o.h.app)
        await o.h.settle()
        assert len(fake_bot_api.downloads) == downloads
        await to_editor(o, code)
        assert (await snapshot(database_url)).item(code).state == "editing"


async def test_the_same_file_twice_is_kept_once_and_the_officer_told(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(GOOD, caption="Apel pagi\nApel pegawai.")
        code = code_in(o.officer.last_text())
        await o.officer.sends_document("apel.jpg", GOOD, "image/jpeg")

        notice = o.officer.chat.find(REFUSED)
        assert "sudah ada di naskah ini" in notice.text
        rows = await snapshot(database_url)
        first, second = rows.media_of(code)
        assert first.sha256 == second.sha256 and second.refused == "intake.refused.duplicate"
        assert not first.dropped and second.dropped
        assert "1 foto" in card(o.officer.chat, code).text


async def test_a_refusal_reaches_an_english_speaking_officer_in_english(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("/bahasa")
        await o.officer.taps("English")
        await o.officer.sends_photo(GOOD, caption="Market check\nScales checked.")
        code = code_in(o.officer.last_text())
        await o.officer.sends_document("empty.jpg", b"", "image/jpeg")
        notice = o.officer.chat.find("could not be taken")
        assert code in notice.text and "empty (0 bytes)" in notice.text


def _big_pdf(megabytes: int) -> bytes:
    filler = b"% scanned pages\n" * (megabytes * 1024 * 1024 // 16)
    return b"%PDF-1.4\n" + filler + b"%%EOF\n"


async def test_a_30_mb_file_is_refused_on_the_public_bot_api_with_what_to_do(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_document("laporan.pdf", _big_pdf(30), "application/pdf")
        refusal = o.officer.last_text()
        assert "20 MB" in refusal and "kompres" in refusal
        assert (await snapshot(database_url)).media == []


async def test_a_30_mb_file_is_kept_with_a_self_hosted_bot_api_server(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    fake_bot_api.local_dir = tmp_path / "bot-api-server"
    try:
        async with running_office(
            fake_bot_api, tmp_path, database_url, telegram_local_mode=True, max_download_mb=2000
        ) as o:
            data = _big_pdf(30)
            await o.officer.sends_document(
                "laporan.pdf", data, "application/pdf", caption="Laporan\nIsi."
            )
            code = code_in(o.officer.last_text())
            (media,) = (await snapshot(database_url)).media_of(code)
            assert media.sha256 == hashlib.sha256(data).hexdigest() and media.refused is None
            assert media.size == len(data)
            assert "1 dokumen" in card(o.officer.chat, code).text
    finally:
        fake_bot_api.local_dir = None
