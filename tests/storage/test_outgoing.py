"""The sender's rows on both back ends: order per chat and item, claims, collapsing
redraws, what a finished row completes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.outgoing import Kind, Message
from bot.ports.outgoing import FAILED, SENT, SUPERSEDED, WAITING, Finished, PlacedCard
from storage.models import Card, Item, Person
from storage.outgoing import OutgoingStore

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
GROUP = -100200

Sessions = async_sessionmaker[AsyncSession]


async def add_items(sessions: Sessions, count: int = 2) -> list[int]:
    async with sessions.begin() as session:
        session.add(Person(id=1001, full_name="Rina", language="id", created_at=NOW))
        await session.flush()
        items = [
            Item(
                code=f"PKP-2026-000{n}",
                state="submitted",
                officer_id=1001,
                created_at=NOW,
                updated_at=NOW,
                state_entered_at=NOW,
            )
            for n in range(1, count + 1)
        ]
        session.add_all(items)
        await session.flush()
        return [i.id for i in items]


async def send(store: OutgoingStore, chat: int) -> list[int]:
    """Drain a chat as the sender does: next, claim, finish."""
    sent = []
    while (row := await store.next_for(chat)) is not None:
        assert await store.claim(row.id)
        await store.finish(row.id, NOW)
        sent.append(row.id)
    return sent


async def test_rows_go_in_order_and_a_claim_is_taken_once(sessions: Sessions) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [Message(GROUP, Kind.FILES, a), Message(GROUP, Kind.CARD, a, "it", repost=True)], NOW
    )
    first = await store.next_for(GROUP)
    assert first is not None and first.kind is Kind.FILES
    assert await store.claim(first.id)
    assert not await store.claim(first.id), "a second sender must not send it again"
    # While the files are on their way, the card waits behind them.
    assert await store.next_for(GROUP) is None
    await store.finish(first.id, NOW)
    second = await store.next_for(GROUP)
    assert second is not None and second.kind is Kind.CARD and second.repost


async def test_a_failed_row_holds_back_only_its_own_items_rows(sessions: Sessions) -> None:
    a, b = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [
            Message(GROUP, Kind.FILES, a),
            Message(GROUP, Kind.CARD, a, "it", repost=True),
            Message(GROUP, Kind.CARD, b, "it", repost=True),
        ],
        NOW,
    )
    files = await store.next_for(GROUP)
    assert files is not None and await store.claim(files.id)
    await store.fail(files.id, "NetworkError: Bad Gateway")
    other = await store.next_for(GROUP)
    assert other is not None and other.item_id == b
    assert await store.claim(other.id)
    await store.finish(other.id, NOW)
    assert await store.next_for(GROUP) is None
    # The sweep puts the failed row back; then a's files and card go, in that order.
    assert await store.retry_failed() == 1
    assert await send(store, GROUP) == [files.id, files.id + 1]
    assert (await store.counts()) == {SENT: 3}


async def test_two_waiting_redraws_of_one_card_become_one(sessions: Sessions) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [
            Message(GROUP, Kind.CARD, a, "it", repost=True, completes="state:submitted"),
            Message(GROUP, Kind.CARD, a, "it"),
            Message(GROUP, Kind.CARD, a, "it", params={"menu": "media"}),
        ],
        NOW,
    )
    row = await store.next_for(GROUP)
    assert row is not None
    # The last redraw goes, posted anew (an earlier one asked for that), with its menu.
    assert row.repost and row.params == {"menu": "media"}
    assert await store.counts() == {SUPERSEDED: 2, WAITING: 1}
    await send(store, GROUP)
    async with sessions() as session:
        item = await session.get(Item, a)
        assert item is not None and item.delivered_state == "submitted"


async def test_the_last_row_of_a_move_marks_the_state_delivered(sessions: Sessions) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    done = "state:submitted"
    await store.enqueue(
        [
            Message(GROUP, Kind.FILES, a, completes=done),
            Message(1001, Kind.NOTICE, a, key="k", completes=done),
        ],
        NOW,
    )
    await send(store, GROUP)
    async with sessions() as session:
        item = await session.get(Item, a)
        assert item is not None and item.delivered_state is None, "the notice has not gone yet"
    await send(store, 1001)
    async with sessions() as session:
        item = await session.get(Item, a)
        assert item is not None and item.delivered_state == "submitted"


async def test_a_crash_while_sending_sends_the_row_again_and_old_failures_are_given_up(
    sessions: Sessions,
) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [Message(GROUP, Kind.FILES, a), Message(1001, Kind.NOTICE, a, key="k")], NOW
    )
    row = await store.next_for(GROUP)
    assert row is not None and await store.claim(row.id)
    # warta is killed here; at the next start the row is pending again.
    assert await store.recover() == 1
    again = await store.next_for(GROUP)
    assert again is not None and again.id == row.id and again.attempts == 1
    notice = await store.next_for(1001)
    assert notice is not None and await store.claim(notice.id)
    await store.fail(notice.id, "BadRequest: chat not found")
    assert await store.give_up(NOW - timedelta(days=1), NOW) == []
    dropped = await store.give_up(NOW + timedelta(days=2), NOW)
    assert [r.id for r in dropped] == [notice.id]
    assert (await store.counts()).get(FAILED) is None


async def test_rows_that_went_are_forgotten_after_a_while_and_waiting_ones_never(
    sessions: Sessions,
) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [
            Message(GROUP, Kind.CARD, a, "it"),
            Message(GROUP, Kind.CARD, a, "it"),
            Message(1001, Kind.NOTICE, a, key="k"),
        ],
        NOW,
    )
    await send(store, GROUP)
    assert await store.counts() == {SENT: 1, SUPERSEDED: 1, WAITING: 1}
    assert await store.prune(NOW - timedelta(days=7)) == 0
    assert await store.prune(NOW + timedelta(days=8)) == 2
    assert await store.counts() == {WAITING: 1}


async def test_take_records_the_last_row_and_claims_the_next_in_one_commit(
    sessions: Sessions,
) -> None:
    a, _ = await add_items(sessions)
    store = OutgoingStore(sessions)
    await store.enqueue(
        [Message(GROUP, Kind.FILES, a), Message(GROUP, Kind.CARD, a, "it", repost=True)], NOW
    )
    files = await store.take(GROUP, None, NOW)
    assert files is not None and files.kind is Kind.FILES and files.attempts == 1
    # Claimed: nobody else gets it, and the card waits behind it.
    assert not await store.claim(files.id)
    card = await store.take(GROUP, Finished(files.id, SENT), NOW)
    assert card is not None and card.kind is Kind.CARD
    placed = PlacedCard(a, GROUP, 777, "it")
    assert await store.take(GROUP, Finished(card.id, SENT, card=placed), NOW) is None
    assert (await store.counts()) == {SENT: 2}
    async with sessions() as session:
        cards = list(await session.scalars(select(Card).where(Card.item_id == a)))
        item = await session.get(Item, a)
    assert [(c.chat_id, c.message_id, c.audience) for c in cards] == [(GROUP, 777, "it")]
    # The last row completing the hand-over went: the item's delivery is on record.
    assert item is not None and item.delivered_state is None  # these rows completed nothing
    moved = PlacedCard(a, GROUP, 778, "editor")
    await store.enqueue([Message(GROUP, Kind.CARD, a, "editor", completes="state:submitted")], NOW)
    again = await store.take(GROUP, None, NOW)
    assert again is not None
    assert await store.take(GROUP, Finished(again.id, SENT, card=moved), NOW) is None
    async with sessions() as session:
        cards = list(await session.scalars(select(Card).where(Card.item_id == a)))
        item = await session.get(Item, a)
    assert [(c.message_id, c.audience) for c in cards] == [(778, "editor")]
    assert item is not None and item.delivered_state == "submitted"
