"""Recording and cancelling an official's absence, each in one unit of work.

The deputy hears of it through the sender, by a row written with the absence: the news
cannot be lost, and the person who recorded it never waits on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import timefmt
from bot.core.deputies import Away, Period, Reason, Start, period_end, start_day, validate
from bot.core.outgoing import Kind, Message
from bot.core.working_time import OfficeCalendar
from storage.absences import cancel, record, upcoming
from storage.models import Person
from storage.outgoing import add


@dataclass(frozen=True)
class Recorded:
    away: Away
    # The chats that got rows (the deputy), to wake the sender.
    chats: tuple[int, ...]


async def record_absence(
    sessions: async_sessionmaker[AsyncSession],
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
    async with sessions.begin() as session:
        absence_id = await record(
            session, official_id, deputy_id, starts_on, ends_on, reason, recorded_by, now
        )
        away = next(a for a in await upcoming(session, today, official_id) if a.id == absence_id)
        chats: tuple[int, ...] = ()
        deputy = await session.get(Person, deputy_id) if deputy_id is not None else None
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
            await add(session, [message], now)
            chats = (deputy.id,)
    return Recorded(away, chats)


async def cancel_absence(
    sessions: async_sessionmaker[AsyncSession], absence_id: int, official_id: int, now: datetime
) -> bool:
    async with sessions.begin() as session:
        return await cancel(session, absence_id, official_id, now)


async def absences_from(
    sessions: async_sessionmaker[AsyncSession], day: date, official_id: int | None = None
) -> list[Away]:
    async with sessions() as session:
        return await upcoming(session, day, official_id)
