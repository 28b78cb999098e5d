"""The unit of work, as a port: a use case opens one, reads and writes through the work
object it yields, and everything written is committed together when the block ends, or
nothing is (an exception leaves the database as it was).

``storage.units`` opens them on SQLAlchemy sessions; the work objects' own Protocols
sit beside each use case's port (``bot/ports/reminders.py`` ...)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol, TypeVar

from bot.core.outgoing import Message

__all__ = ["Conflict", "Sends", "Stale", "Units"]

Work = TypeVar("Work", covariant=True)


class Units(Protocol[Work]):
    """Opens a unit of work: ``async with units() as work: ...`` commits what it wrote
    when the block ends; ``async with units.read() as work: ...`` only reads (nothing is
    committed, so a look costs no commit)."""

    def __call__(self) -> AbstractAsyncContextManager[Work]: ...

    def read(self) -> AbstractAsyncContextManager[Work]: ...


class Conflict(Exception):
    """Another writer got there first (the same once-only mark, the same key): nothing
    of this unit of work was written."""


class Stale(Exception):
    """Another unit of work changed the same row first (an item's version moved on):
    nothing of this unit was written."""


class Sends(Protocol):
    """What every unit of work that tells someone can do: leave the messages to the
    durable sender, committed with the rest of the unit (nobody waits on Telegram)."""

    async def send(self, messages: Iterable[Message], now: datetime) -> None: ...
