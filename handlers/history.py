"""/riwayat and /status: where an item is now and everything that happened to it."""

from __future__ import annotations

from telegram import Update

from bot.core.outgoing import Kind
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.text import esc
from bot.core.values import Item, Person
from bot.core.workflow import may_follow
from bot.usecases.items import actor_of
from handlers.common import WartaContext, acting_person, is_private, language_of, reply


async def item_of_command(
    update: Update, context: WartaContext, usage_key: str
) -> tuple[Person, Item, str] | None:
    """The item a ``/command KODE`` names, with who asks and their language; None
    (after a polite answer) for a stranger, a missing code, or an item they do not
    take part in."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    t = context.services.t
    if person is None:
        await reply(update, t("stranger", language))
        return None
    if not context.args:
        await reply(update, t(usage_key, language))
        return None
    item = await context.services.items.get_by_code(context.args[0])
    if item is None or not may_follow(actor_of(person), item.officer_id):
        await reply(update, t("history.not_found", language, code=esc(context.args[0][:32])))
        return None
    return person, item, language


async def history(update: Update, context: WartaContext) -> None:
    """/riwayat KODE: the item's history, for anyone who takes part in it."""
    found = await item_of_command(update, context, "history.usage")
    if found is None:
        return
    person, item, _ = found
    chat = update.effective_chat
    if chat is None:
        return
    # Drawn when it goes, in this chat's turn; the officer's own card follows it.
    rows = [OutgoingMessage(chat.id, Kind.HISTORY, item.id)]
    if is_private(update) and item.officer_id == person.id:
        rows.append(OutgoingMessage(chat.id, Kind.CARD, item.id, "officer", repost=True))
    await context.sender.send(context, rows)
