"""The open items the queue shows, read as values (one statement)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.queue import Waiting
from bot.core.workflow import State
from storage.models import Item, Person


async def read_waiting(
    session: AsyncSession, states: Collection[State], officer_id: int | None = None
) -> list[Waiting]:
    """The items in ``states`` (only ``officer_id``'s, when given), with their officer."""
    if not states:
        return []
    query = (
        select(
            Item.id,
            Item.code,
            Item.title,
            Item.state,
            Item.officer_id,
            Person.full_name,
            Item.state_entered_at,
            Item.step_due_at,
        )
        .join(Person, Person.id == Item.officer_id)
        .where(Item.state.in_([s.value for s in states]))
        .order_by(Item.id)
    )
    if officer_id is not None:
        query = query.where(Item.officer_id == officer_id)
    rows = await session.execute(query)
    return [
        Waiting(
            item_id=id_,
            code=code,
            title=title,
            state=State(state),
            officer_id=officer,
            officer_name=name,
            entered_at=entered,
            due_at=due,
        )
        for id_, code, title, state, officer, name, entered, due in rows
    ]
