"""Writing what a move (or the outbox) must send, in the same transaction as the cause.

``bot.core.notices`` decides who hears what, ``bot.core.outgoing`` turns that into messages; this
module reads the facts those decisions need (``storage.reach``) and writes the rows
(``storage.outgoing``), so the move and its messages commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.notices import delivery, settled_by_the_move
from bot.core.outgoing import (
    Kind,
    Message,
    Plan,
    Reach,
    after_move,
    card_redraws,
    completes_notice,
    completes_state,
    done_notices,
)
from bot.core.text import excerpt
from bot.core.workflow import Action, State
from bot.ports.items import Written
from storage.models import Item, Person
from storage.outgoing import add, unfinished
from storage.reach import reach_of, read_cards
from storage.sweeps import UNDELIVERED, condition

# A move's rows are written with it; an item still undelivered this long after its move
# had nobody to receive it (or predates the sender) and gets its hand-over again.
REDELIVER_AFTER = timedelta(minutes=1)


def facts_of(item: Item, actor_name: str) -> dict[str, str]:
    """What every notice about the item may say."""
    return {
        "code": item.code,
        "title": excerpt(item.title, 80),
        "name": actor_name or "-",
        "note": item.last_note or "",
    }


async def write_after_move(
    session: AsyncSession,
    item: Item,
    action: Action,
    changes_state: bool,
    actor_name: str,
    now: datetime,
    drawn_in: int | None = None,
    deputies_on: date | None = None,
) -> Written:
    """Inside the move's transaction: every card redrawn (but the one in ``drawn_in``,
    which the caller may draw itself: see ``Written.drawn_in``), and for a new state its
    notices and hand-over.

    The reads here do not flush the move's changes, so the item is written once, with
    its delivery state, when the rows are. ``deputies_on``: the office day whose
    deputies (Plt/Plh) of officials away are handed the item with the officials."""
    with session.no_autoflush:
        spots = await read_cards(session, item.id)
        reach = await reach_of(session, item, cards=spots, deputies_on=deputies_on)
        messages: list[Message] = []
        if changes_state:
            plan = _plan(item, action, reach, actor_name)
            if not plan.deliverable:
                # A step has nobody: the log group and the admins are told; read them.
                reach = await reach_of(
                    session, item, wardens=True, cards=spots, deputies_on=deputies_on
                )
                plan = _plan(item, action, reach, actor_name)
            messages += plan.messages
            waiting = any(m.completes for m in plan.messages)
            item.delivered_state = item.state if plan.deliverable and not waiting else None
        if settled_by_the_move(action, [p.status for p in item.publications]):
            messages += await _done(session, item, reach_officer=True)
    # The caller draws the card in ``drawn_in`` itself, unless the move posts it anew
    # there anyway (a group serving the next step too): then the sender does it all.
    reposted = any(m.kind is Kind.CARD and m.chat_id == drawn_in for m in messages)
    drawn = drawn_in if drawn_in in reach.cards and not reposted else None
    redraws = {chat: a for chat, a in reach.cards.items() if chat != drawn}
    messages = card_redraws(item.id, redraws) + messages
    rows = await add(session, messages, now)
    chats = tuple(dict.fromkeys(m.chat_id for m in messages))
    return Written(chats, frozenset(rows), spots, drawn)


def _plan(item: Item, action: Action | None, reach: Reach, actor_name: str, **kw: bool) -> Plan:
    return after_move(
        item.id,
        item.state,
        delivery(State(item.state), action, item.last_note),
        reach,
        facts_of(item, actor_name),
        has_files=any(not m.dropped for m in item.media),
        **kw,
    )


async def _done(session: AsyncSession, item: Item, *, reach_officer: bool) -> list[Message]:
    removal = item.state == State.UNPUBLISHED.value
    officer = await session.get(Person, item.officer_id)
    reachable = officer is not None and not officer.unreachable and reach_officer
    messages = done_notices(item.id, removal, await reach_of(session, item), reachable)
    if not messages:
        # Nobody to tell: said, as far as anyone can hear it.
        item.publication_notice = "removed" if removal else "published"
    return messages


class Deliveries:
    """The sweeps' side: hand-overs that found nobody, and "it is out" notices."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def redeliver(self, now: datetime) -> list[str]:
        """Items whose hand-over has not gone and has no rows waiting (nobody was there
        to receive it, or the move predates the sender): hand them over now, if anyone
        is there. Returns the codes handed over."""
        handed: list[str] = []
        async with self._sessions() as session:
            candidates = list(
                await session.scalars(
                    select(Item.id)
                    .where(
                        condition(UNDELIVERED),
                        Item.state_entered_at < now - REDELIVER_AFTER,
                    )
                    .order_by(Item.id)
                )
            )
        for item_id in candidates:
            async with self._sessions.begin() as session:
                item = await session.get(Item, item_id)
                if item is None:
                    continue
                if await unfinished(session, item.id, completes_state(item.state)):
                    continue  # its rows are still going (or wait for the next sweep)
                plan = _plan(
                    item, None, await reach_of(session, item), "-", first=False, notices=False
                )
                if not plan.deliverable:
                    continue
                if plan.messages:
                    await add(session, plan.messages, now)
                    handed.append(item.code)
                else:
                    item.delivered_state = item.state
        return handed

    async def announce_done(self, item_ids: Sequence[int], now: datetime) -> int:
        """Every target is done for these items: write the "it is out (or gone)" notices,
        unless they are written already. Returns how many rows were written."""
        written = 0
        for item_id in item_ids:
            async with self._sessions.begin() as session:
                item = await session.get(Item, item_id)
                if item is None:
                    continue
                removal = item.state == State.UNPUBLISHED.value
                marker = completes_notice("removed" if removal else "published")
                if await unfinished(session, item.id, marker):
                    continue
                # Read after the rows: the last of them went in the same commit that
                # recorded the notice, so a notice read before them could be older than
                # they are (each statement sees what is committed when it runs).
                notice = await session.scalar(
                    select(Item.publication_notice).where(Item.id == item.id)
                )
                if notice == marker.partition(":")[2]:
                    continue
                done = await _done(session, item, reach_officer=True)
                written += len(await add(session, done, now))
        return written
