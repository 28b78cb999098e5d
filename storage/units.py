"""Units of work on SQLAlchemy sessions (the port :class:`bot.ports.units.Units`): one
transaction per unit, committed when the block ends; a unique key lost to another writer
becomes :class:`bot.ports.units.Conflict` and a row changed meanwhile
:class:`bot.ports.units.Stale`, so no SQLAlchemy error reaches a use case."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.ports.units import Conflict, Stale

Work = TypeVar("Work")


class SessionUnits(Generic[Work]):
    """Units whose work objects ``make`` builds on the unit's session."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], make: Callable[[AsyncSession], Work]
    ) -> None:
        self._sessions = sessions
        self._make = make

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Work]:
        try:
            async with self._sessions.begin() as session:
                yield self._make(session)
        except IntegrityError as error:
            raise Conflict(str(error.orig)) from error
        except StaleDataError as error:
            raise Stale(str(error)) from error

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Work]:
        # Closed without a commit: whatever a read-only unit did is rolled back.
        async with self._sessions() as session:
            yield self._make(session)


def units(
    sessions: async_sessionmaker[AsyncSession], make: Callable[[AsyncSession], Work]
) -> SessionUnits[Work]:
    return SessionUnits(sessions, make)
