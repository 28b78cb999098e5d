"""A file leaving its item for good: refused at intake, or set aside at publishing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.workflow import SYSTEM_NAME, SYSTEM_ROLE
from storage.models import Event, Item, Media


def leave_out(
    session: AsyncSession, item: Item, media: Media, reason: str, action: str, now: datetime
) -> None:
    """Drop ``media`` from ``item`` with its reason (a catalog key). The row stays, for
    the record; the item's history gets ``action``; cards drawn before are stale now."""
    media.refused = reason
    media.dropped = True
    if item.cover_media_id == media.id:
        item.cover_media_id = None
    item.updated_at = now
    session.add(
        Event(
            item_id=item.id,
            actor_id=None,
            actor_name=SYSTEM_NAME,
            actor_role=SYSTEM_ROLE,
            action=action,
            from_state=item.state,
            to_state=item.state,
            note=f"#{media.position} {media.kind}: {reason}",
            created_at=now,
        )
    )
