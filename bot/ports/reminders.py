"""The reminder sweep's port: the step visits owed a reminder or an escalation, and
what one visit's unit of work reads and writes (``storage.work.SqlReminderWork`` implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.core.deputies import Away
from bot.core.outgoing import Reach
from bot.core.purposes import Purpose
from bot.core.reminders import Stage
from bot.ports.units import Sends


@dataclass(frozen=True)
class Owed:
    """A step visit owed a message: the item at the version read, in the state read."""

    item_id: int
    version: int
    officer_id: int
    state: str
    stage: Stage
    # When it became owed (the reminder or the late instant).
    since: datetime


class ReminderWork(Sends, Protocol):
    async def owed(self, now: datetime) -> list[Owed]:
        """The visits owed a message at ``now``, the longest owed first."""
        ...

    async def away_on(self, day: date) -> Sequence[Away]:
        """The officials away on ``day``, with who acts for each."""
        ...

    async def mark_sent(self, visit: Owed, now: datetime) -> bool:
        """Mark the visit's reminder (or escalation) as written; False when someone else
        did, or the item has moved on since it was read."""
        ...

    async def reach_for(self, item_id: int, officer_id: int) -> Reach:
        """Each step's chats and the item's cards, with who hears that a step has nobody."""
        ...

    async def done_on(self, name: str, day: date) -> bool:
        """Whether the once-a-day work ``name`` was done on ``day``."""
        ...

    def mark_done(self, name: str, day: date, now: datetime) -> None:
        """Mark it done; a second writer of the same day fails with
        :class:`bot.ports.units.Conflict` and writes none of its messages."""
        ...

    async def team_chats(self) -> dict[int, list[Purpose]]:
        """Each bound step group (not the log group) with the steps it serves."""
        ...
