"""Everything the sender needs to draw an item's messages, read in one go.

A move writes several rows for one item (cards in several chats, files, notices). The
sender reads the item, its officer, its last event and where its cards are once for all
of them, instead of once per row. The facts are current for the rows that were already
committed when they were read (``rows``): a row written later (by a later move, or the
outbox's progress) may show a newer item, so the sender reads the facts again for it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.card_facts import CardFacts, CardSpot
from bot.core.publication import OUTBOX_EVENTS
from bot.ports.outgoing import UNFINISHED
from storage import values
from storage.loading import WITH_FILES, WITHOUT_ROLES
from storage.models import Card, OutgoingRow
from storage.models import Event as EventRow
from storage.models import Item as ItemRow
from storage.models import Person as PersonRow


async def read_card_facts(
    sessions: async_sessionmaker[AsyncSession], item_id: int
) -> CardFacts | None:
    """The item as its cards show it now, or None when it is gone (a restored backup)."""
    async with sessions() as session:
        # The rows first: whatever they ask to show was committed before the item is read.
        rows = frozenset(
            await session.scalars(
                select(OutgoingRow.id).where(
                    OutgoingRow.item_id == item_id, OutgoingRow.status.in_(UNFINISHED)
                )
            )
        )
        # The item, its files and targets, and its officer in one statement (the card
        # shows the officer's name; their roles are not needed).
        query = (
            select(ItemRow, PersonRow)
            .join(PersonRow, PersonRow.id == ItemRow.officer_id)
            .where(ItemRow.id == item_id)
            .options(*WITH_FILES, *WITHOUT_ROLES)
        )
        found = (await session.execute(query)).unique().first()
        if found is None:
            return None
        item, officer = found
        last_event = await session.scalar(
            select(EventRow)
            .where(EventRow.item_id == item_id, EventRow.action.not_in(OUTBOX_EVENTS))
            .order_by(EventRow.id.desc())
            .limit(1)
        )
        cards = {
            c.chat_id: CardSpot(c.message_id, c.audience)
            for c in await session.scalars(select(Card).where(Card.item_id == item_id))
        }
        return CardFacts(
            values.item(item), values.person(officer), values.maybe_event(last_event), cards, rows
        )
