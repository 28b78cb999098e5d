"""The sender's rows: written with the move that needs them, claimed, sent, finished.

Two halves. Inside a caller's transaction (a move, the outbox's news), :func:`add`
writes the planned messages (``bot.core.outgoing``; see ``storage.deliveries``). Outside,
:class:`OutgoingStore` serves the sender one row at a time, in order per chat and item,
as values (:class:`Queued`), never ORM rows.

A row is claimed (``sending``) and committed before its Telegram call, in the same
commit that records how the chat's previous row went (:meth:`OutgoingStore.take`: one
commit per message), so a crash can repeat at most the one call it interrupted
(Telegram offers no way to look a message up afterwards); everything marked ``sent``
stays sent. A message that takes several calls remembers how many went when one fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.outgoing import Kind, Message
from bot.ports.outgoing import (
    DROPPED,
    FAILED,
    SENDING,
    SENT,
    SUPERSEDED,
    UNFINISHED,
    WAITING,
    Finished,
    Queued,
)
from storage.models import Card, Item, OutgoingRow


def _queued(row: OutgoingRow) -> Queued:
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
        calls_done=int(payload.get("calls", 0)),
    )


# --- inside the caller's transaction -----------------------------------------------


async def add(session: AsyncSession, messages: Iterable[Message], now: datetime) -> tuple[int, ...]:
    """Write the messages as rows, in order, in one statement; returns their ids."""
    rows = [
        {
            "chat_id": m.chat_id,
            "kind": m.kind.value,
            "item_id": m.item_id,
            "audience": m.audience,
            "repost": m.repost,
            "payload": _payload(m),
            "completes": m.completes,
            "status": WAITING,
            "attempts": 0,
            "created_at": now,
        }
        for m in messages
    ]
    if not rows:
        return ()
    table = OutgoingRow.metadata.tables[OutgoingRow.__tablename__]
    # One INSERT … VALUES (…), (…) RETURNING id for all of them ("insertmanyvalues").
    result = await session.execute(insert(table).returning(table.c.id), rows)
    return tuple(result.scalars())


def _payload(m: Message) -> str | None:
    if m.key is None and not m.params:
        return None
    return json.dumps(
        {"key": m.key, "params": dict(m.params), "translate": list(m.translate)},
        ensure_ascii=False,
    )


async def unfinished(session: AsyncSession, item_id: int, completes: str) -> bool:
    """Whether rows that complete ``completes`` for the item are still to go."""
    found = await session.scalar(
        select(OutgoingRow.id)
        .where(
            OutgoingRow.item_id == item_id,
            OutgoingRow.completes == completes,
            OutgoingRow.status.in_(UNFINISHED),
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
            return len(await add(session, messages, now))

    async def chats_with_work(self) -> list[int]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(OutgoingRow.chat_id).where(OutgoingRow.status == WAITING).distinct()
            )
            return list(result)

    async def next_for(self, chat_id: int) -> Queued | None:
        """The chat's next row to send: the oldest pending one whose item has nothing
        older still waiting in this chat (a failed album holds back its card). A card
        redraw followed by a later one of the same card is superseded by it."""
        async with self._sessions.begin() as session:
            row = await _next(session, chat_id)
            return None if row is None else _queued(row)

    async def take(self, chat_id: int, finished: Finished | None, now: datetime) -> Queued | None:
        """The sender's one transaction per message: record how the previous row went
        (``finished``: its status, and where a card now is), then claim the chat's next
        row (see :meth:`next_for`) before its call; None when the chat has nothing left."""
        async with self._sessions.begin() as session:
            if finished is not None:
                await _finish(session, finished, now)
            row = await _next(session, chat_id)
            if row is None:
                return None
            row.status = SENDING
            row.attempts += 1
            await session.flush()
            return _queued(row)

    async def claim(self, row_id: int) -> bool:
        """Mark the row as being sent (committed before the call); False if another
        sender took it first."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutgoingRow)
                .where(OutgoingRow.id == row_id, OutgoingRow.status == WAITING)
                .values(status=SENDING, attempts=OutgoingRow.attempts + 1)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    async def finish(
        self, row_id: int, now: datetime, *, status: str = SENT, error: str | None = None
    ) -> None:
        await self.record(Finished(row_id, status, error=error), now)

    async def record(self, finished: Finished, now: datetime) -> None:
        """How a row went, on its own (:meth:`take` usually records it with the next)."""
        async with self._sessions.begin() as session:
            await _finish(session, finished, now)

    async def fail(self, row_id: int, error: str, calls_done: int = 0) -> None:
        """The call failed: the row waits for the next sweep (and holds back its item's
        later rows in that chat, so nothing arrives out of order). ``calls_done``: of a
        message that takes several calls, how many went; the next try skips those."""
        async with self._sessions.begin() as session:
            row = await session.get(OutgoingRow, row_id)
            if row is None:
                return
            row.status = FAILED
            row.last_error = error[:500]
            if calls_done:
                payload = json.loads(row.payload) if row.payload else {}
                payload["calls"] = calls_done
                row.payload = json.dumps(payload, ensure_ascii=False)

    async def retry_failed(self) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutgoingRow).where(OutgoingRow.status == FAILED).values(status=WAITING)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def give_up(self, older_than: datetime, now: datetime) -> list[Queued]:
        """Failed rows that kept failing for too long are dropped (and reported)."""
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(OutgoingRow).where(
                        OutgoingRow.status == FAILED, OutgoingRow.created_at < older_than
                    )
                )
            )
            for row in rows:
                row.status = DROPPED
                row.done_at = now
            await session.flush()
            for row in rows:
                await _complete(session, row)
            return [_queued(r) for r in rows]

    async def recover(self) -> int:
        """At start: a row left ``sending`` by a crash is sent again (its call may or
        may not have reached Telegram; a repeat is better than a loss)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OutgoingRow).where(OutgoingRow.status == SENDING).values(status=WAITING)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def prune(self, older_than: datetime) -> int:
        """Forget rows finished before ``older_than`` (the history of what was said is
        in the events; these rows only served the sending)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(OutgoingRow).where(
                    OutgoingRow.status.not_in(UNFINISHED),
                    # A superseded redraw never went: it counts from when it was written.
                    func.coalesce(OutgoingRow.done_at, OutgoingRow.created_at) < older_than,
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            result = await session.execute(
                select(OutgoingRow.status, func.count()).group_by(OutgoingRow.status)
            )
            return {status: int(n) for status, n in result}


async def _next(session: AsyncSession, chat_id: int) -> OutgoingRow | None:
    """See :meth:`OutgoingStore.next_for` (inside the caller's transaction)."""
    rows = list(
        await session.scalars(
            select(OutgoingRow)
            .where(OutgoingRow.chat_id == chat_id, OutgoingRow.status.in_(UNFINISHED))
            .order_by(OutgoingRow.id)
        )
    )
    blocked: set[int | None] = set()
    for index, row in enumerate(rows):
        lane = row.item_id
        if lane in blocked:
            continue
        if row.status != WAITING:
            blocked.add(lane)
            continue
        if row.kind == Kind.CARD.value and lane is not None:
            later = next(
                (
                    r
                    for r in rows[index + 1 :]
                    if r.item_id == lane and r.kind == Kind.CARD.value and r.status == WAITING
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
                await _complete(session, row)
                continue
        return row
    return None


async def _finish(session: AsyncSession, finished: Finished, now: datetime) -> None:
    row = await session.get(OutgoingRow, finished.row_id)
    if row is None:
        return
    row.status = finished.status
    row.done_at = now
    row.last_error = finished.error
    placed = finished.card
    if placed is not None:
        # Where the item's card is in that chat now (posted anew, or seen by another
        # audience), recorded with the row that put it there.
        card = await session.scalar(
            select(Card).where(Card.item_id == placed.item_id, Card.chat_id == placed.chat_id)
        )
        if card is None:
            session.add(
                Card(
                    item_id=placed.item_id,
                    chat_id=placed.chat_id,
                    message_id=placed.message_id,
                    audience=placed.audience,
                )
            )
        else:
            card.message_id = placed.message_id
            card.audience = placed.audience
    await session.flush()
    await _complete(session, row)


async def _complete(session: AsyncSession, row: OutgoingRow) -> None:
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
