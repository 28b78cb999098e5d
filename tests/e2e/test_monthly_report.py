"""/laporan: an official asks for the month's SOP report in chat and gets the summary,
the two charts and the PDF and spreadsheet; everyone else gets a polite answer.

The office clock starts on Thursday 26 November 2026 at 09.00 WIB.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from bot.shell.archive_check import check_archive
from tests.e2e.harness import FakeBotAPI
from tests.e2e.office import Office, card, code_in, running_office, snapshot, to_official


async def published_item(o: Office) -> str:
    await o.officer.sends("Pasar murah\nPasar murah di halaman kantor hari Sabtu.")
    code = code_in(o.officer.last_text())
    await to_official(o, code)
    await o.official.taps(
        "Setujui", in_chat=o.officials_group, message=card(o.officials_group, code)
    )
    return code


def uploads(server: FakeBotAPI, chat_id: int) -> dict[str, bytes]:
    """Every file uploaded to ``chat_id`` in an album, by its name."""
    found = {}
    for call in server.calls_to("sendMediaGroup"):
        if int(call.params["chat_id"]) == chat_id:
            for upload in call.files.values():
                found[upload.filename or ""] = upload.data
    return found


async def test_an_official_gets_the_month_in_chat(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        code = await published_item(o)
        o.clock.advance(minutes=30)

        await o.official.sends("/laporan 2026-11")
        texts = [m.text or "" for m in o.official.chat.messages()]
        assert any("Laporan November 2026 sedang disusun" in text for text in texts)
        summary = o.official.chat.find("Laporan SOP — November 2026").text or ""
        # Handed over today, waiting for the publisher (the month is still running).
        assert "Diserahkan: 1 naskah" in summary and "dalam proses 1" in summary
        assert "Bulan berjalan: angka sampai" in summary
        assert "4. Penyaringan pejabat" in summary

        files = uploads(fake_bot_api, o.official.id)
        assert sorted(files) == [
            "laporan-sop-2026-11-bagian.png",
            "laporan-sop-2026-11-langkah.png",
            "laporan-sop-2026-11.pdf",
            "laporan-sop-2026-11.xlsx",
        ]
        pdf = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(files["laporan-sop-2026-11.pdf"])).pages
        )
        assert "Laporan Pengawasan Pengelolaan Informasi — November 2026" in pdf
        assert "Bidang Pengawasan" in pdf  # the officer's section
        book = load_workbook(io.BytesIO(files["laporan-sop-2026-11.xlsx"]))
        assert book.sheetnames[0] == "Per bagian"
        # Asking changes nothing: the item still waits for the publisher.
        assert (await snapshot(database_url)).item(code).state == "approved"


async def test_who_may_ask_and_which_months(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("/laporan")
        assert "hanya untuk pejabat dan admin" in o.officer.last_text()
        await o.editor.sends("/laporan 2026-11")
        assert "hanya untuk pejabat dan admin" in o.editor.last_text()

        await o.official.sends("/laporan November")
        answer = o.official.last_text()
        assert "November tidak dapat dibaca" in answer and "/laporan 2026-10" in answer
        await o.official.sends("/laporan 2027-01")
        assert "Januari 2027 belum dimulai" in o.official.last_text()
        assert uploads(fake_bot_api, o.official.id) == {}

        # An admin may ask too; without a month it is last month's (October: empty).
        await o.admin.sends("/laporan")
        summary = o.admin.chat.find("Laporan SOP — Oktober 2026").text or ""
        assert "Diserahkan: 0 naskah" in summary
        assert "laporan-sop-2026-10.pdf" in uploads(fake_bot_api, o.admin.id)


async def run_archive_job(o: Office) -> None:
    """Run the month-archive timer once, as the job queue does every quarter hour."""
    job = o.h.app.job_queue.get_jobs_by_name("month-archive")[0]
    await job.run(o.h.app)
    await o.h.settle()


async def test_the_bot_archives_last_month_once_and_says_so(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await published_item(o)
        folder = Path(o.h.settings.data_dir) / "archive"
        # October ended before warta was installed: nothing to archive; November runs.
        await run_archive_job(o)
        assert not folder.exists() and not o.log_group.find_all("Arsip bulan")

        # Tuesday 1 December 06.00: the month is over, the office not open yet.
        o.clock.advance(days=4, hours=21)
        await run_archive_job(o)
        assert not o.log_group.find_all("Arsip bulan")
        # A file where the archive folder should be: the log group hears why, once.
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.write_text("not a folder")
        o.clock.advance(hours=2)  # 08.00
        await run_archive_job(o)
        [failed] = o.log_group.find_all("Arsip bulan 2026-11 belum dapat ditulis")
        assert "Dicoba lagi dalam satu jam" in (failed.text or "")
        folder.unlink()
        o.clock.advance(minutes=30)
        await run_archive_job(o)
        assert not folder.exists()  # waits the hour
        o.clock.advance(minutes=31)
        await run_archive_job(o)
        [done] = o.log_group.find_all("Arsip bulan 2026-11 selesai")
        assert "arsip-2026-11.zip, 1 naskah" in (done.text or "")
        assert check_archive(folder / "arsip-2026-11.zip").ok
        o.clock.advance(minutes=15)
        await run_archive_job(o)
        assert len(o.log_group.find_all("Arsip bulan 2026-11 selesai")) == 1
