"""Recording and cancelling an official's absence, each in one unit of work.

The deputy hears of it through the sender, by a row written with the absence: the news
cannot be lost, and the person who recorded it never waits on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core import timefmt
from bot.core.deputies import Away, Period, Reason, Start, period_end, start_day, validate
from bot.core.outgoing import Kind, Message
from bot.core.working_time import OfficeCalendar
from bot.ports.absences import AbsenceWork
from bot.ports.units import Units


@dataclass(frozen=True)
class Recorded:
    away: Away
    # The chats that got rows (the deputy), to wake the sender.
    chats: tuple[int, ...]


async def record_absence(
    units: Units[AbsenceWork],
    calendar: OfficeCalendar,
    official_id: int,
    start: Start,
    period: Period,
    reason: Reason,
    deputy_id: int | None,
    recorded_by: int,
    now: datetime,
) -> Recorded:
    today = calendar.local(now).date()
    starts_on = start_day(today, start)
    ends_on = period_end(starts_on, period)
    validate(official_id, deputy_id, starts_on, ends_on)
    async with units() as work:
        absence_id = await work.record(
            official_id, deputy_id, starts_on, ends_on, reason, recorded_by, now
        )
        away = next(a for a in await work.upcoming(today, official_id) if a.id == absence_id)
        chats: tuple[int, ...] = ()
        deputy = await work.person(deputy_id) if deputy_id is not None else None
        if deputy is not None and not deputy.unreachable:
            params = {
                "official": away.official_name,
                "start": timefmt.date_short(starts_on, deputy.language),
                "end": timefmt.date_short(ends_on, deputy.language),
                "reason": f"deputy.reason.{reason.value}",
            }
            message = Message(
                deputy.id, Kind.NOTICE, key="deputy.appointed", params=params, translate=("reason",)
            )
            await work.send([message], now)
            chats = (deputy.id,)
    return Recorded(away, chats)


async def cancel_absence(
    units: Units[AbsenceWork], absence_id: int, official_id: int, now: datetime
) -> bool:
    async with units() as work:
        return await work.cancel(absence_id, official_id, now)


async def absences_from(
    units: Units[AbsenceWork], day: date, official_id: int | None = None
) -> list[Away]:
    async with units.read() as work:
        return await work.upcoming(day, official_id)
