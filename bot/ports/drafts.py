"""The drafts' port: an officer's open draft and what goes into it, in one unit of work
(``storage.drafts`` implements it). The use case decides what is taken (the workflow,
the text's limits); the port reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.card_facts import CardSpot
from bot.core.item_changes import Changes
from bot.core.values import Event, Item, Media
from bot.ports.items import NewEvent


@dataclass(frozen=True)
class IncomingMedia:
    kind: str
    telegram_file_id: str
    telegram_unique_id: str
    media_group_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    source_message_id: int | None = None


@dataclass(frozen=True)
class NewDraft:
    code: str
    officer_id: int
    section: str | None


class DraftWork(Protocol):
    async def item(self, item_id: int) -> Item | None: ...

    async def locked(self, item_id: int) -> Item | None:
        """The item, locked until the unit of work ends (two additions never interleave)."""
        ...

    async def next_number(self, year: int) -> int:
        """The year's next draft number; two units taking the same one fail with
        :class:`bot.ports.units.Conflict`."""
        ...

    async def create(self, draft: NewDraft, changes: Changes, now: datetime) -> Item:
        """A new draft with ``changes`` applied (its step), nobody yet to tell."""
        ...

    async def set_current_draft(self, person_id: int, item_id: int) -> None: ...

    async def add_media(
        self, item_id: int, incoming: IncomingMedia, position: int, now: datetime
    ) -> None: ...

    async def change(self, item_id: int, changes: Changes, now: datetime) -> None: ...

    def record(self, item_id: int, event: NewEvent) -> None: ...

    async def card_in(self, item_id: int, chat_id: int) -> CardSpot | None:
        """Where the item's card is in that chat (None: nowhere yet)."""
        ...

    async def saved(self, item_id: int) -> tuple[Item, list[Media], list[Event]]:
        """Written now: the item, the files added and the events recorded in this unit,
        with their ids and the item's new version."""
        ...

    async def note_download_failure(self, media_id: int) -> int:
        """Count a failed download; how many there have been (0: the file is gone)."""
        ...

    async def pending_downloads(self, limit: int) -> list[Media]:
        """Files whose original is not in yet, fresh failures first."""
        ...
