"""The one sender: drains the outgoing rows into Telegram, one task per chat.

Update handlers only commit rows (with their move) and :func:`wake` the sender, naming
the chats and handing over what the move read; they never wait for a message to another
chat, nor for a rate limit, and neither do the sweeps. Each chat with work gets its own
task, which sends that chat's rows in order, paced by ``bot.core.pace`` (a busy group waits
for its own minute, nobody else does). One commit per message records how the last one
went and claims the next before its call; a call that fails leaves the row ``failed``
(and holds back that item's later rows in that chat), to be tried again by the next
sweep. An item's facts (``storage.card_facts``) are read once for all the rows that
were waiting when they were read, or come with the move that wrote the rows.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial

from telegram.error import TelegramError

from bot.core.card_facts import CardFacts, CardSpot
from bot.core.outgoing import Kind, Message
from bot.core.pace import Pace, Window
from bot.ports.outgoing import Deliveries, Finished, OutgoingRows, Queued
from handlers.announce import (
    Calls,
    chat_language,
    draw_card,
)
from handlers.cards import full_text_parts, live_media
from handlers.common import WartaContext
from handlers.deliver import execute

log = logging.getLogger(__name__)

# A row that keeps failing this long is given up (and the log group told).
GIVE_UP_AFTER = timedelta(days=1)
# Rows that went are kept this long (to look into a complaint), then forgotten.
KEEP_SENT = timedelta(days=7)
# How many items' facts the sender keeps between rows (older ones are read again).
KNOWN_ITEMS = 256


class DeliveryTrouble(Exception):
    """A message could not be sent this time; it is tried again at the next sweep."""

    def __init__(self, row: Queued, error: BaseException, code: str | None) -> None:
        self.what = row.kind.value + (f" {code}" if code else "")
        super().__init__(f"{self.what} to chat {row.chat_id} not sent ({error}); retried later")
        self.row = row
        self.cause = error


def pace_for(group_per_minute: int) -> Pace:
    return Pace(
        group=Window(group_per_minute, 60.0),
        # About one a second in a private chat, with a short burst allowed.
        private=Window(3, 3.0),
        overall=Window(30, 1.0),
    )


class Sender:
    def __init__(
        self,
        store: OutgoingRows,
        deliveries: Deliveries,
        read_facts: Callable[[int], Awaitable[CardFacts | None]],
        pace: Pace,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.deliveries = deliveries
        self._read_facts = read_facts
        # Items' facts last read, by item id (see storage.card_facts).
        self._known: dict[int, CardFacts] = {}
        #: How many times the pace held a message back (for the benchmarks).
        self.waits = 0
        self._reading: dict[int, asyncio.Future[CardFacts | None]] = {}
        self._pace = pace
        self._clock = clock
        self._monotonic = monotonic
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        # Bumped by every wake, so a chat task about to stop looks once more.
        self._generation = 0
        self._dispatching: asyncio.Task[None] | None = None
        self._again = False
        self._moved = False
        # Chats named by the wakes since the last dispatch, and whether a wake named none.
        self._named: set[int] = set()
        self._everyone = False

    # --- starting work -------------------------------------------------------------

    def chat_moved(self) -> None:
        """A group became a supergroup: its waiting rows now carry the new id."""
        self._moved = True

    def may_edit_now(self, chat_id: int) -> bool:
        """For an update handler about to edit a card in ``chat_id`` itself: whether the
        edit may go at once (it never waits); if so it is counted against the limits."""
        now = self._monotonic()
        if self._pace.delay(chat_id, now, new=False) > 0:
            return False
        self._pace.record(chat_id, now, new=False)
        return True

    def wake(
        self,
        context: WartaContext,
        chats: Iterable[int] | None = None,
        facts: CardFacts | None = None,
    ) -> None:
        """New rows were committed: start sending them, in the background. A move names
        the ``chats`` it wrote to (nothing needs reading to find them) and hands over the
        ``facts`` its rows need; without names every chat with waiting rows is looked up."""
        if facts is not None and facts.rows:
            self._known[facts.item.id] = facts
        self._generation += 1
        if chats is None:
            self._everyone = True
        else:
            self._named.update(chats)
        if self._dispatching is not None and not self._dispatching.done():
            self._again = True
            return
        self._dispatching = context.application.create_task(
            self._dispatch(context), name="sender-dispatch"
        )

    async def _dispatch(self, context: WartaContext) -> None:
        while True:
            self._again = False
            chats, self._named = self._named, set()
            if self._everyone:
                self._everyone = False
                chats.update(await self.store.chats_with_work())
            for chat_id in sorted(chats):
                task = self._chats.get(chat_id)
                if task is None or task.done():
                    self._chats[chat_id] = context.application.create_task(
                        self._chat(context, chat_id), name=f"sender-{chat_id}"
                    )
            if not self._again:
                return

    async def sweep(self, context: WartaContext) -> None:
        """Job: give what failed another try, hand over what found nobody, give up on
        rows that failed for a day."""
        now = self._clock()
        for row in await self.store.give_up(now - GIVE_UP_AFTER, now):
            log.warning("gave up sending %s to chat %s after a day", row.kind.value, row.chat_id)
        await self.store.prune(now - KEEP_SENT)
        retried = await self.store.retry_failed()
        handed = await self.deliveries.redeliver(now)
        for code in handed:
            log.info("handing over %s again", code)
        if retried or handed:
            log.info("sweep: %d message(s) tried again, %d hand-over(s)", retried, len(handed))
        # Woken, not waited for: a chat waiting out its flood limit holds up nobody, not
        # the publishing sweep that calls this either.
        self.wake(context)

    # --- what handlers ask for -------------------------------------------------------

    async def send(self, context: WartaContext, messages: Sequence[Message]) -> None:
        """Record messages and start sending them, each in its chat's turn."""
        if messages:
            await self.store.enqueue(messages, self._clock())
            self.wake(context, [m.chat_id for m in messages])

    async def show_card(
        self,
        context: WartaContext,
        item_id: int,
        chat_id: int,
        audience: str | None = None,
        *,
        repost: bool = False,
        menu: str | None = None,
    ) -> None:
        """Have the item's card drawn in that chat, in the chat's turn: posted anew at
        the bottom (``repost``), with a menu open, or (``audience`` None) redrawn as the
        card there is seen now, when there is one."""
        if audience is None:
            existing = await context.services.chats.card(item_id, chat_id)
            if existing is None:
                return
            audience = existing.audience
        params = {"menu": menu} if menu else {}
        row = Message(chat_id, Kind.CARD, item_id, audience, repost=repost, params=params)
        await self.send(context, [row])

    async def draw_now(
        self,
        context: WartaContext,
        facts: CardFacts,
        chat_id: int,
        language: str,
        *,
        audience: str | None = None,
        repost: bool = False,
    ) -> None:
        """Draw the item's card in that chat at once, from facts its caller just read
        (the tapped card after a move, an officer's draft after an addition), and keep
        its place in them and on record. Without an ``audience`` only a card the chat
        already has is drawn. When Telegram refuses, the card is drawn in the chat's
        turn instead: it is never left showing old buttons."""
        existing = facts.cards.get(chat_id)
        audience = audience or (existing.audience if existing is not None else None)
        if audience is None:
            return
        item = facts.item
        try:
            spot = await draw_card(
                context,
                item,
                chat_id,
                audience,
                language,
                facts.officer,
                facts.last_event,
                existing,
                repost=repost,
            )
        except TelegramError as error:
            log.warning("card %s in chat %s not drawn at once: %s", item.code, chat_id, error)
            row = Message(chat_id, Kind.CARD, item.id, audience, repost=repost)
            await self.send(context, [row])
            return
        if spot is None:
            return
        if (
            existing is None
            or spot != (chat_id, existing.message_id)
            or existing.audience != audience
        ):
            facts.cards.pop(chat_id, None)
            facts.cards[spot[0]] = CardSpot(spot[1], audience)
            await context.services.chats.save_card(item.id, spot[0], spot[1], audience)

    # --- one chat ------------------------------------------------------------------

    async def _chat(self, context: WartaContext, chat_id: int) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            languages: dict[int, str] = {}
            finished: Finished | None = None
            while True:
                generation = self._generation
                # How the last row went and the next one claimed, in one commit.
                row = await self.store.take(chat_id, finished, self._clock())
                finished = None
                if row is None:
                    if generation == self._generation:
                        return
                    continue
                finished = await self._send(context, row, languages)
                if self._moved:
                    # The chat became a supergroup and its rows carry the new id now: the
                    # new chat's task must find this row on record before it looks.
                    self._moved = False
                    if finished is not None:
                        await self.store.record(finished, self._clock())
                        finished = None
                    self.wake(context)

    async def _facts(self, row: Queued) -> CardFacts | None:
        """The row's item as it is at least since the row was written, read once for
        all the rows that were waiting then (several chats' tasks share one read)."""
        item_id = row.item_id
        if item_id is None:
            return None
        for _ in range(3):
            facts = self._known.get(item_id)
            if facts is not None and row.id in facts.rows:
                return facts
            reading = self._reading.get(item_id)
            if reading is None:
                reading = asyncio.ensure_future(self._read_facts(item_id))
                self._reading[item_id] = reading
                reading.add_done_callback(partial(self._read_done, item_id))
            # Shielded: one chat's task being cancelled must not cancel the others' read.
            facts = await asyncio.shield(reading)
            if facts is None:
                return None
            self._known[item_id] = facts
            while len(self._known) > KNOWN_ITEMS:
                self._known.pop(next(iter(self._known)))
        return await self._read_facts(item_id)

    def _read_done(self, item_id: int, reading: asyncio.Future[CardFacts | None]) -> None:
        if self._reading.get(item_id) is reading:
            del self._reading[item_id]

    async def _send(
        self, context: WartaContext, row: Queued, languages: dict[int, str]
    ) -> Finished | None:
        """Make the row's call(s), paced; returns how it went, or None when it failed
        (then it is marked failed for the sweep)."""
        facts = await self._facts(row)
        item = facts.item if facts is not None else None
        count = 1
        if item is not None and row.kind in (Kind.FILES, Kind.PREVIEW):
            count = max(1, len(live_media(item)))
        elif item is not None and row.kind is Kind.FULL_TEXT:
            count = len(full_text_parts(item))
        elif row.kind is Kind.REPORT:
            count = 3  # the summary and two albums
        delay = self._pace.delay(row.chat_id, self._monotonic(), count, new=row.new)
        if delay > 0:
            self.waits += 1
            await asyncio.sleep(delay)
        self._pace.record(row.chat_id, self._monotonic(), count, new=row.new)
        code = item.code if item is not None else None
        calls = Calls(skip=row.calls_done)
        try:
            language = await self._language(context, row.chat_id, facts, languages)
            finished = await execute(context, row, facts, language, calls)
        except TelegramError as error:
            await self.store.fail(row.id, f"{type(error).__name__}: {error}", calls.done)
            log.warning(
                "could not send %s to chat %s (try %d): %s",
                row.kind.value,
                row.chat_id,
                row.attempts,
                error,
            )
            if row.attempts == 1 and row.hands_over:
                # A step's people are missing the item: the IT team hears it once, in one
                # line; the sweeps retry quietly (a notice that failed is only logged).
                await context.application.process_error(None, DeliveryTrouble(row, error, code))
            return None
        except Exception as error:
            await self.store.fail(row.id, f"{type(error).__name__}: {error}", calls.done)
            await context.application.process_error(None, error)
            return None
        return finished

    async def _language(
        self,
        context: WartaContext,
        chat_id: int,
        facts: CardFacts | None,
        languages: dict[int, str],
    ) -> str:
        """The chat's language, read at most once per run (the officer's is known)."""
        if chat_id in languages:
            return languages[chat_id]
        officer = facts.officer if facts is not None else None
        if officer is not None and officer.id == chat_id:
            language = officer.language
        else:
            language = await chat_language(context, chat_id)
        languages[chat_id] = language
        return language


def wake(context: WartaContext) -> None:
    context.sender.wake(context)


async def start(context: WartaContext) -> None:
    """Job (at start): send what waited while warta was down."""
    wake(context)


async def sweep(context: WartaContext) -> None:
    """Job (the delivery sweep)."""
    await context.sender.sweep(context)
