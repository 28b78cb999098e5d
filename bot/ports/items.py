"""The items' port: what a move reads and writes in its one unit of work, and the reads
that show an item (``storage.items`` implements it). The use case decides
(:mod:`bot.core.workflow`, :mod:`bot.core.item_changes`); the port only reads and
writes. A move that lost the race to another raises :class:`bot.ports.units.Stale`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.core.card_facts import CardSpot
from bot.core.deputies import Away
from bot.core.item_changes import Changes
from bot.core.values import Event, Item, Person
from bot.core.workflow import Action


@dataclass(frozen=True)
class NewEvent:
    """A line of the item's history, as a move writes it."""

    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    from_state: str | None
    to_state: str
    note: str | None
    at: datetime
    acting_for_id: int | None = None
    acting_for_name: str | None = None


@dataclass(frozen=True)
class Written:
    """What a move wrote for the sender: the chats, the rows, and where the item's cards
    were (so whoever draws them next needs no second read)."""

    chats: tuple[int, ...]
    rows: frozenset[int]
    cards: dict[int, CardSpot]
    # The chat whose card the caller draws itself (no row was written for it).
    drawn_in: int | None = None


class ItemWork(Protocol):
    # --- reading ---------------------------------------------------------------------

    async def item(self, item_id: int) -> Item | None:
        """The item with its files and targets, in one statement."""
        ...

    async def item_by_code(self, code: str) -> Item | None: ...

    async def person(self, person_id: int, *, roles: bool) -> Person | None:
        """The person, with their roles only when ``roles`` (one statement either way)."""
        ...

    async def history(self, item_id: int) -> list[Event]: ...

    async def last_event(self, item_id: int) -> Event | None:
        """The latest thing a person (or the scheduler) did to the item."""
        ...

    async def last_move(self, item_id: int) -> Event | None:
        """The latest event that changed the item's state (edits since do not count)."""
        ...

    async def open_items_of(self, officer_id: int) -> list[Item]:
        """The officer's items that are not finished, newest first."""
        ...

    async def due_for_publishing(self, now: datetime, auto: bool) -> list[tuple[int, bool]]:
        """Approved items whose time has come, each with whether it was scheduled."""
        ...

    async def unannounced_publications(self) -> list[Item]:
        """Items whose every target is done but whose people were not told yet."""
        ...

    async def deputising(self, person_id: int, day: date) -> Away | None: ...

    # --- a move ----------------------------------------------------------------------

    async def forget_prompt(self, chat_id: int, person_id: int) -> None:
        """The question this move answers, forgotten with the move."""
        ...

    async def change(self, item_id: int, changes: Changes, now: datetime) -> None:
        """Apply what the core decided to the item read in this unit of work."""
        ...

    def record(self, item_id: int, event: NewEvent) -> None: ...

    async def set_current_draft(self, person_id: int, item_id: int) -> None:
        """The item becomes the one the officer's next files go to."""
        ...

    async def after_move(
        self,
        item_id: int,
        action: Action,
        changes_state: bool,
        actor_name: str,
        now: datetime,
        drawn_in: int | None,
        deputies_on: date | None,
    ) -> Written:
        """Every card redrawn and, for a new state, its notices and hand-over, written
        for the sender in this unit of work."""
        ...

    async def saved(self, item_id: int) -> tuple[Item, Event | None]:
        """Write what the move did now (not at the commit): the item as it is after the
        move, with its new version, and the event just recorded."""
        ...
