"""A hand-computed month (November 2026) for the supervision report.

The office works Mon-Thu 07.30-16.00 and Fri 07.30-16.30 (WIB); Tuesday 10 November is
closed (a local holiday). Every figure the tests expect is worked out in the comments,
so a reader can check them with a calendar and a pencil.

- PKP-2026-0001 (Perizinan): handed over Friday, accepted late (2 h 30 min past the
  three hours), edited across the weekend (2 h of working time), published; the site
  had it in 2 minutes, the channel after three attempts and 30 minutes (late).
- PKP-2026-0002 (Perizinan): sent back on Monday, handed over again on Wednesday across
  the holiday (1 h of working time), rejected an hour late by the official.
- PKP-2026-0003 (Ketenagakerjaan): published in October, taken down in November.
- PKP-2026-0004 (no section): handed over on 30 November, still waiting at the month's
  end, 4 h past its late point.
- PKP-2026-0005 (Ketenagakerjaan): sent back, then withdrawn by its officer.
- PKP-2026-0006 (Perizinan): scheduled by the publisher 5 minutes after approval,
  published the next morning; the webhook failed five times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.report_records import HistoryEvent, ItemRecord, PublicationRecord
from bot.core.working_time import OfficeCalendar, office_week

WIB = ZoneInfo("Asia/Jakarta")
HOLIDAY = date(2026, 11, 10)


class _Closed:
    def get(self, day: date, /) -> str | None:
        return "Libur daerah" if day == HOLIDAY else None


CALENDAR = OfficeCalendar(WIB, office_week("Mon-Thu 07:30-16:00, Fri 07:30-16:30"), _Closed())


def at(month: int, day: int, clock: str, second: int = 0) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(2026, month, day, hour, minute, second, tzinfo=WIB)


def move(when: datetime, action: str, source: str, target: str, **extra: str) -> HistoryEvent:
    return HistoryEvent(when, action, source, target, **extra)


def mark(when: datetime, action: str, note: str | None = None) -> HistoryEvent:
    return HistoryEvent(when, action, None, None, "warta", "system", note)


IT = {"actor_name": "Budi", "actor_role": "it"}
EDITOR = {"actor_name": "Dewi", "actor_role": "editor"}
OFFICIAL = {"actor_name": "Ibu Sari", "actor_role": "official"}
PUBLISHER = {"actor_name": "Rudi", "actor_role": "publisher"}
OFFICER = {"actor_name": "Andi", "actor_role": "officer"}


def item(
    number: int,
    title: str,
    section: str | None,
    created: datetime,
    events: tuple[HistoryEvent, ...],
    publications: tuple[PublicationRecord, ...] = (),
) -> ItemRecord:
    return ItemRecord(
        number, f"PKP-2026-{number:04d}", title, section, "Andi", created, events, publications
    )


ITEMS: tuple[ItemRecord, ...] = (
    item(
        1,
        "Pelayanan izin keliling",
        "Perizinan",
        at(11, 6, "09:00"),
        events=(
            move(at(11, 6, "10:00"), "submit", "collecting", "submitted", **OFFICER),
            mark(at(11, 6, "11:00"), "step_reminded"),
            mark(at(11, 6, "13:00"), "step_escalated"),
            move(at(11, 6, "15:30"), "accept", "submitted", "editing", **IT),
            move(at(11, 9, "08:30"), "to_official", "editing", "review", **EDITOR),
            move(at(11, 9, "09:00"), "approve", "review", "approved", **OFFICIAL),
            move(at(11, 9, "09:10"), "publish", "approved", "published", **PUBLISHER),
            mark(at(11, 9, "09:12"), "target_published", "site — https://example.go.id/a"),
            mark(at(11, 9, "09:40"), "target_published", "channel — https://t.me/c/1"),
        ),
        publications=(
            PublicationRecord("site", at(11, 9, "09:10"), attempts=1),
            PublicationRecord("channel", at(11, 9, "09:10"), attempts=3),
        ),
    ),
    item(
        2,
        "Sosialisasi OSS",
        "Perizinan",
        at(11, 9, "14:00"),
        events=(
            move(at(11, 9, "15:00"), "submit", "collecting", "submitted", **OFFICER),
            move(
                at(11, 9, "15:30"), "send_back", "submitted", "collecting", note="foto buram", **IT
            ),
            move(at(11, 11, "08:00"), "submit", "collecting", "submitted", **OFFICER),
            move(at(11, 11, "08:30"), "accept", "submitted", "editing", **IT),
            move(at(11, 11, "10:00"), "to_official", "editing", "review", **EDITOR),
            move(
                at(11, 11, "12:00"), "reject", "review", "rejected", note="Tidak sesuai", **OFFICIAL
            ),
        ),
    ),
    item(
        3,
        "Bursa kerja",
        "Ketenagakerjaan",
        at(10, 30, "08:00"),
        events=(
            move(at(10, 30, "09:00"), "submit", "collecting", "submitted", **OFFICER),
            move(at(10, 30, "09:30"), "accept", "submitted", "editing", **IT),
            move(at(10, 30, "10:00"), "to_official", "editing", "review", **EDITOR),
            move(at(10, 30, "10:30"), "approve", "review", "approved", **OFFICIAL),
            move(at(10, 30, "10:40"), "publish", "approved", "published", **PUBLISHER),
            mark(at(10, 30, "10:41"), "target_published", "site — https://example.go.id/c"),
            move(
                at(11, 12, "10:00"),
                "unpublish",
                "published",
                "unpublished",
                note="Data keliru",
                **OFFICIAL,
            ),
            mark(at(11, 12, "10:01"), "target_removed", "site"),
        ),
        publications=(PublicationRecord("site", at(10, 30, "10:40")),),
    ),
    item(
        4,
        "Rapat koordinasi",
        None,
        at(11, 30, "08:00"),
        events=(
            move(at(11, 30, "09:00"), "submit", "collecting", "submitted", **OFFICER),
            mark(at(11, 30, "10:00"), "step_reminded"),
            mark(at(11, 30, "12:00"), "step_escalated"),
            mark(at(12, 1, "07:30"), "step_reminded"),
            move(at(12, 1, "08:00"), "accept", "submitted", "editing", **IT),
        ),
    ),
    item(
        5,
        "Pelatihan K3",
        "Ketenagakerjaan",
        at(11, 2, "08:00"),
        events=(
            move(at(11, 2, "09:00"), "submit", "collecting", "submitted", **OFFICER),
            move(at(11, 2, "09:30"), "send_back", "submitted", "collecting", note="kurang", **IT),
            move(at(11, 3, "08:00"), "withdraw", "collecting", "withdrawn", **OFFICER),
        ),
    ),
    item(
        6,
        "Pameran investasi",
        "Perizinan",
        at(11, 16, "08:00"),
        events=(
            move(at(11, 16, "08:30"), "submit", "collecting", "submitted", **OFFICER),
            move(at(11, 16, "09:00"), "accept", "submitted", "editing", **IT),
            move(at(11, 16, "10:00"), "to_official", "editing", "review", **EDITOR),
            move(at(11, 16, "10:30"), "approve", "review", "approved", **OFFICIAL),
            move(at(11, 16, "10:35"), "schedule", "approved", "approved", **PUBLISHER),
            move(at(11, 17, "07:00"), "publish", "approved", "published"),
            mark(at(11, 17, "07:00", 30), "target_published", "site — https://example.go.id/f"),
        ),
        publications=(
            PublicationRecord("site", at(11, 17, "07:00")),
            PublicationRecord("webhook", at(11, 17, "07:00"), attempts=5),
        ),
    ),
)

MINUTES = timedelta(minutes=1)
