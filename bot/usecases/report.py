"""Make a month's supervision report: read the month's records once, compute the figures
(:mod:`bot.core.report`), and write the charts, the PDF and the spreadsheet.

Drawing and writing take a second or two of CPU, so they run in a worker thread: the
bot keeps answering taps while a report is made. Files are written under a temporary
name and renamed, so a half-written report is never sent or archived.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.i18n import DEFAULT_LANGUAGE, Translator
from bot.core.months import Month
from bot.core.report import MonthlyReport, monthly_report
from bot.core.report_tables import ReportTables
from bot.core.standards import StepClock
from bot.ports.records import Records


class Renderer(Protocol):
    """Draws and writes the report's files (``bot.shell.report_files``)."""

    def charts(
        self, tables: ReportTables, standard_hours: Mapping[str, float]
    ) -> tuple[bytes, bytes]: ...

    def pdf(
        self,
        tables: ReportTables,
        charts: tuple[bytes, ...],
        *,
        office: str,
        sop: str,
        made_at: datetime,
    ) -> bytes: ...

    def xlsx(self, tables: ReportTables) -> bytes: ...


class FutureMonth(ValueError):
    """The month has not begun: there is nothing to report yet."""


@dataclass(frozen=True)
class ReportFiles:
    report: MonthlyReport
    summary: str  # a short HTML text for the chat, in the reader's language
    charts: tuple[Path, ...]
    pdf: Path
    xlsx: Path

    @property
    def files(self) -> tuple[Path, ...]:
        return (*self.charts, self.pdf, self.xlsx)


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Its own temporary name: two people asking for the same month at once each write
    # their own, and the last rename wins with a whole file.
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    return path


class MonthlyReports:
    def __init__(
        self,
        records: Records,
        steps: StepClock,
        t: Translator,
        renderer: Renderer,
        *,
        folder: Path,
        office: str,
        sop: str,
    ) -> None:
        self._records = records
        self._steps = steps
        self._t = t
        self._renderer = renderer
        self.folder = folder
        self._office = office
        self._sop = sop

    @property
    def translator(self) -> Translator:
        return self._t

    @property
    def zone(self) -> ZoneInfo:
        return self._steps.calendar.zone

    async def figures(self, month: Month, now: datetime) -> MonthlyReport:
        calendar = self._steps.calendar
        start, end = month.bounds(calendar.zone)
        if start > now:
            raise FutureMonth(str(month))
        records = await self._records.month_records(start, min(end, now))
        return monthly_report(
            month, records, calendar=calendar, standards=self._steps.standards, now=now
        )

    async def make(
        self, month: Month, now: datetime, language: str = DEFAULT_LANGUAGE
    ) -> ReportFiles:
        report = await self.figures(month, now)
        return await asyncio.to_thread(self._render, report, now, language)

    def _standard_hours(self, report: MonthlyReport) -> dict[str, float]:
        """Each step's late point in hours of working time, counted from the month's first
        opening (a working day is as long as that day)."""
        calendar = self._steps.calendar
        opening = calendar.next_open(report.month.bounds(calendar.zone)[0])
        hours = {}
        for step in report.steps:
            standard = self._steps.standards.for_state(step.state)
            assert standard is not None
            due = calendar.add(opening, standard.late)
            hours[step.state.value] = calendar.between(opening, due).total_seconds() / 3600
        return hours

    def _render(self, report: MonthlyReport, now: datetime, language: str) -> ReportFiles:
        tables = ReportTables(report, self._t, language, self._steps.calendar.zone)
        charts = self._renderer.charts(tables, self._standard_hours(report))
        folder = self.folder / str(report.month)
        suffix = "" if language == DEFAULT_LANGUAGE else f"-{language}"
        name = f"laporan-sop-{report.month}{suffix}"
        chart_files = (
            _write(folder / f"{name}-langkah.png", charts[0]),
            _write(folder / f"{name}-bagian.png", charts[1]),
        )
        pdf = self._renderer.pdf(tables, charts, office=self._office, sop=self._sop, made_at=now)
        return ReportFiles(
            report=report,
            summary=tables.summary(),
            charts=chart_files,
            pdf=_write(folder / f"{name}.pdf", pdf),
            xlsx=_write(folder / f"{name}.xlsx", self._renderer.xlsx(tables)),
        )
