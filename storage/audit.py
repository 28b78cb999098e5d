"""The history's hash chain in the database (rules in :mod:`bot.core.audit_chain`).

Moves write their events as before, unchained; :func:`seal` links every event not yet
chained, in the order of its id, after the last chained one. One sealer runs at a time
(PostgreSQL: a transaction-level advisory lock; SQLite: one writer at all), so two moves
committing at the same moment can never fork the chain, and a move never waits for the
chain. The bot seals every minute; the migration that added the chain sealed the events
that were there.

:func:`verify` reads the chain page by page along ``seq`` (an index), so its memory does
not grow with the history. Both are written against a plain connection, so the
migration, the bot (``run_sync``) and the command line share them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.audit_chain import FIELDS, GENESIS, Anchor, ChainCheck, Finding, Link, link
from storage.column_types import UTCDateTime

PAGE = 5000
# Any fixed number: the one lock all sealers of this database take.
_SEAL_LOCK = 0x77617274

_events = sa.table(
    "events",
    sa.column("id", Integer),
    sa.column("item_id", Integer),
    sa.column("actor_id", BigInteger),
    sa.column("actor_name", String),
    sa.column("actor_role", String),
    sa.column("action", String),
    sa.column("from_state", String),
    sa.column("to_state", String),
    sa.column("note", Text),
    sa.column("created_at", UTCDateTime()),
    sa.column("acting_for_id", BigInteger),
    sa.column("acting_for_name", String),
    sa.column("seq", BigInteger),
    sa.column("prev_hash", String),
    sa.column("hash", String),
)
_fields = [_events.c[name] for name in FIELDS]
_CHAIN_ONE = (
    sa.update(_events)
    .where(_events.c.id == sa.bindparam("event"))
    .values(seq=sa.bindparam("place"), prev_hash=sa.bindparam("before"), hash=sa.bindparam("own"))
)


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: how many events hold, the head, the first problem,
    and how many events wait to be chained."""

    count: int
    head: str
    finding: Finding | None
    unsealed: int

    @property
    def ok(self) -> bool:
        return self.finding is None


def head(connection: Connection) -> tuple[int, str]:
    """(number of chained events, hash of the last one)."""
    row = connection.execute(
        sa.select(_events.c.seq, _events.c.hash)
        .where(_events.c.seq.is_not(None))
        .order_by(_events.c.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row.seq), str(row.hash))


def seal(connection: Connection, page: int = PAGE) -> int:
    """Chain every event not chained yet (in the caller's transaction); returns how many."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
    else:
        # SQLite: take the write lock before reading the head. A transaction that read
        # first could not write after another writer committed (a busy snapshot).
        connection.execute(sa.text("UPDATE events SET seq = seq WHERE 0 = 1"))
    seq, previous = head(connection)
    sealed = 0
    while True:
        rows = connection.execute(
            sa.select(*_fields).where(_events.c.seq.is_(None)).order_by(_events.c.id).limit(page)
        ).all()
        links = []
        for row in rows:
            seq += 1
            own = link(previous, seq, tuple(row))
            links.append({"event": row.id, "place": seq, "before": previous, "own": own})
            previous = own
        if links:
            # One statement for the page, run for each of its events.
            connection.execute(_CHAIN_ONE, links)
        sealed += len(rows)
        if len(rows) < page:
            return sealed


def verify(
    connection: Connection,
    anchors: tuple[Anchor, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> Verdict:
    """Check the whole chain from the first event; stops at the first problem."""
    check = ChainCheck(anchors)
    last = 0
    while check.finding is None:
        rows = connection.execute(
            sa.select(*_fields, _events.c.seq, _events.c.prev_hash, _events.c.hash)
            .where(_events.c.seq > last)
            .order_by(_events.c.seq)
            .limit(PAGE)
        ).all()
        width = len(FIELDS)
        for row in rows:
            # Plain tuples: the fields in FIELDS order, then the chain's three columns.
            values = tuple(row)
            chained = Link(
                int(values[width]), str(values[width + 1] or ""), str(values[width + 2] or "")
            )
            if check.feed(values[:width], chained) is not None:
                break
        if len(rows) < PAGE:
            break
        last = int(rows[-1][len(FIELDS)])
        if progress is not None:
            progress(check.count)
    check.finish()
    unsealed = connection.execute(
        sa.select(sa.func.count()).select_from(_events).where(_events.c.seq.is_(None))
    ).scalar_one()
    return Verdict(check.count, check.head, check.finding, int(unsealed))


class ChainStore:
    """The chain for the bot and the command line: each call one short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def seal(self) -> int:
        async with self._engine.begin() as connection:
            return await connection.run_sync(seal)

    async def head(self) -> tuple[int, str]:
        async with self._engine.connect() as connection:
            return await connection.run_sync(head)

    async def verify(
        self, anchors: tuple[Anchor, ...] = (), progress: Callable[[int], None] | None = None
    ) -> Verdict:
        async with self._engine.connect() as connection:
            return await connection.run_sync(verify, anchors, progress)
