"""The unit of work, as a port: a use case opens one, reads and writes through the work
object it yields, and everything written is committed together when the block ends, or
nothing is (an exception leaves the database as it was).

``storage.units`` opens them on SQLAlchemy sessions; the work objects' own Protocols
sit beside each use case's port (``bot/ports/reminders.py`` ...)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

__all__ = ["Conflict", "Units"]

Work = TypeVar("Work", covariant=True)


class Units(Protocol[Work]):
    """Opens a unit of work: ``async with units() as work: ...``."""

    def __call__(self) -> AbstractAsyncContextManager[Work]: ...


class Conflict(Exception):
    """Another writer got there first (the same once-only mark, the same key): nothing
    of this unit of work was written."""
