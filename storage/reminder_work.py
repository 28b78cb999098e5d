"""The reminder sweep's unit of work on a session (the port
:class:`bot.ports.reminders.ReminderWork`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.deputies import Away
from bot.core.outgoing import Message, Reach
from bot.core.purposes import Purpose
from bot.ports.reminders import Owed
from storage import absences, daily, outgoing, reach, reminders


class SqlReminderWork:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def owed(self, now: datetime) -> list[Owed]:
        return await reminders.owed(self._session, now)

    async def away_on(self, day: date) -> list[Away]:
        return await absences.away_on(self._session, day)

    async def mark_sent(self, visit: Owed, now: datetime) -> bool:
        return await reminders.mark_sent(self._session, visit, now)

    async def reach_for(self, item_id: int, officer_id: int) -> Reach:
        return await reach.reach_for(self._session, item_id, officer_id, wardens=True)

    async def done_on(self, name: str, day: date) -> bool:
        return await daily.done_on(self._session, name, day)

    def mark_done(self, name: str, day: date, now: datetime) -> None:
        daily.mark_done(self._session, name, day, now)

    async def team_chats(self) -> dict[int, list[Purpose]]:
        return await daily.team_chats(self._session)

    async def send(self, messages: Iterable[Message], now: datetime) -> None:
        await outgoing.add(self._session, messages, now)
