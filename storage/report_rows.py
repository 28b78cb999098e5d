"""The records a month's report reads (rules in :mod:`bot.core.report`), as values.

An item belongs to a month's report when something happened to it in the month, or when
it was open at any time of the month: created before the month's end and not finished
(published, rejected, withdrawn, taken down) before its start. A draft forgotten since
October is still late in November. Every event of those items is read, in the order
they were written, so the report can rebuild each step visit; events after the month
are left to the report's cut-off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.report_records import HistoryEvent, ItemRecord, PublicationRecord
from bot.core.workflow import FINAL_STATES, State
from storage.models import Event, Item, Person, Publication

# A published item can still be taken down, but that is an event of its own month.
_FINISHED = sorted(state.value for state in (*FINAL_STATES, State.PUBLISHED))
# Items per round trip: well under every database's limit on bound parameters.
CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def active_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """The condition on ``items`` of being active in ``[start, end)`` (module docstring)."""
    active = select(Event.item_id).where(
        Event.item_id.is_not(None), Event.created_at >= start, Event.created_at < end
    )
    finished_before = select(Event.item_id).where(
        Event.item_id.is_not(None),
        Event.created_at < start,
        Event.from_state != Event.to_state,
        Event.to_state.in_(_FINISHED),
    )
    return or_(
        Item.id.in_(active),
        and_(Item.created_at < end, Item.id.not_in(finished_before)),
    )


async def month_records(session: AsyncSession, start: datetime, end: datetime) -> list[ItemRecord]:
    """The records of every item active in ``[start, end)``, oldest first."""
    rows = (
        await session.execute(
            select(Item.id, Item.code, Item.title, Item.section, Item.created_at, Person.full_name)
            .join(Person, Person.id == Item.officer_id)
            .where(active_in(start, end))
            .order_by(Item.id)
        )
    ).all()
    ids = [row.id for row in rows]
    events: dict[int, list[HistoryEvent]] = defaultdict(list)
    publications: dict[int, list[PublicationRecord]] = defaultdict(list)
    for chunk in _chunks(ids):
        for event in await session.execute(
            select(
                Event.item_id,
                Event.created_at,
                Event.action,
                Event.from_state,
                Event.to_state,
                Event.actor_name,
                Event.actor_role,
                Event.note,
            )
            .where(Event.item_id.in_(chunk))
            .order_by(Event.item_id, Event.created_at, Event.id)
        ):
            events[event.item_id].append(
                HistoryEvent(
                    event.created_at,
                    event.action,
                    event.from_state,
                    event.to_state,
                    event.actor_name,
                    event.actor_role,
                    event.note,
                )
            )
        for target in await session.execute(
            select(
                Publication.item_id,
                Publication.target,
                Publication.created_at,
                Publication.attempts,
            )
            .where(Publication.item_id.in_(chunk))
            .order_by(Publication.item_id, Publication.id)
        ):
            publications[target.item_id].append(
                PublicationRecord(target.target, target.created_at, target.attempts)
            )
    return [
        ItemRecord(
            item_id=row.id,
            code=row.code,
            title=row.title,
            section=row.section,
            officer_name=row.full_name,
            created_at=row.created_at,
            events=tuple(events[row.id]),
            publications=tuple(publications[row.id]),
        )
        for row in rows
    ]
