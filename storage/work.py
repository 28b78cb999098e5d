"""The use cases' units of work on one SQLAlchemy session each (their ports are in
``bot/ports``; :func:`storage.units.units` opens them). Each method is a read or a
write inside the unit; nothing here commits, and no ORM row leaves."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.deputies import Away, Reason
from bot.core.outgoing import Message, Reach
from bot.core.purposes import Purpose
from bot.core.queue import Waiting
from bot.core.values import Person
from bot.core.workflow import State
from bot.ports.originals import Kept, LeftOut
from bot.ports.reminders import Owed
from storage import absences, daily, outgoing, queue, reach, reminders
from storage import values as to_value
from storage.media_rows import leave_out
from storage.models import Card, Item, Media
from storage.models import Person as PersonRow


class SessionWork:
    """A unit's session, and the write every use case shares: messages for the sender."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def send(self, messages: Iterable[Message], now: datetime) -> None:
        await outgoing.add(self._session, messages, now)


class SqlReminderWork(SessionWork):
    """:class:`bot.ports.reminders.ReminderWork`."""

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


class SqlQueueWork(SessionWork):
    """:class:`bot.ports.queue.QueueWork`."""

    async def deputising(self, person_id: int, day: date) -> Away | None:
        return await absences.deputising(self._session, person_id, day)

    async def waiting(self, states: Collection[State], officer_id: int | None) -> list[Waiting]:
        return await queue.read_waiting(self._session, states, officer_id)


class SqlAbsenceWork(SessionWork):
    """:class:`bot.ports.absences.AbsenceWork`."""

    async def record(
        self,
        official_id: int,
        deputy_id: int | None,
        starts_on: date,
        ends_on: date,
        reason: Reason,
        recorded_by: int,
        now: datetime,
    ) -> int:
        return await absences.record(
            self._session, official_id, deputy_id, starts_on, ends_on, reason, recorded_by, now
        )

    async def cancel(self, absence_id: int, official_id: int, now: datetime) -> bool:
        return await absences.cancel(self._session, absence_id, official_id, now)

    async def upcoming(self, day: date, official_id: int | None = None) -> list[Away]:
        return await absences.upcoming(self._session, day, official_id)

    async def person(self, person_id: int) -> Person | None:
        return to_value.maybe_person(await self._session.get(PersonRow, person_id))


class SqlOriginalsWork(SessionWork):
    """:class:`bot.ports.originals.OriginalsWork`."""

    async def keep(
        self, media_id: int, key: str, size: int, sha256: str, mime: str | None
    ) -> Kept | None:
        media = await self._session.get(Media, media_id)
        if media is None:
            return None
        media.blob_key, media.size, media.sha256 = key, size, sha256
        if mime and media.mime_type in (None, "", "application/octet-stream"):
            media.mime_type = mime
        twin = await self._session.scalar(
            select(Media.id).where(
                Media.item_id == media.item_id,
                Media.id != media.id,
                Media.sha256 == sha256,
                Media.dropped.is_(False),
            )
        )
        return Kept(dropped=media.dropped, twin=twin is not None)

    async def leave_out(self, media_id: int, reason: str, now: datetime) -> LeftOut | None:
        media = await self._session.get(Media, media_id)
        if media is None or media.refused is not None:
            return None
        item = await self._session.get(Item, media.item_id)
        assert item is not None  # foreign key
        leave_out(self._session, item, media, reason, "media_refused", now)
        cards = {
            card.chat_id: card.audience
            for card in await self._session.scalars(select(Card).where(Card.item_id == item.id))
        }
        label = media.file_name or f"#{media.position}"
        return LeftOut(item.id, item.code, item.officer_id, label, cards)
