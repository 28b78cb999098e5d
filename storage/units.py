"""Units of work on SQLAlchemy sessions (the port :class:`bot.ports.units.Units`): one
transaction per unit, committed when the block ends; a unique key lost to another writer
becomes :class:`bot.ports.units.Conflict`, so no SQLAlchemy error reaches a use case."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ports.units import Conflict

Work = TypeVar("Work")


def units(
    sessions: async_sessionmaker[AsyncSession], make: Callable[[AsyncSession], Work]
) -> Callable[[], AbstractAsyncContextManager[Work]]:
    """Open units whose work objects ``make`` builds on the unit's session."""

    @asynccontextmanager
    async def unit() -> AsyncIterator[Work]:
        try:
            async with sessions.begin() as session:
                yield make(session)
        except IntegrityError as error:
            raise Conflict(str(error.orig)) from error

    return unit
