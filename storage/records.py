"""The supervision record read from the database (the port
:class:`bot.ports.records.Records`): the report's items and the archive's, each read in
its own short session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.report_records import ItemRecord
from bot.ports.records import ArchivedItem, MonthChain
from storage import archive_rows, report_rows


class SqlRecords:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def month_records(self, start: datetime, end: datetime) -> list[ItemRecord]:
        async with self._sessions() as session:
            return await report_rows.month_records(session, start, end)

    def month_items(self, start: datetime, end: datetime) -> AsyncIterator[ArchivedItem]:
        return archive_rows.month_items(self._sessions, start, end)

    async def month_chain(self, start: datetime, end: datetime) -> MonthChain:
        async with self._sessions() as session:
            return await archive_rows.month_chain(session, start, end)

    async def history_before(self, end: datetime) -> bool:
        async with self._sessions() as session:
            return await archive_rows.history_before(session, end)
