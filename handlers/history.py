"""/riwayat and /status: where an item is now and everything that happened to it."""

from __future__ import annotations

from telegram import Update

from bot.items import actor_of
from bot.text import esc
from bot.workflow import may_follow
from handlers.announce import show_card
from handlers.cards import history_text
from handlers.common import WartaContext, acting_person, is_private, language_of, reply


async def history(update: Update, context: WartaContext) -> None:
    """/riwayat KODE: the item's history, for anyone who takes part in it."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    services = context.services
    t = services.t
    if person is None:
        await reply(update, t("stranger", language))
        return
    if not context.args:
        await reply(update, t("history.usage", language))
        return
    item = await services.items.get_by_code(context.args[0])
    if item is None or not may_follow(actor_of(person), item.officer_id):
        await reply(update, t("history.not_found", language, code=esc(context.args[0][:32])))
        return
    events = await services.items.history(item.id)
    await reply(update, history_text(item, events, language, services))
    chat = update.effective_chat
    if chat is not None and is_private(update) and item.officer_id == person.id:
        await show_card(context, item, chat.id, "officer", repost=True)
