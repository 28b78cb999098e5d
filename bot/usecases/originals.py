"""What becomes of a received file once its bytes are in: kept as the item's original,
or refused (not a kind warta takes, damaged, or the same as a file the item has).

Each is one unit of work. A refusal drops the file from its item (the row stays, with
its reason, for the record), appends the reason to the item's history, and writes the
officer's notice and the item's card redraws with it; the caller wakes the sender for
the chats returned. The rest of the submission (its other files, its text) is untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.outgoing import Kind, Message, card_redraws
from storage.media_rows import leave_out
from storage.models import Card, Item, Media
from storage.outgoing import add

DUPLICATE = "intake.refused.duplicate"


async def keep_original(
    sessions: async_sessionmaker[AsyncSession],
    media_id: int,
    key: str,
    size: int,
    sha256: str,
    mime: str | None,
    now: datetime,
) -> tuple[int, ...]:
    """Record where the file's original is. The same bytes already in its item make it
    a duplicate: it is refused (the officer is told) and the chats to wake returned."""
    async with sessions.begin() as session:
        media = await session.get(Media, media_id)
        if media is None:
            return ()
        media.blob_key, media.size, media.sha256 = key, size, sha256
        if mime and media.mime_type in (None, "", "application/octet-stream"):
            # The type read from the bytes, where the sender's app named none.
            media.mime_type = mime
        twin = await session.scalar(
            select(Media.id).where(
                Media.item_id == media.item_id,
                Media.id != media.id,
                Media.sha256 == sha256,
                Media.dropped.is_(False),
            )
        )
        if twin is None or media.dropped:
            return ()
        return await _refuse(session, media, DUPLICATE, {}, now)


async def refuse_original(
    sessions: async_sessionmaker[AsyncSession],
    media_id: int,
    reason: str,
    params: Mapping[str, str],
    now: datetime,
) -> tuple[int, ...]:
    """The file is not taken (``reason``: a catalog key); returns the chats to wake."""
    async with sessions.begin() as session:
        media = await session.get(Media, media_id)
        if media is None or media.refused is not None:
            return ()
        return await _refuse(session, media, reason, params, now)


async def _refuse(
    session: AsyncSession,
    media: Media,
    reason: str,
    params: Mapping[str, str],
    now: datetime,
) -> tuple[int, ...]:
    item = await session.get(Item, media.item_id)
    assert item is not None  # foreign key
    leave_out(session, item, media, reason, "media_refused", now)
    cards = {
        card.chat_id: card.audience
        for card in await session.scalars(select(Card).where(Card.item_id == item.id))
    }
    facts = {
        "code": item.code,
        "file": media.file_name or f"#{media.position}",
        "reason": reason,
        **params,
    }
    notice = Message(
        item.officer_id,
        Kind.NOTICE,
        item.id,
        key="intake.refused",
        params=facts,
        translate=("reason",),
    )
    rows = [notice, *card_redraws(item.id, cards)]
    await add(session, rows, now)
    return tuple(dict.fromkeys(row.chat_id for row in rows))
