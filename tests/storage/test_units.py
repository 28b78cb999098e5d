"""Units of work on real databases: what a unit writes is committed together when its
block ends or not at all, and a once-only mark lost to another writer is a Conflict
(no SQLAlchemy error reaches a use case)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.outgoing import Kind, Message
from bot.ports.units import Conflict
from storage.models import DailyMark, OutgoingRow
from storage.units import units
from storage.work import SqlReminderWork

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
DAY = date(2026, 12, 7)

Sessions = async_sessionmaker[AsyncSession]


async def _count(sessions: Sessions, table: type[DailyMark] | type[OutgoingRow]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_unit_commits_its_writes_together(sessions: Sessions) -> None:
    unit = units(sessions, SqlReminderWork)
    async with unit() as work:
        work.mark_done("digest", DAY, NOW)
        await work.send([Message(-100, Kind.DIGEST, params={"day": DAY.isoformat()})], NOW)
    assert await _count(sessions, DailyMark) == 1
    assert await _count(sessions, OutgoingRow) == 1
    async with unit() as work:
        assert await work.done_on("digest", DAY)


async def test_a_failing_unit_writes_nothing(sessions: Sessions) -> None:
    unit = units(sessions, SqlReminderWork)
    with pytest.raises(RuntimeError):
        async with unit() as work:
            work.mark_done("digest", DAY, NOW)
            await work.send([Message(-100, Kind.DIGEST)], NOW)
            raise RuntimeError("the use case changed its mind")
    assert await _count(sessions, DailyMark) == 0
    assert await _count(sessions, OutgoingRow) == 0


async def test_the_second_writer_of_a_once_only_mark_gets_a_conflict(sessions: Sessions) -> None:
    unit = units(sessions, SqlReminderWork)
    async with unit() as first:
        first.mark_done("digest", DAY, NOW)
    with pytest.raises(Conflict):
        async with unit() as second:
            second.mark_done("digest", DAY, NOW)
            await second.send([Message(-100, Kind.DIGEST)], NOW)
    # The loser's message went nowhere: the digest is sent once.
    assert await _count(sessions, OutgoingRow) == 0
