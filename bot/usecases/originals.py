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

from bot.core.outgoing import Kind, Message, card_redraws
from bot.ports.originals import OriginalsWork
from bot.ports.units import Units

DUPLICATE = "intake.refused.duplicate"


async def keep_original(
    units: Units[OriginalsWork],
    media_id: int,
    key: str,
    size: int,
    sha256: str,
    mime: str | None,
    now: datetime,
) -> tuple[int, ...]:
    """Record where the file's original is. The same bytes already in its item make it
    a duplicate: it is refused (the officer is told) and the chats to wake returned."""
    async with units() as work:
        kept = await work.keep(media_id, key, size, sha256, mime)
        if kept is None or not kept.twin or kept.dropped:
            return ()
        return await _refuse(work, media_id, DUPLICATE, {}, now)


async def refuse_original(
    units: Units[OriginalsWork],
    media_id: int,
    reason: str,
    params: Mapping[str, str],
    now: datetime,
) -> tuple[int, ...]:
    """The file is not taken (``reason``: a catalog key); returns the chats to wake."""
    async with units() as work:
        return await _refuse(work, media_id, reason, params, now)


async def _refuse(
    work: OriginalsWork,
    media_id: int,
    reason: str,
    params: Mapping[str, str],
    now: datetime,
) -> tuple[int, ...]:
    left = await work.leave_out(media_id, reason, now)
    if left is None:  # gone, or refused already
        return ()
    facts = {"code": left.code, "file": left.file, "reason": reason, **params}
    notice = Message(
        left.officer_id,
        Kind.NOTICE,
        left.item_id,
        key="intake.refused",
        params=facts,
        translate=("reason",),
    )
    rows = [notice, *card_redraws(left.item_id, left.cards)]
    await work.send(rows, now)
    return tuple(dict.fromkeys(row.chat_id for row in rows))
