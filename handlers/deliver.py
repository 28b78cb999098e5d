"""What one outgoing row becomes in Telegram, by its kind: a notice, a card drawn or
redrawn, the files, the preview, the history, a reminder, the morning digest, the
monthly report, the "it is out" message. The sender (:mod:`handlers.sender`) decides
when a row goes; this module, how.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial

from bot.core.card_facts import CardFacts, CardSpot
from bot.core.outgoing import Kind
from bot.core.text import esc, excerpt
from bot.core.workflow import State
from bot.ports.outgoing import DROPPED, SENT, Finished, PlacedCard, Queued
from handlers.announce import (
    Calls,
    draw_card,
    links_text,
    send_media,
    send_preview,
    send_text,
)
from handlers.cards import full_text_parts, history_text, live_media
from handlers.common import WartaContext
from handlers.reminders import send_digest, send_reminder
from handlers.reports import send_report


async def execute(
    context: WartaContext,
    row: Queued,
    facts: CardFacts | None,
    language: str,
    calls: Calls,
) -> Finished:
    """Make the row's call(s); returns how it went."""
    services = context.services
    chat_id = row.chat_id
    if row.kind is Kind.NOTICE:
        params = {
            k: services.t(v, language) if k in row.translate else v for k, v in row.params.items()
        }
        text = services.t(row.key or "", language, **{k: esc(v) for k, v in params.items()})
        return _went(row, await _sent(send_text(context, chat_id, text)))
    if row.kind is Kind.REPORT:
        month = row.params.get("month", "")
        return _went(row, await send_report(context, chat_id, month, language, calls))
    if row.kind is Kind.DIGEST:
        # None: nothing waits in that group this morning; nothing to send.
        return _went(row, bool(await send_digest(context, chat_id, language)))
    if facts is None:
        return _went(row, False)  # the item is gone (a restored backup)
    item = facts.item
    if row.kind is Kind.CARD:
        return await _card(context, row, facts, language)
    if row.kind is Kind.FILES:
        await send_media(context, chat_id, live_media(item), calls=calls)
        return _went(row, True)
    if row.kind is Kind.PREVIEW:
        await send_preview(context, chat_id, item, calls)
        return _went(row, True)
    if row.kind is Kind.HISTORY:
        events = await services.items.history(item.id)
        text = history_text(item, events, language, services)
        return _went(row, await _sent(send_text(context, chat_id, text)))
    if row.kind is Kind.FULL_TEXT:
        for part in full_text_parts(item):
            await calls(partial(send_text, context, chat_id, esc(part)))
        return _went(row, True)
    if row.kind is Kind.REMINDER:
        state, stage = row.params.get("state", ""), row.params.get("stage", "")
        # None: the step was left before this went; there is nothing to remind of.
        went = await send_reminder(context, chat_id, facts, state, stage, language)
        return _went(row, bool(went))
    # Kind.DONE
    removal = item.state == State.UNPUBLISHED.value
    key = "notify.removed_everywhere" if removal else "notify.published"
    text = services.t(key, language, code=esc(item.code), title=esc(excerpt(item.title, 80)))
    links = "" if removal else links_text(context, item, language)
    return _went(
        row,
        await _sent(send_text(context, chat_id, text + ("\n" + links if links else ""))),
    )


async def _card(context: WartaContext, row: Queued, facts: CardFacts, language: str) -> Finished:
    audience = row.audience or "officer"
    existing = facts.cards.get(row.chat_id)
    spot = await draw_card(
        context,
        facts.item,
        row.chat_id,
        audience,
        language,
        facts.officer,
        facts.last_event,
        existing,
        repost=row.repost,
        menu=row.params.get("menu"),
    )
    if spot is None:
        return _went(row, False)
    chat_id, message_id = spot
    if existing == CardSpot(message_id, audience) and chat_id == row.chat_id:
        return _went(row, True)
    facts.cards.pop(row.chat_id, None)
    facts.cards[chat_id] = CardSpot(message_id, audience)
    placed = PlacedCard(facts.item.id, chat_id, message_id, audience)
    return Finished(row.id, SENT, card=placed)


def _went(row: Queued, sent: bool) -> Finished:
    return Finished(row.id, SENT if sent else DROPPED)


async def _sent(call: Awaitable[object]) -> bool:
    return await call is not None
