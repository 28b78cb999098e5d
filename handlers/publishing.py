"""The publishing step in the chats: the scheduler's sweep, the outbox's news, the
schedule menu.

The outbox (``bot.usecases.outbox``) does the publishing; this module tells people about
it. The sweep runs on PTB's job queue every few seconds and right after any move that
publishes, takes down or retries, so an approved item goes out within seconds of the
tap, a scheduled one at its time (after a restart too: the time is a row), and with
``WARTA_AUTO_PUBLISH`` every approved item by itself.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from telegram import Update
from telegram.error import TelegramError

from bot.core.item_changes import Edit, view_of
from bot.core.outgoing import Kind, Message
from bot.core.purposes import Purpose
from bot.core.text import esc, excerpt
from bot.core.when import WhenError, resolve_quick
from bot.core.workflow import Action, State, WorkflowError, transition
from bot.ports.targets import PublishError
from bot.usecases.items import actor_of
from bot.usecases.scheduled import publish_due
from handlers.announce import announce, refresh_cards, targets
from handlers.card_menus import SCHEDULE_MENU
from handlers.common import (
    WartaContext,
    answer_tap,
    reply,
)
from handlers.history import item_of_command
from handlers.outcomes import explain, explain_when
from handlers.prompts import ask
from handlers.tap_guard import Tapped, on_tap
from handlers.tap_moves import move_from_tap

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(seconds=15)


async def publish_sweep(context: WartaContext) -> None:
    """Job: publish what is due, then drive the outbox. It never waits for a chat: what
    it has to say goes through the sender, woken."""
    services = context.services
    sender = context.sender
    # What failed to go before this round is tried again.
    await sender.sweep(context)
    auto = services.settings.auto_publish
    async for outcome in publish_due(services.items, services.now(), auto):
        try:
            await announce(context, outcome, kick_outbox=False)
        except TelegramError:
            log.warning("could not announce the publication of %s", outcome.item.code)
    await context.outbox.run_due()
    # The outbox finished, but telling people failed (or warta stopped in between).
    done = [item.id for item in await services.items.unannounced_publications()]
    if await sender.deliveries.announce_done(done, services.now()):
        sender.wake(context)


# --- what the outbox tells the chats ------------------------------------------------


class ChatListener:
    """Turns the outbox's events into card redraws, confirmations and alerts."""

    def __init__(self, context: WartaContext) -> None:
        self._context = context

    async def changed(self, item_id: int) -> None:
        item = await self._context.services.items.get(item_id)
        if item is not None:
            await refresh_cards(self._context, item)

    async def finished(self, item_id: int, removal: bool) -> None:
        sender = self._context.sender
        await sender.deliveries.announce_done([item_id], self._context.services.now())
        sender.wake(self._context)

    async def alert(self, item_id: int, target: str, error: PublishError, attempts: int) -> None:
        # The target's own words (often English, technical) go to the IT team's log
        # group only; webmasters and publishers get the reason in their language.
        reason = f"pubfail.{error.kind}"
        log_chats = await targets(self._context, Purpose.LOG)
        await self._tell(
            item_id,
            (Purpose.EDITOR, Purpose.PUBLISHER),
            "notify.publish_failing",
            target,
            attempts=attempts,
            reason=reason,
            skip=log_chats,
        )
        await self._tell(
            item_id,
            (Purpose.LOG,),
            "notify.publish_failing_log",
            target,
            attempts=attempts,
            reason=reason,
            error=excerpt(error.message, 300),
        )

    async def uncertain(self, item_id: int, target: str) -> None:
        item = await self._context.services.items.get(item_id)
        # After a takedown the question is whether something is still out there.
        taken_down = item is not None and item.state == State.UNPUBLISHED.value
        key = "notify.takedown_uncertain" if taken_down else "notify.publish_uncertain"
        await self._tell(item_id, (Purpose.PUBLISHER, Purpose.EDITOR), key, target)

    async def unpublishable(self, item_id: int, file: str, reason: str) -> None:
        """A file was left out for good: the publishers and editors may hold the item
        (take it down) if it should not stand without it; the IT team sees it too."""
        context = self._context
        item = await context.services.items.get(item_id)
        if item is None:
            return
        chats: list[int] = []
        for purpose in (Purpose.PUBLISHER, Purpose.EDITOR, Purpose.LOG):
            chats += await targets(context, purpose)
        facts = {
            "code": item.code,
            "title": excerpt(item.title, 80),
            "file": file,
            "reason": f"publish.{reason}",
        }
        messages = [
            Message(
                chat_id, Kind.NOTICE, item.id, key="notify.unpublishable", params=facts,
                translate=("reason",),
            )
            for chat_id in dict.fromkeys(chats)
        ]  # fmt: skip
        await context.sender.store.enqueue(messages, context.services.now())
        context.sender.wake(context, [m.chat_id for m in messages])

    async def _tell(
        self,
        item_id: int,
        purposes: tuple[Purpose, ...],
        key: str,
        target: str,
        *,
        reason: str | None = None,
        skip: list[int] | None = None,
        **params: object,
    ) -> None:
        """One notice about one target of an item to the chats of these steps, each in
        its own language (``reason`` is a message key, translated per chat)."""
        context = self._context
        sender = context.sender
        item = await context.services.items.get(item_id)
        if item is None:
            return
        chats: list[int] = []
        for purpose in purposes:
            chats += await targets(context, purpose)
        facts = {
            "code": item.code,
            "title": excerpt(item.title, 80),
            "target": f"target.{target}",
            **{k: str(v) for k, v in params.items()},
        }
        translate: tuple[str, ...] = ("target",)
        if reason:
            facts["reason"] = reason
            translate += ("reason",)
        messages = [
            Message(chat_id, Kind.NOTICE, item.id, key=key, params=facts, translate=translate)
            for chat_id in dict.fromkeys(chats)
            # ``skip``: that chat gets its own version of the notice.
            if not (skip and chat_id in skip)
        ]
        await sender.store.enqueue(messages, context.services.now())
        sender.wake(context, [m.chat_id for m in messages])


