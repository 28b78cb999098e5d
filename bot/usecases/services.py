"""The bundle of use cases one running warta hands its handlers, built once by the wiring
(:mod:`bot.shell.wiring`), and the few settings the handlers read, as a port: the shell's
``Settings`` satisfies :class:`OfficeSettings` without the handlers importing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.i18n import Translator
from bot.core.standards import StepClock
from bot.ports.absences import AbsenceWork
from bot.ports.blobs import BlobStore
from bot.ports.originals import OriginalsWork
from bot.ports.queue import QueueWork
from bot.ports.units import Units
from bot.usecases.archive import MonthArchives
from bot.usecases.chain import Chain
from bot.usecases.chats import ChatService
from bot.usecases.downloads import Originals
from bot.usecases.drafts import DraftService
from bot.usecases.items import ItemService
from bot.usecases.people import PeopleService
from bot.usecases.remind import ReminderSweep
from bot.usecases.report import MonthlyReports


def utc_now() -> datetime:
    return datetime.now(UTC)


class OfficeSettings(Protocol):
    """What the handlers read of the operator's configuration (README "Configuration")."""

    @property
    def default_language(self) -> str: ...
    @property
    def auto_publish(self) -> bool: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def album_settle_seconds(self) -> float: ...
    @property
    def max_download_mb(self) -> int: ...
    @property
    def max_download_bytes(self) -> int: ...
    @property
    def publish_alert_after(self) -> int: ...
    @property
    def telegram_local_mode(self) -> bool: ...

    def secret_values(self) -> list[str]:
        """Every configured secret, to be blotted out of what reaches a chat."""
        ...


@dataclass(frozen=True)
class Work:
    """The units of work the handlers' smaller use cases open (built by the wiring)."""

    queue: Units[QueueWork]
    absences: Units[AbsenceWork]
    originals: Units[OriginalsWork]


@dataclass
class Services:
    settings: OfficeSettings
    people: PeopleService
    items: ItemService
    drafts: DraftService
    chats: ChatService
    blobs: BlobStore
    t: Translator
    zone: ZoneInfo
    # For the use cases that open their own units of work.
    work: Work
    # Bringing in received files' originals: the blob store, the check of their bytes.
    originals: Originals
    # The history's hash chain (the chain timer); None in tests without one.
    chain: Chain | None = None
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
