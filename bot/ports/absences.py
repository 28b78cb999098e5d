"""The absences' port: recording and cancelling an official's absence, and who is told."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.core.deputies import Away, Reason
from bot.core.values import Person
from bot.ports.units import Sends


class AbsenceWork(Sends, Protocol):
    async def record(
        self,
        official_id: int,
        deputy_id: int | None,
        starts_on: date,
        ends_on: date,
        reason: Reason,
        recorded_by: int,
        now: datetime,
    ) -> int:
        """Record the absence; its id."""
        ...

    async def cancel(self, absence_id: int, official_id: int, now: datetime) -> bool:
        """Cancel one of ``official_id``'s absences; False when there is none to cancel."""
        ...

    async def upcoming(self, day: date, official_id: int | None = None) -> list[Away]:
        """The absences not yet over on ``day`` (only ``official_id``'s, when given)."""
        ...

    async def person(self, person_id: int) -> Person | None: ...
