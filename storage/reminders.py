"""The step visits owed a reminder or an escalation, and the marker that says it was sent.

The look-ups use the partial indexes of migration 0006 (``step_reminded_at IS NULL`` /
``step_escalated_at IS NULL``, written as literal SQL so that SQLite's planner can match
them), so a sweep costs what is owed now, not the length of the history.

Marking a visit does not touch the item's version: the cards' buttons stay valid. The
mark is conditional on the version read (a move in between starts a new visit, whose
reminder comes at its own time) and on the marker still being empty (two sweeps never
both win), and it is written in the same transaction as the messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.reminders import Stage
from bot.core.report import ESCALATED, REMINDED
from bot.core.workflow import SYSTEM_NAME, SYSTEM_ROLE
from bot.ports.reminders import Owed
from storage.models import Event, Item
from storage.sweeps import NOT_ESCALATED, NOT_REMINDED, condition

# Literal, so that the statements match the partial indexes' conditions exactly.
_NOT_REMINDED = condition(NOT_REMINDED)
_NOT_ESCALATED = condition(NOT_ESCALATED)


async def owed(session: AsyncSession, now: datetime, limit: int = 200) -> list[Owed]:
    """The visits owed a message at ``now``, the longest owed first (at most ``limit``
    of each stage; the next sweep takes the rest)."""
    found: list[Owed] = []
    for stage, due_column, unsent in (
        (Stage.REMIND, Item.step_remind_at, _NOT_REMINDED),
        (Stage.LATE, Item.step_due_at, _NOT_ESCALATED),
    ):
        rows = await session.execute(
            select(Item.id, Item.version, Item.officer_id, Item.state, due_column)
            .where(and_(unsent, due_column <= now))
            .order_by(due_column)
            .limit(limit)
        )
        for id_, version, officer_id, state, since in rows:
            assert since is not None  # the condition above keeps NULLs out
            found.append(Owed(id_, version, officer_id, state, stage, since))
    return found


async def mark_sent(session: AsyncSession, visit: Owed, now: datetime) -> bool:
    """Inside the caller's transaction: mark the visit's reminder (or escalation) as
    written; False when someone else did, or the item has moved on since it was read."""
    marker, unsent = (
        (Item.step_reminded_at, _NOT_REMINDED)
        if visit.stage is Stage.REMIND
        else (Item.step_escalated_at, _NOT_ESCALATED)
    )
    result = await session.execute(
        update(Item)
        .where(Item.id == visit.item_id, Item.version == visit.version, unsent)
        .values({marker: now})
        .execution_options(synchronize_session=False)
    )
    marked = bool(getattr(result, "rowcount", 0) == 1)
    if marked:
        # The supervision record: the monthly report counts reminders and escalations.
        session.add(
            Event(
                item_id=visit.item_id,
                actor_id=None,
                actor_name=SYSTEM_NAME,
                actor_role=SYSTEM_ROLE,
                action=REMINDED if visit.stage is Stage.REMIND else ESCALATED,
                from_state=visit.state,
                to_state=visit.state,
                created_at=now,
            )
        )
    return marked
