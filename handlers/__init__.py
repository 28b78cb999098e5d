"""Telegram adapters. :func:`register` is the one place that wires updates to handlers."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import (
    admin,
    deputies,
    history,
    intake,
    item_menus,
    item_views,
    prompts,
    publishing,
    queue,
    reports,
    start,
    taps,
)
from handlers.common import WartaContext
from handlers.errors import on_error
from handlers.tap_guard import ANY_BUTTON, pattern, refuse_button

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE  # edits of old messages are not new material
FILES = filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.ANIMATION
UNSUPPORTED = (
    filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO_NOTE
    | filters.LOCATION
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
    | filters.VENUE
    | filters.GAME
    | filters.STORY
)

# Each command answers to its Indonesian name and an English alias.
COMMANDS: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("start",), start.start),
    (("bantuan", "help"), start.show_help),
    (("bahasa", "language"), start.choose_language),
    (("baru", "new"), intake.new_draft),
    (("draf", "drafts"), intake.list_drafts),
    (("riwayat", "status", "history"), history.history),
    (("antrian", "queue"), queue.show_queue),
    (("wakil", "deputy"), deputies.deputies),
    (("laporan", "report"), reports.monthly_report),
    (("turunkan", "takedown"), publishing.takedown),
    (("batal", "cancel"), prompts.cancel),
    (("undang", "invite"), admin.invite),
    (("orang", "people"), admin.people),
    (("ikat", "bind"), admin.bind),
)

# Each button verb (the part of the callback data before the first ':') has one handler.
TAPS: tuple[tuple[tuple[str, ...], Any], ...] = (
    (taps.VERBS, taps.on_move),
    (("card",), item_views.card),
    (("open",), item_views.open_card),
    (("his",), item_views.history),
    (("full",), item_views.full_text),
    (("pre",), item_views.preview),
    (("add",), item_views.add_more),
    (("med",), item_menus.media_list),
    (("cat",), item_menus.category),
    (("drop", "cov"), item_menus.drop_or_cover),
    (("alt",), item_menus.describe),
    (("sch",), publishing.tap_schedule),
    (("inv",), admin.tap_invite),
    (("ppl",), admin.tap_person),
    (("rol", "rvk"), admin.tap_role),
    (("bind",), admin.tap_bind),
    (("lang",), start.tap_language),
    (("wko", "wks", "wkl", "wkr", "wkd", "wkx"), deputies.tap),
)


async def _migrated(update: Update, context: WartaContext) -> None:
    """A group became a supergroup: follow it."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await context.services.chats.migrate_chat(message.chat.id, message.migrate_to_chat_id)


def register(app: Application[Any, WartaContext, Any, Any, Any, Any]) -> None:
    """Wire every handler, in the order Telegram updates are matched."""
    # 1. Membership and chat housekeeping come first: they are not user input.
    app.add_handler(ChatMemberHandler(start.bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, _migrated))
    # 2. Commands, in private and in groups.
    for names, callback in COMMANDS:
        app.add_handler(CommandHandler(names, callback, filters=NEW))
    # 3. Button taps on cards and menus.
    for verbs, callback in TAPS:
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern(verbs)))
    app.add_handler(CallbackQueryHandler(refuse_button, pattern=ANY_BUTTON))
    # 4. Material from officers, in private.
    app.add_handler(MessageHandler(PRIVATE & NEW & FILES, intake.on_file))
    app.add_handler(
        MessageHandler(PRIVATE & NEW & filters.TEXT & ~filters.COMMAND, intake.on_private_text)
    )
    app.add_handler(MessageHandler(PRIVATE & NEW & UNSUPPORTED, intake.unsupported))
    app.add_handler(MessageHandler(PRIVATE & NEW & filters.COMMAND, start.show_help))
    app.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, intake.edited))
    # 5. In groups, text is read only as the answer to a question the bot asked.
    app.add_handler(
        MessageHandler(GROUPS & NEW & filters.TEXT & ~filters.COMMAND, prompts.group_text)
    )
    app.add_error_handler(on_error)
