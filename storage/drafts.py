"""Drafts and what goes into them, on one session (the port
:class:`bot.ports.drafts.DraftWork`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.card_facts import CardSpot
from bot.core.item_changes import Changes
from bot.core.values import Event, Item, Media
from bot.ports.drafts import IncomingMedia, NewDraft
from bot.ports.items import NewEvent
from storage import values as to_value
from storage.item_changes import apply_changes, event_row
from storage.models import Card, CodeCounter
from storage.models import Event as EventRow
from storage.models import Item as ItemRow
from storage.models import Media as MediaRow
from storage.models import Person as PersonRow


class SqlDraftWork:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows: dict[int, ItemRow] = {}
        self._added: list[MediaRow] = []
        self._events: list[EventRow] = []

    def _row(self, item_id: int) -> ItemRow:
        return self._rows[item_id]  # read or created in this unit first

    async def item(self, item_id: int) -> Item | None:
        return to_value.maybe_item(await self._session.get(ItemRow, item_id))

    async def locked(self, item_id: int) -> Item | None:
        row = await self._session.get(ItemRow, item_id, with_for_update=True)
        if row is None:
            return None
        self._rows[item_id] = row
        return to_value.item(row)

    async def next_number(self, year: int) -> int:
        bumped = await self._session.execute(
            update(CodeCounter)
            .where(CodeCounter.year == year)
            .values(last=CodeCounter.last + 1)
            .returning(CodeCounter.last)
        )
        number = bumped.scalar_one_or_none()
        if number is not None:
            return int(number)
        self._session.add(CodeCounter(year=year, last=1))
        await self._session.flush()
        return 1

    async def create(self, draft: NewDraft, changes: Changes, now: datetime) -> Item:
        row = ItemRow(
            code=draft.code,
            officer_id=draft.officer_id,
            section=draft.section,
            created_at=now,
            updated_at=now,
            media=[],
            publications=[],
        )
        apply_changes(row, changes, now)
        row.delivered_state = row.state  # a new draft has nobody to tell
        self._session.add(row)
        await self._session.flush()
        self._rows[row.id] = row
        return to_value.item(row)

    async def set_current_draft(self, person_id: int, item_id: int) -> None:
        await self._session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(current_draft_id=item_id)
        )

    async def add_media(
        self, item_id: int, incoming: IncomingMedia, position: int, now: datetime
    ) -> None:
        media = MediaRow(
            item_id=item_id,
            kind=incoming.kind,
            telegram_file_id=incoming.telegram_file_id,
            telegram_unique_id=incoming.telegram_unique_id,
            media_group_id=incoming.media_group_id,
            file_name=incoming.file_name,
            mime_type=incoming.mime_type,
            size=incoming.size,
            source_message_id=incoming.source_message_id,
            position=position,
            received_at=now,
        )
        self._row(item_id).media.append(media)
        self._added.append(media)

    async def change(self, item_id: int, changes: Changes, now: datetime) -> None:
        apply_changes(self._row(item_id), changes, now)

    def record(self, item_id: int, event: NewEvent) -> None:
        row = event_row(item_id, event)
        self._session.add(row)
        self._events.append(row)

    async def card_in(self, item_id: int, chat_id: int) -> CardSpot | None:
        card = await self._session.scalar(
            select(Card).where(Card.item_id == item_id, Card.chat_id == chat_id)
        )
        return None if card is None else CardSpot(card.message_id, card.audience)

    async def saved(self, item_id: int) -> tuple[Item, list[Media], list[Event]]:
        await self._session.flush()
        return (
            to_value.item(self._row(item_id)),
            [to_value.media(m) for m in self._added],
            [to_value.event(e) for e in self._events],
        )

    async def note_download_failure(self, media_id: int) -> int:
        media = await self._session.get(MediaRow, media_id)
        if media is None:
            return 0
        media.download_attempts += 1
        return media.download_attempts

    async def pending_downloads(self, limit: int) -> list[Media]:
        result = await self._session.scalars(
            select(MediaRow)
            # Never given up on: an original is part of the record. Fresh failures
            # first, so one file that keeps failing does not hold up the others.
            .where(MediaRow.blob_key.is_(None), MediaRow.refused.is_(None))
            .order_by(MediaRow.download_attempts, MediaRow.id)
            .limit(limit)
        )
        return [to_value.media(row) for row in result]