# --- the schedule menu --------------------------------------------------------------


def _shown_day(choice: str) -> tuple[str, date | None]:
    """Split ``tomorrow_0800_20261126`` into the quick key and the day it was shown."""
    key, _, day = choice.rpartition("_")
    if key and len(day) == 8 and day.isdigit():
        try:
            return key, datetime.strptime(day, "%Y%m%d").date()
        except ValueError:
            raise WhenError("when.unreadable") from None
    return choice, None


@on_tap
async def tap_schedule(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``sch:<item>:<version>:<choice>``: open the menu, pick a time, or type one."""
    query, person, item, language = tapped.query, tapped.person, tapped.item, tapped.language
    services = context.services
    t = services.t
    choice = tapped.tap.str_arg(2)
    if choice == "open":
        await answer_tap(query)
        await context.sender.show_card(context, item.id, tapped.chat_id, menu=SCHEDULE_MENU)
        return
    if choice == "type":
        await answer_tap(query, t("prompt.toast", language))
        await ask(update, context, person, "schedule", language, "prompt.schedule", item)
        return
    try:
        key, shown_on = _shown_day(choice)
        at = resolve_quick(key, services.now(), services.zone, shown_on=shown_on)
    except WhenError as error:
        await answer_tap(query, explain_when(error, context, language), show_alert=True)
        return
    edit = Edit(publish_at=at)
    await move_from_tap(update, context, person, item, Action.SCHEDULE, language, edit)


async def takedown(update: Update, context: WartaContext) -> None:
    """/turunkan KODE: an official takes a published item down, even when its card has
    scrolled far out of sight; the reason is asked for, as on the card's button."""
    found = await item_of_command(update, context, "takedown.usage")
    if found is None:
        return
    person, item, language = found
    services = context.services
    try:
        transition(view_of(item), actor_of(person), Action.UNPUBLISH, services.now(), note="-")
    except WorkflowError as error:
        await reply(update, esc(explain(error, context, language)))
        return
    await ask(update, context, person, "unpublish", language, "prompt.unpublish", item)
