"""The supervision record's port: what the monthly report and the monthly archive read
(``storage.records`` implements it). Every read is its own short one; the archive's items
come a few at a time, so a large month never sits in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core import values
from bot.core.report_records import ItemRecord


@dataclass(frozen=True)
class ChainedEvent:
    """One line of history as the archive keeps it: every field, and its chain links."""

    id: int
    seq: int | None
    prev_hash: str | None
    hash: str | None
    created_at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor_id: int | None
    actor_name: str | None
    actor_role: str | None
    acting_for_id: int | None
    acting_for_name: str | None
    note: str | None


@dataclass(frozen=True)
class ArchivedItem:
    item: values.Item
    officer_name: str
    events: tuple[ChainedEvent, ...]


@dataclass(frozen=True)
class ChainMark:
    seq: int
    hash: str
    event_id: int


@dataclass(frozen=True)
class MonthChain:
    """The chain's first and last events written in the month, and how many of the
    month's events were not chained yet (the bot chains new ones every minute)."""

    first: ChainMark | None
    last: ChainMark | None
    events: int
    unsealed: int


class Records(Protocol):
    async def month_records(self, start: datetime, end: datetime) -> list[ItemRecord]:
        """Each item active in ``[start, end)`` with its history and targets, for the
        report's figures."""
        ...

    def month_items(self, start: datetime, end: datetime) -> AsyncIterator[ArchivedItem]:
        """Every item active in ``[start, end)`` with its files, targets and history, in
        the order of their codes."""
        ...

    async def month_chain(self, start: datetime, end: datetime) -> MonthChain:
        """The hash chain's first and last events of the month."""
        ...

    async def history_before(self, end: datetime) -> bool:
        """Whether anything at all was recorded before ``end``."""
        ...
