"""The hand-computed month as files: the PDF's text carries the figures and its headers,
the spreadsheet reads back with numbers as numbers, the charts are pictures."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from bot.core.i18n import Translator
from bot.core.months import Month
from bot.core.report_records import ItemRecord
from bot.core.standards import StepClock, TimeStandards
from bot.ports.records import ArchivedItem, MonthChain
from bot.shell.report_files import ReportRenderer
from bot.usecases.report import MonthlyReports, ReportFiles
from tests.unit.report_month import CALENDAR, ITEMS, at

OFFICE = "DPMPTSP dan Tenaga Kerja Kota Pangkalpinang"
SOP = "SOP.WASDA 006/DPMPSTP& NAKER"
NOW = at(12, 7, "09:00")


class FixtureMonth:
    """The records port holding the hand-computed month (tests/unit/report_month.py)."""

    async def month_records(self, start: datetime, end: datetime) -> list[ItemRecord]:
        return list(ITEMS)

    def month_items(self, start: datetime, end: datetime) -> AsyncIterator[ArchivedItem]:
        raise NotImplementedError("the report reads no archived items")

    async def month_chain(self, start: datetime, end: datetime) -> MonthChain:
        raise NotImplementedError("the report reads no chain")

    async def history_before(self, end: datetime) -> bool:
        return True


def render(folder: Path, language: str = "id", now: datetime = NOW) -> ReportFiles:
    reports = MonthlyReports(
        FixtureMonth(),
        StepClock(TimeStandards(), CALENDAR),
        Translator(),
        ReportRenderer(),
        folder=folder,
        office=OFFICE,
        sop=SOP,
    )
    # The use case as the bot runs it: the figures from the port, then the files.
    return asyncio.run(reports.make(Month(2026, 11), now, language))


@pytest.fixture(scope="module")
def november(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    return render(tmp_path_factory.mktemp("reports"))


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, its lines joined (a long title wraps)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_the_pdf_carries_the_figures_headers_and_page_numbers(november: ReportFiles) -> None:
    pages = pdf_pages(november.pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert OFFICE in text and SOP in text
        assert f"Halaman {number} dari {len(pages)}" in text
    text = "\n".join(pages)
    assert "Laporan Pengawasan Pengelolaan Informasi — November 2026" in text
    # Per section, per step, the late list, the targets and the decisions.
    assert "Perizinan" in text and "(tanpa bagian)" in text
    assert "2. Serah terima Tim IT" in text and "80%" in text and "5 j 30 mnt" in text
    assert "PKP-2026-0004" in text and "Budi (Tim IT)" in text and "2 j 30 mnt" in text
    assert "Webhook" in text and "Kanal Telegram" in text
    assert "Tidak sesuai" in text and "Data keliru" in text
    assert PdfReader(november.pdf).metadata.title.endswith("November 2026")  # type: ignore[union-attr]


def test_the_spreadsheet_has_one_sheet_per_table_with_typed_cells(november: ReportFiles) -> None:
    book = load_workbook(november.xlsx)
    assert book.sheetnames == [
        "Per bagian",
        "Waktu per langkah",
        "Terlambat",
        "Pengingat",
        "Penayangan",
        "Keputusan",
    ]
    steps = [row for row in book["Waktu per langkah"].iter_rows(values_only=True) if row[0]]
    submitted = next(row for row in steps if row[0] == "2. Serah terima Tim IT")
    assert submitted[2:] == (5, timedelta(minutes=30), timedelta(minutes=330), 4, 0.8)
    sections = list(book["Per bagian"].iter_rows(values_only=True))
    assert ("Jumlah", 2, 0, 1, 1, 1, 5) in sections
    late = [row for row in book["Terlambat"].iter_rows(values_only=True) if row[0]]
    first = late[late.index(next(r for r in late if r[0] == "PKP-2026-0004"))]
    # Excel has no zones: the due instant is written as the office's own clock.
    assert first[4] == datetime(2026, 11, 30, 12, 0) and first[5] == timedelta(minutes=240)


def test_the_charts_are_pictures(november: ReportFiles) -> None:
    for chart in november.charts:
        with Image.open(chart) as picture:
            assert picture.format == "PNG" and picture.width >= 800


def test_english_and_a_running_month(tmp_path: Path) -> None:
    files = render(tmp_path, "en", now=at(11, 11, "11:30"))
    assert files.pdf.name == "laporan-sop-2026-11-en.pdf"
    text = "\n".join(pdf_pages(files.pdf))
    assert "Supervision report on information management — November 2026" in text
    assert "The month is still running" in text and "Page 1 of" in text
    assert "still running" in files.summary
    assert load_workbook(files.xlsx).sheetnames[0] == "By section"


def test_the_chat_summary(november: ReportFiles) -> None:
    summary = november.summary
    assert summary.startswith("📊 <b>Laporan SOP — November 2026</b>")
    assert "Diserahkan: <b>5</b> naskah — terbit 2" in summary
    assert "2. Serah terima Tim IT: median 30 mnt, P90 5 j 30 mnt (standar 3 j)" in summary
    assert "Terlambat: 3 langkah. Pengingat: 2, eskalasi: 2." in summary
    # Short enough for one Telegram message.
    assert len(summary) < 4096


def test_files_are_replaced_whole(tmp_path: Path) -> None:
    first = render(tmp_path)
    again = render(tmp_path)
    assert first.files == again.files
    assert not list(tmp_path.rglob("*.partial"))
    assert io.BytesIO(again.pdf.read_bytes()).getvalue().startswith(b"%PDF")
