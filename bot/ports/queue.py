"""The queue's port: what one look at the waiting items reads (``storage.queue``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from bot.core.deputies import Away
from bot.core.queue import Waiting
from bot.core.workflow import State


class QueueWork(Protocol):
    async def deputising(self, person_id: int, day: date) -> Away | None:
        """The absence in which ``person_id`` acts for an official on ``day``, if any."""
        ...

    async def waiting(self, states: Collection[State], officer_id: int | None) -> list[Waiting]:
        """The items in ``states`` (only ``officer_id``'s, when given), with their officer."""
        ...
