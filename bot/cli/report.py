"""``warta report``: a month's supervision report as files, and its summary printed."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from bot.core.months import Month
from bot.shell.config import Settings
from bot.usecases.report import ReportFiles
from bot.usecases.services import utc_now

_TAG = re.compile(r"<[^>]+>")


def cmd_report(settings: Settings, month: Month, language: str, out: Path | None) -> int:
    """Write the month's charts, PDF and spreadsheet; print where, and the summary."""
    from bot.shell.wiring import month_reports
    from storage.db import create_engine, make_sessions

    async def make() -> ReportFiles:
        engine = create_engine(settings.effective_database_url)
        try:
            reports = month_reports(settings, make_sessions(engine))
            if out is not None:
                reports.folder = out
            return await reports.make(month, utc_now(), language)
        finally:
            await engine.dispose()

    files = asyncio.run(make())
    print(_TAG.sub("", files.summary))
    print()
    for path in files.files:
        print(f"written  {path}")
    return 0
