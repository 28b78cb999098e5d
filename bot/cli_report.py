"""``warta report``: a month's supervision report as files, and its summary printed."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from bot.config import Settings
from bot.i18n import Translator
from bot.report import Month
from bot.services import utc_now
from bot.usecases.report import ReportFiles

_TAG = re.compile(r"<[^>]+>")


def report_folder(settings: Settings) -> Path:
    return settings.data_dir / "reports"


def cmd_report(settings: Settings, month: Month, language: str, out: Path | None) -> int:
    """Write the month's charts, PDF and spreadsheet; print where, and the summary."""
    from bot.office_calendar import office_calendar
    from bot.standards import StepClock
    from bot.usecases.report import MonthlyReports
    from storage.db import create_engine, make_sessions

    async def make() -> ReportFiles:
        engine = create_engine(settings.effective_database_url)
        try:
            reports = MonthlyReports(
                make_sessions(engine),
                StepClock(settings.time_standards, office_calendar(settings)),
                Translator(settings.default_language),
                folder=out or report_folder(settings),
                office=settings.office_name,
                sop=settings.sop_number,
            )
            return await reports.make(month, utc_now(), language)
        finally:
            await engine.dispose()

    files = asyncio.run(make())
    print(_TAG.sub("", files.summary))
    print()
    for path in files.files:
        print(f"written  {path}")
    return 0
