"""What a month's archive reads: the items active in the month (the same as the
report's, :func:`storage.report_rows.active_in`), each with its files, targets and whole
history including its place in the hash chain, and the chain's first and last events of
the month. Items are read a few at a time, so a large month never sits in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ports.records import ArchivedItem, ChainedEvent, ChainMark, MonthChain
from storage.models import Event, Item, Person
from storage.report_rows import active_in
from storage.values import item as item_value

# Items per read.
BATCH = 50


async def month_chain(session: AsyncSession, start: datetime, end: datetime) -> MonthChain:
    in_month = (Event.created_at >= start) & (Event.created_at < end)
    low, high, count = (
        await session.execute(
            select(func.min(Event.seq), func.max(Event.seq), func.count(Event.id)).where(in_month)
        )
    ).one()
    unsealed = await session.scalar(
        select(func.count(Event.id)).where(in_month, Event.seq.is_(None))
    )
    marks = []
    for seq in (low, high):
        row = None
        if seq is not None:
            row = (
                await session.execute(
                    select(Event.seq, Event.hash, Event.id).where(Event.seq == seq)
                )
            ).one()
        marks.append(ChainMark(row.seq, row.hash, row.id) if row is not None else None)
    return MonthChain(marks[0], marks[1], int(count or 0), int(unsealed or 0))


async def month_items(
    sessions: async_sessionmaker[AsyncSession], start: datetime, end: datetime
) -> AsyncIterator[ArchivedItem]:
    """Every item active in ``[start, end)`` with its files, targets and history, in
    the order of their codes; one short read per batch."""
    async with sessions() as session:
        ids = list(
            await session.scalars(select(Item.id).where(active_in(start, end)).order_by(Item.id))
        )
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(Item, Person.full_name)
                    .join(Person, Person.id == Item.officer_id)
                    .where(Item.id.in_(batch))
                    .order_by(Item.id)
                )
            ).all()
            history: dict[int, list[ChainedEvent]] = {item_id: [] for item_id in batch}
            for event in await session.scalars(
                select(Event).where(Event.item_id.in_(batch)).order_by(Event.id)
            ):
                assert event.item_id is not None
                history[event.item_id].append(
                    ChainedEvent(
                        id=event.id,
                        seq=event.seq,
                        prev_hash=event.prev_hash,
                        hash=event.hash,
                        created_at=event.created_at,
                        action=event.action,
                        from_state=event.from_state,
                        to_state=event.to_state,
                        actor_id=event.actor_id,
                        actor_name=event.actor_name,
                        actor_role=event.actor_role,
                        acting_for_id=event.acting_for_id,
                        acting_for_name=event.acting_for_name,
                        note=event.note,
                    )
                )
            found = [
                ArchivedItem(item_value(row), officer_name, tuple(history[row.id]))
                for row, officer_name in rows
            ]
        for archived in found:
            yield archived


async def history_before(session: AsyncSession, end: datetime) -> bool:
    """Whether anything at all was recorded before ``end`` (a month before warta was
    installed has nothing to archive)."""
    return (
        await session.scalar(select(Event.id).where(Event.created_at < end).limit(1))
    ) is not None
