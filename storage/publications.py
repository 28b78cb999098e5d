"""The publication rows the outbox drives (:mod:`bot.usecases.outbox`), behind the port
:class:`bot.ports.publications.Publications`: each step its own short transaction, so
the outbox never holds one open across a call to a target.

What a step did on a target is appended to the item's history in the same transaction
as the row's new status (the supervision record).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import values
from bot.core.publication import (
    CANCELLED,
    DONE,
    OPEN,
    PENDING,
    PUBLISHED,
    REMOVED,
    REMOVING,
    UNCERTAIN,
    WORKING,
)
from bot.core.workflow import SYSTEM_NAME, SYSTEM_ROLE
from bot.ports.publications import Due, Failure, Remote, SetAside
from storage import values as to_value
from storage.media_rows import leave_out
from storage.models import Event, Item, Media, Publication

# What a target's new status is called in the item's history.
_HISTORY: dict[str, str] = {
    PUBLISHED: "target_published",
    REMOVED: "target_removed",
    UNCERTAIN: "target_uncertain",
}


class PublicationStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def due(self, now: datetime) -> list[Due]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(Publication.id, Publication.item_id, Publication.target).where(
                    Publication.status.in_(WORKING),
                    Publication.next_attempt_at <= now,
                )
            )
            return [Due(row.id, row.item_id, row.target) for row in rows]

    async def work(self, publication_id: int) -> tuple[values.Publication, values.Item] | None:
        """The row and its item (with every target's row), or None when there is nothing
        to do on it any more (gone, done or cancelled since it was found due)."""
        async with self._sessions() as session:
            row = await session.get(Publication, publication_id)
            if row is None or row.status not in WORKING:
                return None
            item = await session.get(Item, row.item_id)
            assert item is not None  # foreign key
            return to_value.publication(row), to_value.item(item)

    async def get(self, publication_id: int) -> values.Publication:
        async with self._sessions() as session:
            row = await session.get(Publication, publication_id)
            assert row is not None  # rows are never deleted while the outbox runs
            return to_value.publication(row)

    async def postpone(self, publication_id: int, until: datetime) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Publication)
                .where(Publication.id == publication_id)
                .values(next_attempt_at=until)
            )

    async def claim(self, publication_id: int, now: datetime, updated_at: datetime) -> bool:
        """Mark the row in flight, only if it is still waiting to be published: one
        conditional UPDATE, so a takedown committed meanwhile is never overrun."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Publication)
                .where(Publication.id == publication_id, Publication.status == PENDING)
                .values(in_flight_since=now, updated_at=updated_at)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

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
        async with self._sessions.begin() as session:
            # Locked (on PostgreSQL) so a takedown waits for this result, or this result
            # sees the takedown.
            row = await session.get(Publication, publication_id, with_for_update=True)
            assert row is not None
            row.updated_at = updated_at
            if remote is not None:
                row.remote_id = remote.remote_id[:255]
                row.url = remote.url
                row.remote_data = remote.data
            if status == PUBLISHED and row.status in (REMOVING, CANCELLED):
                # Taken down while this publication was on its way: remove it next.
                row.status = REMOVING
                row.in_flight_since = None
                row.ambiguous = False
                row.next_attempt_at = moment
                return
            if status is not None and status != row.status:
                await _record(session, row, status, moment)
            if status is not None:
                row.status = status
            if status in (PUBLISHED, REMOVED):
                row.in_flight_since = None
                row.ambiguous = False
                row.last_error = None
                row.error_kind = None
                row.next_attempt_at = None
                if status == PUBLISHED:
                    row.published_at = moment
                else:
                    row.removed_at = moment
            if clear_flight:
                row.in_flight_since = None
                row.next_attempt_at = None

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
        async with self._sessions.begin() as session:
            row = await session.get(Publication, publication_id)
            assert row is not None
            row.attempts += 1
            row.last_error = message[:500]
            row.error_kind = kind
            # Once a request may have reached the target, only a lookup clears that.
            row.ambiguous = row.ambiguous or ambiguous
            row.in_flight_since = None
            wait = delay(row.attempts)
            row.next_attempt_at = now + wait
            row.updated_at = now
            alert = should_alert(row.attempts, row.alerted)
            if alert:
                row.alerted = True
            return Failure(row.item_id, row.target, row.attempts, wait, alert)

    async def set_aside(
        self, publication_id: int, media_id: int, reason: str, now: datetime
    ) -> SetAside:
        """Leave a file that can never be made public out of its item, for good: the
        row stays with its reason (the original is kept), the item's history says so,
        and the publication is due again at once, to go out without it."""
        async with self._sessions.begin() as session:
            row = await session.get(Publication, publication_id)
            assert row is not None
            row.in_flight_since = None
            row.next_attempt_at = now
            row.updated_at = now
            media = await session.get(Media, media_id)
            if media is None or media.item_id != row.item_id:
                return SetAside(row.item_id, f"#{media_id}", newly=False)
            label = media.file_name or f"#{media.position}"
            if media.refused is not None:
                return SetAside(row.item_id, label, newly=False)
            item = await session.get(Item, row.item_id)
            assert item is not None  # foreign key
            leave_out(session, item, media, reason, "media_unpublishable", now)
            return SetAside(row.item_id, label, newly=True)

    async def all_done(self, item_id: int) -> bool:
        """Whether every target of the item is finished (published, removed...)."""
        async with self._sessions() as session:
            statuses = list(
                await session.scalars(
                    select(Publication.status).where(Publication.item_id == item_id)
                )
            )
        return bool(statuses) and all(s in DONE for s in statuses)


async def _record(session: AsyncSession, row: Publication, status: str, at: datetime) -> None:
    action = _HISTORY.get(status)
    if action is None:
        return
    state = await session.scalar(select(Item.state).where(Item.id == row.item_id))
    where = f" — {row.url}" if status == PUBLISHED and row.url else ""
    session.add(
        Event(
            item_id=row.item_id,
            actor_id=None,
            actor_name=SYSTEM_NAME,
            actor_role=SYSTEM_ROLE,
            action=action,
            from_state=state,
            to_state=state,
            note=f"{row.target}{where}",
            created_at=at,
        )
    )


async def open_publications(
    sessions: async_sessionmaker[AsyncSession],
) -> list[tuple[str, values.Publication]]:
    """Every publication or takedown still to do, with its item's code (``warta outbox``)."""
    async with sessions() as session:
        result = await session.execute(
            select(Item.code, Publication)
            .join(Item, Item.id == Publication.item_id)
            .where(Publication.status.in_(sorted(OPEN)))
            .order_by(Publication.item_id, Publication.id)
        )
        return [(code, to_value.publication(row)) for code, row in result]
