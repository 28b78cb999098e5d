"""The publications port: the rows the outbox drives to each target, one short step at a
time, and what each step returns. ``storage.publications`` implements it; the outbox
(``bot.usecases.outbox``) never holds a transaction open across a call to a target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core import values


@dataclass(frozen=True)
class Due:
    """A row whose next attempt has come."""

    id: int
    item_id: int
    target: str


@dataclass(frozen=True)
class Remote:
    """Where a target keeps the item: its id there, public URL and private notes (JSON)."""

    remote_id: str
    url: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class SetAside:
    """A file left out of an item's publication: which, and whether this call did it
    (False when another target's attempt had already set it aside)."""

    item_id: int
    file: str
    newly: bool


@dataclass(frozen=True)
class Failure:
    """A failed attempt as recorded: when to try again, and whether to alert now."""

    item_id: int
    target: str
    attempts: int
    wait: timedelta
    alert: bool


class Publications(Protocol):
    """Each method is its own unit of work."""

    async def due(self, now: datetime) -> list[Due]:
        """The rows whose next attempt has come."""
        ...

    async def work(self, publication_id: int) -> tuple[values.Publication, values.Item] | None:
        """The row and its item (with every target's row), or None when there is nothing
        to do on it any more (gone, done or cancelled since it was found due)."""
        ...

    async def get(self, publication_id: int) -> values.Publication: ...

    async def postpone(self, publication_id: int, until: datetime) -> None: ...

    async def claim(self, publication_id: int, now: datetime, updated_at: datetime) -> bool:
        """Mark the row in flight, only if it is still waiting to be published."""
        ...

    async def save(
        self,
        publication_id: int,
        moment: datetime,
        updated_at: datetime,
        *,
        status: str | None = None,
        remote: Remote | None = None,
        clear_flight: bool = False,
    ) -> None:
        """The result of an attempt: the row's new status and where the target keeps
        the item, with a line in the item's history when the status changed."""
        ...

    async def failed(
        self,
        publication_id: int,
        now: datetime,
        *,
        message: str,
        kind: str | None,
        ambiguous: bool,
        delay: Callable[[int], timedelta],
        should_alert: Callable[[int, bool], bool],
    ) -> Failure:
        """Count a failed attempt and set the next one (``delay`` after this many)."""
        ...

    async def set_aside(
        self, publication_id: int, media_id: int, reason: str, now: datetime
    ) -> SetAside:
        """Leave a file that can never be made public out of its item, for good."""
        ...

    async def all_done(self, item_id: int) -> bool:
        """Whether every target of the item is finished (published, removed...)."""
        ...
