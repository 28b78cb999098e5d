"""Builds the supervision record's use cases from the settings: the monthly report and
the monthly archive (one place for the bot, the command line and the scheduled job)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.core.i18n import Translator
from bot.core.standards import StepClock
from bot.office_calendar import office_calendar
from bot.report_files import ReportRenderer
from bot.usecases.archive import MonthArchives
from bot.usecases.report import MonthlyReports
from bot.wiring_publishing import public_files
from publisher.archive_copies import ArchiveCopies
from storage.blobs import BlobStore


def month_reports(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> MonthlyReports:
    return MonthlyReports(
        sessions,
        StepClock(settings.time_standards, office_calendar(settings)),
        Translator(settings.default_language),
        ReportRenderer(),
        folder=settings.data_dir / "reports",
        office=settings.office_name,
        sop=settings.sop_number,
    )


def month_archives(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    blobs: BlobStore,
    reports: MonthlyReports | None = None,
) -> MonthArchives:
    return MonthArchives(
        sessions,
        blobs,
        reports or month_reports(settings, sessions),
        ArchiveCopies(public_files(settings, blobs)),
        folder=settings.data_dir / "archive",
        office=settings.office_name,
        sop=settings.sop_number,
    )
