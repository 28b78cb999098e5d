"""The sender's rows: written with the move that needs them, claimed, sent, finished.

Two halves. Inside a caller's transaction (a move, the outbox's news), :func:`add`
writes the planned messages (``bot.outgoing``; see ``storage.deliveries``). Outside,
:class:`OutgoingStore` serves the sender one row at a time, in order per chat and item,
as values (:class:`Queued`), never ORM rows.

A row is claimed (``sending``) in its own commit before the Telegram call, so a crash
can repeat at most the one call it interrupted (Telegram offers no way to look a message
up afterwards); everything marked ``sent`` stays sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outgoing import Kind, Message
from storage.models import Item, Outgoing

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SUPERSEDED = "superseded"
DROPPED = "dropped"
UNFINISHED = (PENDING, SENDING, FAILED)


@dataclass(frozen=True)
class Queued:
    """One row, as the sender sees it."""

    id: int
    chat_id: int
    kind: Kind
    item_id: int | None
    audience: str | None
    repost: bool
    key: str | None
    params: dict[str, str] = field(default_factory=dict)
    translate: tuple[str, ...] = ()
    attempts: int = 0
    created_at: datetime | None = None

    @property
    def hands_over(self) -> bool:
        """Whether it gives the item to a step's people (its files, preview or card)."""
        return self.kind in (Kind.FILES, Kind.PREVIEW) or (self.kind is Kind.CARD and self.repost)

    @property
    def new(self) -> bool:
        """Whether it posts new messages (a card may only be edited)."""
        return self.kind is not Kind.CARD or self.repost


def _queued(row: Outgoing) -> Queued:
    payload = json.loads(row.payload) if row.payload else {}
    return Queued(
        id=row.id,
        chat_id=row.chat_id,
        kind=Kind(row.kind),
        item_id=row.item_id,
        audience=row.audience,
        repost=row.repost,
        key=payload.get("key"),
        params=dict(payload.get("params", {})),
        translate=tuple(payload.get("translate", ())),
        attempts=row.attempts,
        created_at=row.created_at,
    )


# --- inside the caller's transaction -----------------------------------------------


def add(session: AsyncSession, messages: Iterable[Message], now: datetime) -> int:
    """Write the messages as rows, in order; returns how many."""
    count = 0
    for m in messages:
        payload = None
        if m.key is not None or m.params:
            payload = json.dumps(
                {"key": m.key, "params": dict(m.params), "translate": list(m.translate)},
                ensure_ascii=False,
            )
        session.add(
            Outgoing(
                chat_id=m.chat_id,
                kind=m.kind.value,
                item_id=m.item_id,
                audience=m.audience,
                repost=m.repost,
                payload=payload,
                completes=m.completes,
                status=PENDING,
                attempts=0,
                created_at=now,
            )
        )
        count += 1
    return count


async def unfinished(session: AsyncSession, item_id: int, completes: str) -> bool:
    """Whether rows that complete ``completes`` for the item are still to go."""
    found = await session.scalar(
        select(Outgoing.id)
        .where(
            Outgoing.item_id == item_id,
            Outgoing.completes == completes,
            Outgoing.status.in_(UNFINISHED),
        )
        .limit(1)
    )
    return found is not None


# --- the sender's side ----------------------------------------------------------------


class OutgoingStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def enqueue(self, messages: Sequence[Message], now: datetime) -> int:
        if not messages:
            return 0
        async with self._sessions.begin() as session:
            return add(session, messages, now)

    async def chats_with_work(self) -> list[int]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(Outgoing.chat_id).where(Outgoing.status == PENDING).distinct()
            )
            return list(result)

    async def next_for(self, chat_id: int) -> Queued | None:
        """The chat's next row to send: the oldest pending one whose item has nothing
        older still waiting in this chat (a failed album holds back its card). A card
        redraw followed by a later one of the same card is superseded by it."""
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(Outgoing)
                    .where(Outgoing.chat_id == chat_id, Outgoing.status.in_(UNFINISHED))
                    .order_by(Outgoing.id)
                )
            )
            blocked: set[int | None] = set()
            for index, row in enumerate(rows):
                lane = row.item_id
                if lane in blocked:
                    continue
                if row.status != PENDING:
                    blocked.add(lane)
                    continue
                if row.kind == Kind.CARD.value and lane is not None:
                    later = next(
                        (
                            r
                            for r in rows[index + 1 :]
                            if r.item_id == lane
                            and r.kind == Kind.CARD.value
                            and r.status == PENDING
                        ),
                        None,
                    )
                    if later is not None:
                        # The later redraw shows the same card as it will be then.
                        later.repost = later.repost or row.repost
                        if later.completes is None:
                            later.completes, row.completes = row.completes, None
                        row.status = SUPERSEDED
                        await session.flush()
                        await self._complete(session, row)
                        continue
                return _queued(row)
            return None

    async def claim(self, row_id: int) -> bool:
        """Mark the row as being sent (committed before the call); False if another
        sender took it first."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Outgoing)
                .where(Outgoing.id == row_id, Outgoing.status == PENDING)
                .values(status=SENDING, attempts=Outgoing.attempts + 1)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    async def finish(
        self, row_id: int, now: datetime, *, status: str = SENT, error: str | None = None
    ) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(Outgoing, row_id)
            if row is None:
                return
            row.status = status
            row.done_at = now
            row.last_error = error
            await session.flush()
            await self._complete(session, row)

    async def fail(self, row_id: int, error: str) -> None:
        """The call failed: the row waits for the next sweep (and holds back its item's
        later rows in that chat, so nothing arrives out of order)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(Outgoing)
                .where(Outgoing.id == row_id)
                .values(status=FAILED, last_error=error[:500])
            )

    async def retry_failed(self) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Outgoing).where(Outgoing.status == FAILED).values(status=PENDING)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def give_up(self, older_than: datetime, now: datetime) -> list[Queued]:
        """Failed rows that kept failing for too long are dropped (and reported)."""
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(Outgoing).where(
                        Outgoing.status == FAILED, Outgoing.created_at < older_than
                    )
                )
            )
            for row in rows:
                row.status = DROPPED
                row.done_at = now
            await session.flush()
            for row in rows:
                await self._complete(session, row)
            return [_queued(r) for r in rows]

    async def recover(self) -> int:
        """At start: a row left ``sending`` by a crash is sent again (its call may or
        may not have reached Telegram; a repeat is better than a loss)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Outgoing).where(Outgoing.status == SENDING).values(status=PENDING)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def prune(self, older_than: datetime) -> int:
        """Forget rows finished before ``older_than`` (the history of what was said is
        in the events; these rows only served the sending)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(Outgoing).where(
                    Outgoing.status.not_in(UNFINISHED),
                    # A superseded redraw never went: it counts from when it was written.
                    func.coalesce(Outgoing.done_at, Outgoing.created_at) < older_than,
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            result = await session.execute(
                select(Outgoing.status, func.count()).group_by(Outgoing.status)
            )
            return {status: int(n) for status, n in result}

    @staticmethod
    async def _complete(session: AsyncSession, row: Outgoing) -> None:
        """The last row completing something has gone: record it on the item."""
        if row.completes is None or row.item_id is None:
            return
        if await unfinished(session, row.item_id, row.completes):
            return
        what, _, value = row.completes.partition(":")
        if what == "state":
            # A Core update: bookkeeping must not bump the version buttons carry.
            await session.execute(
                update(Item)
                .where(Item.id == row.item_id, Item.state == value)
                .values(delivered_state=value)
            )
        elif what == "notice":
            await session.execute(
                update(Item).where(Item.id == row.item_id).values(publication_notice=value)
            )
