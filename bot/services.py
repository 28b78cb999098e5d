"""The bundle of services one running warta uses, built once by the app factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.core.i18n import Translator
from bot.core.standards import StepClock
from bot.usecases.archive import MonthArchives
from bot.usecases.chats import ChatService
from bot.usecases.drafts import DraftService
from bot.usecases.items import ItemService
from bot.usecases.people import PeopleService
from bot.usecases.remind import ReminderSweep
from bot.usecases.report import MonthlyReports
from storage.blob_stores import blob_store
from storage.blobs import BlobStore


def utc_now() -> datetime:
    return datetime.now(UTC)


def blobs_for(settings: Settings) -> BlobStore:
    """Where the originals are kept, as configured (WARTA_BLOB_STORE)."""
    return blob_store(
        settings.blob_store,
        settings.media_dir,
        settings.data_dir / "tmp",
        bucket=settings.s3_bucket,
        prefix=settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
    )


@dataclass
class Services:
    settings: Settings
    people: PeopleService
    items: ItemService
    drafts: DraftService
    chats: ChatService
    blobs: BlobStore
    t: Translator
    zone: ZoneInfo
    # For the use cases that read or write in their own unit of work.
    sessions: async_sessionmaker[AsyncSession]
    engine: AsyncEngine | None = None
    # The time standards' sweep (reminders and escalations); None in tests without one.
    reminders: ReminderSweep | None = None
    # The monthly SOP report (/laporan); None in tests without one.
    reports: MonthlyReports | None = None
    # The monthly archive, written by a timer after each month ends.
    archives: MonthArchives | None = None
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    @property
    def steps(self) -> StepClock:
        """The SOP's time standards on the office's working-time calendar."""
        return self.items.clock
