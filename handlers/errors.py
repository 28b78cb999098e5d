"""The last line of defence: log, tell the log chat the technical detail, tell the person
a plain sentence. State changes are single transactions, so an error here never leaves an
item half-moved; at worst a card is out of date until the next change."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import NetworkError, TimedOut

from handlers.announce import tell_log_chat
from handlers.common import WartaContext, answer_tap, language_of
from handlers.sender import DeliveryTrouble

log = logging.getLogger(__name__)


async def on_error(update: object, context: WartaContext) -> None:
    """Report an unexpected error once, to the right people, in the right detail."""
    error = context.error
    if update is None and isinstance(error, (TimedOut, NetworkError)):
        # Polling on a weak network is weather, not a bug: PTB retries by itself.
        log.warning("network trouble while polling: %s", error)
        return
    t = context.services.t
    office = context.services.settings.default_language
    if isinstance(error, DeliveryTrouble):
        # Telegram refused or dropped one message: one line, no traceback; the sweep
        # sends it again.
        summary = t(
            "log.delivery_trouble",
            office,
            what=error.what,
            chat=error.row.chat_id,
            error=str(error.cause),
        )
    else:
        log.error("unexpected error while handling an update", exc_info=error)
        # The technical part stays as Python wrote it: it is for whoever fixes it.
        detail = "".join(traceback.format_exception(error)) if error else "?"
        summary = t(
            "log.unexpected",
            office,
            error=f"{type(error).__name__}: {error}",
            detail=detail[-3000:],
        )
    # No secret of the configuration (the token above all) may reach a chat.
    for secret in context.services.settings.secret_values():
        summary = summary.replace(secret, "***")
    try:
        await tell_log_chat(context, summary)
    except Exception:  # the log chat itself may be the problem; the log file has it all
        log.exception("could not report the error to the log chat")
    if not isinstance(update, Update):
        return
    language = language_of(None, context, update)
    text = t("error.unexpected", language)
    try:
        if update.callback_query is not None:
            await answer_tap(update.callback_query, text, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(html.escape(text), do_quote=False)
    except Exception:
        log.exception("could not tell the user about the error")
