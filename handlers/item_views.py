"""Buttons that show an item without changing it: its card again, the card from the
queue, its history, its whole text, its preview, and "add more" to a draft."""

from __future__ import annotations

from telegram import Update

from bot.core.outgoing import Kind
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.queue import card_audience
from bot.core.workflow import State, WorkflowError
from bot.usecases.people import roles_of
from handlers.common import WartaContext, answer_tap
from handlers.outcomes import explain
from handlers.queue import viewer_of
from handlers.tap_guard import Tapped, on_tap


@on_tap
async def card(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``card:<item>``: the card again (back from a menu, or "keep" instead of a move)."""
    await answer_tap(tapped.query)
    await context.sender.show_card(context, tapped.item.id, tapped.chat_id)


@on_tap
async def open_card(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``open:<item>`` from the queue: the card at the bottom of this chat, as this
    chat sees it."""
    query, item = tapped.query, tapped.item
    assert query.message is not None
    await answer_tap(query)
    roles = frozenset(roles_of(tapped.person))
    viewer = await viewer_of(context, query.message.chat, roles, tapped.person.id)
    audience = card_audience(viewer, State(item.state), item.officer_id)
    await context.sender.show_card(context, item.id, tapped.chat_id, audience, repost=True)


@on_tap
async def history(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``his:<item>``: what happened to the item, in order."""
    await answer_tap(tapped.query)
    history = OutgoingMessage(tapped.chat_id, Kind.HISTORY, tapped.item.id)
    await context.sender.send(context, [history])


@on_tap
async def full_text(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``full:<item>``: the whole title and text, in as many messages as it takes."""
    await answer_tap(tapped.query)
    whole = OutgoingMessage(tapped.chat_id, Kind.FULL_TEXT, tapped.item.id)
    await context.sender.send(context, [whole])


@on_tap
async def preview(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``pre:<item>``: the post as it will be published."""
    await answer_tap(tapped.query, context.services.t("preview.sending", tapped.language))
    preview = OutgoingMessage(tapped.chat_id, Kind.PREVIEW, tapped.item.id)
    await context.sender.send(context, [preview])


@on_tap
async def add_more(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``add:<item>``: the officer's next files and text go to this draft."""
    services = context.services
    try:
        await services.drafts.select_draft(tapped.person, tapped.item.id)
    except WorkflowError as error:
        await answer_tap(tapped.query, explain(error, context, tapped.language), show_alert=True)
        return
    await answer_tap(tapped.query, services.t("draft.add_more", tapped.language))
