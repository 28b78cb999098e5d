"""The sweeps' look-ups: the visits owed a reminder or an escalation, the mark that makes
each go once, and the partial indexes that keep every sweep as small as what it finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.publication import PUBLISHED, REMOVED
from bot.core.reminders import Stage
from bot.core.workflow import State
from storage.models import Item, Person
from storage.reminders import mark_sent, owed
from storage.sweeps import NOT_ESCALATED, NOT_REMINDED, NOTICE_OWED, UNDELIVERED

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)

Sessions = async_sessionmaker[AsyncSession]


async def add_item(sessions: Sessions, remind: datetime | None, due: datetime | None) -> int:
    async with sessions.begin() as session:
        if await session.get(Person, 1001) is None:
            session.add(Person(id=1001, full_name="Rina", language="id", created_at=NOW))
            await session.flush()
        count = len(list(await session.scalars(select(Item.id))))
        item = Item(
            code=f"PKP-2026-{count + 1:04d}",
            state="submitted",
            officer_id=1001,
            created_at=NOW,
            updated_at=NOW,
            state_entered_at=NOW - timedelta(hours=3),
            step_remind_at=remind,
            step_due_at=due,
        )
        session.add(item)
        await session.flush()
        return item.id


async def test_owed_lists_what_fell_due_longest_first(sessions: Sessions) -> None:
    late = await add_item(sessions, NOW - timedelta(hours=2), NOW - timedelta(minutes=1))
    reminded = await add_item(sessions, NOW - timedelta(minutes=5), NOW + timedelta(hours=1))
    await add_item(sessions, NOW + timedelta(minutes=1), NOW + timedelta(hours=2))
    await add_item(sessions, None, None)  # a finished item
    async with sessions() as session:
        found = await owed(session, NOW)
    assert [(v.item_id, v.stage) for v in found] == [
        (late, Stage.REMIND),
        (reminded, Stage.REMIND),
        (late, Stage.LATE),
    ]
    assert found[0].officer_id == 1001 and found[0].state == "submitted"


async def test_a_visit_is_marked_once_and_not_after_a_move(sessions: Sessions) -> None:
    item_id = await add_item(sessions, NOW - timedelta(minutes=1), NOW + timedelta(hours=1))
    async with sessions() as session:
        [visit] = await owed(session, NOW)
    # Two sweeps that read the same visit: only one writes its messages.
    async with sessions.begin() as session:
        assert await mark_sent(session, visit, NOW)
    async with sessions.begin() as session:
        assert not await mark_sent(session, visit, NOW)
    async with sessions() as session:
        assert await owed(session, NOW) == []
        item = await session.get(Item, item_id)
        assert item is not None
        # The mark leaves the version alone: the cards' buttons stay valid.
        assert item.version == 1
        assert item.step_reminded_at == NOW

    # The item moved on (a new visit, version 2) after a sweep read the old one.
    other = await add_item(sessions, NOW - timedelta(minutes=1), NOW + timedelta(hours=1))
    async with sessions() as session:
        [visit] = await owed(session, NOW)
    async with sessions.begin() as session:
        moved = await session.get(Item, other)
        assert moved is not None
        moved.state = "editing"
        moved.step_remind_at = NOW + timedelta(hours=1)
    async with sessions.begin() as session:
        assert not await mark_sent(session, visit, NOW)


@pytest.mark.parametrize(
    ("index", "query"),
    [
        (
            "ix_items_remind_owed",
            f"FROM items WHERE {NOT_REMINDED} AND step_remind_at <= :now ORDER BY step_remind_at",
        ),
        (
            "ix_items_escalation_owed",
            f"FROM items WHERE {NOT_ESCALATED} AND step_due_at <= :now ORDER BY step_due_at",
        ),
        (
            "ix_items_undelivered",
            f"FROM items WHERE ({UNDELIVERED}) AND state_entered_at < :now ORDER BY id",
        ),
        ("ix_items_notice_owed", f"FROM items WHERE ({NOTICE_OWED}) ORDER BY id"),
    ],
)
async def test_the_sweeps_conditions_use_their_partial_indexes_on_sqlite(
    sessions: Sessions, index: str, query: str
) -> None:
    """SQLite's planner matches a partial index only when the query states its condition
    literally (not as a bound parameter); the sweeps take theirs from storage.sweeps.
    Each query is ordered as the sweep's is (an order can make the planner scan)."""
    async with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite's planner only")
        plan = await session.execute(text(f"EXPLAIN QUERY PLAN SELECT id {query}"), {"now": NOW})
        assert index in " ".join(str(row) for row in plan)


def test_the_literal_conditions_name_the_real_values() -> None:
    assert f"WHEN '{State.PUBLISHED.value}' THEN '{PUBLISHED.value}'" in NOTICE_OWED
    assert f"WHEN '{State.UNPUBLISHED.value}' THEN '{REMOVED.value}'" in NOTICE_OWED
