"""The one sender: drains the outgoing rows into Telegram, one task per chat.

Update handlers only commit rows (with their move) and :func:`wake` the sender; they
never wait for a message to another chat, nor for a rate limit. Each chat with work gets
its own task, which sends that chat's rows in order, paced by ``bot.pace`` (a busy group
waits for its own minute, nobody else does). A row is claimed before its call and
finished after it; a call that fails leaves the row ``failed`` (and holds back that
item's later rows in that chat), to be tried again by the next sweep.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from telegram.error import TelegramError

from bot.outgoing import Kind
from bot.pace import Pace, Window
from bot.text import esc, excerpt
from bot.workflow import State
from handlers.announce import (
    chat_language,
    links_text,
    send_media,
    send_preview,
    send_text,
    show_card,
)
from handlers.cards import live_media
from handlers.common import WartaContext
from storage.deliveries import Deliveries
from storage.models import Item
from storage.outgoing import DROPPED, SENT, OutgoingStore, Queued

log = logging.getLogger(__name__)

# A row that keeps failing this long is given up (and the log group told).
GIVE_UP_AFTER = timedelta(days=1)
# Rows that went are kept this long (to look into a complaint), then forgotten.
KEEP_SENT = timedelta(days=7)
SENDER_KEY = "sender"


class DeliveryTrouble(Exception):
    """A message could not be sent this time; it is tried again at the next sweep."""

    def __init__(self, row: Queued, error: BaseException, code: str | None) -> None:
        what = row.kind.value + (f" {code}" if code else "")
        super().__init__(f"{what} to chat {row.chat_id} not sent ({error}); retried later")
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
        store: OutgoingStore,
        deliveries: Deliveries,
        pace: Pace,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.deliveries = deliveries
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

    # --- starting work -------------------------------------------------------------

    def chat_moved(self) -> None:
        """A group became a supergroup: its waiting rows now carry the new id."""
        self._moved = True

    def wake(self, context: WartaContext) -> None:
        """New rows were committed: start sending them, in the background."""
        self._generation += 1
        if self._dispatching is not None and not self._dispatching.done():
            self._again = True
            return
        self._dispatching = context.application.create_task(
            self._dispatch(context), name="sender-dispatch"
        )

    async def _dispatch(self, context: WartaContext) -> None:
        while True:
            self._again = False
            for chat_id in await self.store.chats_with_work():
                task = self._chats.get(chat_id)
                if task is None or task.done():
                    self._chats[chat_id] = context.application.create_task(
                        self._chat(context, chat_id), name=f"sender-{chat_id}"
                    )
            if not self._again:
                return

    async def drain(self, context: WartaContext) -> None:
        """Send everything pending and wait until it went (for jobs, never handlers)."""
        self.wake(context)
        while True:
            running = [t for t in (self._dispatching, *self._chats.values()) if t and not t.done()]
            if not running:
                return
            await asyncio.gather(*running, return_exceptions=True)

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
        await self.drain(context)

    # --- one chat ------------------------------------------------------------------

    async def _chat(self, context: WartaContext, chat_id: int) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            while True:
                generation = self._generation
                row = await self.store.next_for(chat_id)
                if row is None:
                    if generation == self._generation:
                        return
                    continue
                await self._send(context, row)

    async def _send(self, context: WartaContext, row: Queued) -> None:
        items = context.services.items
        item = await items.get(row.item_id) if row.item_id is not None else None
        count = 1
        if item is not None and row.kind in (Kind.FILES, Kind.PREVIEW):
            count = max(1, len(live_media(item)))
        delay = self._pace.delay(row.chat_id, self._monotonic(), count, new=row.new)
        if delay > 0:
            await asyncio.sleep(delay)
        if not await self.store.claim(row.id):
            return
        self._pace.record(row.chat_id, self._monotonic(), count, new=row.new)
        code: str | None = None
        try:
            code, sent = await self._execute(context, row, item)
        except TelegramError as error:
            await self.store.fail(row.id, f"{type(error).__name__}: {error}")
            log.warning(
                "could not send %s to chat %s (try %d): %s",
                row.kind.value,
                row.chat_id,
                row.attempts + 1,
                error,
            )
            if row.attempts == 0 and row.hands_over:
                # A step's people are missing the item: the IT team hears it once, in one
                # line; the sweeps retry quietly (a notice that failed is only logged).
                await context.application.process_error(None, DeliveryTrouble(row, error, code))
            return
        except Exception as error:
            await self.store.fail(row.id, f"{type(error).__name__}: {error}")
            await context.application.process_error(None, error)
            return
        await self.store.finish(row.id, self._clock(), status=SENT if sent else DROPPED)
        if self._moved:
            self._moved = False
            self.wake(context)

    async def _execute(
        self, context: WartaContext, row: Queued, item: Item | None
    ) -> tuple[str | None, bool]:
        """Make the row's call(s); returns the item's code and whether it was sent."""
        services = context.services
        code = item.code if item is not None else None
        chat_id = row.chat_id
        if row.kind is Kind.NOTICE:
            language = await chat_language(context, chat_id)
            params = {
                k: services.t(v, language) if k in row.translate else v
                for k, v in row.params.items()
            }
            text = services.t(row.key or "", language, **{k: esc(v) for k, v in params.items()})
            return code, await _sent(send_text(context, chat_id, text))
        if item is None:
            return code, False  # the item is gone (a restored backup); nothing to show
        if row.kind is Kind.CARD:
            return code, await show_card(
                context,
                item,
                chat_id,
                row.audience or "officer",
                repost=row.repost,
                menu=row.params.get("menu"),
            )
        if row.kind is Kind.FILES:
            await send_media(context, chat_id, live_media(item))
            return code, True
        if row.kind is Kind.PREVIEW:
            await send_preview(context, chat_id, item)
            return code, True
        # Kind.DONE
        removal = item.state == State.UNPUBLISHED.value
        language = await chat_language(context, chat_id)
        key = "notify.removed_everywhere" if removal else "notify.published"
        text = services.t(key, language, code=esc(item.code), title=esc(excerpt(item.title, 80)))
        links = "" if removal else links_text(context, item, language)
        return code, await _sent(
            send_text(context, chat_id, text + ("\n" + links if links else ""))
        )


async def _sent(call: Awaitable[object]) -> bool:
    return await call is not None


def sender_of(context: WartaContext) -> Sender | None:
    sender = context.application.bot_data.get(SENDER_KEY)
    return sender if isinstance(sender, Sender) else None


def wake(context: WartaContext) -> None:
    sender = sender_of(context)
    if sender is not None:
        sender.wake(context)


async def drain(context: WartaContext) -> None:
    sender = sender_of(context)
    if sender is not None:
        await sender.drain(context)


async def sweep(context: WartaContext) -> None:
    """Job (the delivery sweep)."""
    sender = sender_of(context)
    if sender is not None:
        await sender.sweep(context)
