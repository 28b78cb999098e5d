"""What every handler shares: the typed context, who is acting, and safe Telegram calls.

Telegram noise is handled here once, for exact reasons only: a message that did not
change ("message is not modified"), a person who blocked the bot, a group that became a
supergroup. Everything else propagates to the error handler.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.card_facts import CardFacts
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.text import truncate
from bot.core.values import Person
from bot.core.workflow import Role
from bot.ports.outgoing import Deliveries, OutgoingRows
from bot.ports.targets import PublicCopies
from bot.usecases.outbox import Outbox
from bot.usecases.people import TelegramUser, roles_of
from bot.usecases.services import Services

log = logging.getLogger(__name__)

T = TypeVar("T")


class SenderPort(Protocol):
    """What handlers ask of the durable sender (:class:`handlers.sender.Sender`)."""

    store: OutgoingRows
    deliveries: Deliveries

    def chat_moved(self) -> None: ...

    def may_edit_now(self, chat_id: int) -> bool: ...

    def wake(
        self,
        context: WartaContext,
        chats: Iterable[int] | None = None,
        facts: CardFacts | None = None,
    ) -> None: ...

    async def sweep(self, context: WartaContext) -> None: ...

    async def send(self, context: WartaContext, messages: Sequence[OutgoingMessage]) -> None: ...

    async def show_card(
        self,
        context: WartaContext,
        item_id: int,
        chat_id: int,
        audience: str | None = None,
        *,
        repost: bool = False,
        menu: str | None = None,
    ) -> None: ...

    async def draw_now(
        self,
        context: WartaContext,
        facts: CardFacts,
        chat_id: int,
        language: str,
        *,
        audience: str | None = None,
        repost: bool = False,
    ) -> None: ...


@dataclass(frozen=True)
class Wired:
    """Everything the wiring (:mod:`bot.shell.app`) builds for the handlers, in one typed
    value: they reach it only through :class:`WartaContext`."""

    services: Services
    sender: SenderPort
    outbox: Outbox
    files: PublicCopies


_WIRED = "warta"  # the one bot_data key, known only here


def attach(app: Application[Any, Any, Any, Any, Any, Any], wired: Wired) -> None:
    """Hand the handlers of ``app`` what the wiring built."""
    app.bot_data[_WIRED] = wired


def wired_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Wired:
    wired = app.bot_data[_WIRED]
    assert isinstance(wired, Wired), "the application was not built by bot.shell.app"
    return wired


class WartaContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """A callback context that hands handlers the typed service bundle, the sender and
    the publishing outbox."""

    @property
    def services(self) -> Services:
        return wired_of(self.application).services

    @property
    def sender(self) -> SenderPort:
        return wired_of(self.application).sender

    @property
    def outbox(self) -> Outbox:
        return wired_of(self.application).outbox

    @property
    def public_files(self) -> PublicCopies:
        return wired_of(self.application).files


WartaApp = Application[
    ExtBot[None], WartaContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def telegram_user(user: User) -> TelegramUser:
    return TelegramUser(
        id=user.id,
        full_name=user.full_name,
        username=user.username,
        language_code=user.language_code,
    )


async def acting_person(update: Update, context: WartaContext) -> Person | None:
    """The registered person behind this update, or None for a stranger."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    return await context.services.people.recognise(telegram_user(user), context.services.now())


def language_of(person: Person | None, context: WartaContext, update: Update | None = None) -> str:
    """Private chats speak the person's language; groups speak the office default."""
    chat = update.effective_chat if update is not None else None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return context.services.settings.default_language
    if person is not None:
        return person.language
    if update is not None and update.effective_user is not None:
        code = (update.effective_user.language_code or "").split("-")[0]
        if code in ("id", "en"):
            return code
    return context.services.settings.default_language


def has_role(person: Person | None, role: Role) -> bool:
    return role in roles_of(person)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def reply(update: Update, text: str, **kwargs: Any) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    kwargs.setdefault("parse_mode", ParseMode.HTML)
    kwargs.setdefault("disable_web_page_preview", True)
    return await message.reply_text(text, do_quote=False, **kwargs)


async def guarded(
    context: WartaContext,
    chat_id: int,
    call: Callable[[int], Awaitable[T]],
) -> T | None:
    """Run one Telegram call to ``chat_id``, absorbing the failures that have a known meaning.

    - the chat became a supergroup: remember the new id and try once more there;
    - a person blocked the bot: mark them unreachable, carry on with the others;
    - an edit that changes nothing: nothing to do.
    Returns None when the call could not be made.
    """
    try:
        return await call(chat_id)
    except ChatMigrated as migrated:
        new_id = migrated.new_chat_id
        await context.services.chats.migrate_chat(chat_id, new_id)
        log.info("chat %s migrated to %s", chat_id, new_id)
        # Rows still waiting for the old id follow the chat: the sender must look again.
        context.sender.chat_moved()
        return await call(new_id)
    except Forbidden:
        log.warning("cannot write to chat %s: the bot was blocked or removed", chat_id)
        if chat_id > 0:
            await context.services.people.mark_unreachable(chat_id)
        return None
    except BadRequest as error:
        if "message is not modified" in error.message.lower():
            return None
        raise


ALERT_LIMIT = 200  # answerCallbackQuery refuses longer texts


async def answer_tap(
    query: CallbackQuery, text: str | None = None, show_alert: bool = False
) -> None:
    """Answer a button tap; every tap is answered, and never with more than fits.

    A tap older than Telegram's answer window can no longer be answered; that must not
    stop the work that follows (announcing a move that is already committed)."""
    try:
        await query.answer(truncate(text, ALERT_LIMIT) if text else None, show_alert=show_alert)
    except BadRequest as error:
        if "query is too old" not in error.message and "query id is invalid" not in error.message:
            raise
        log.info("tap answered too late: %s", error.message)


async def edit_tapped(query: CallbackQuery, text: str | None = None, **kwargs: Any) -> None:
    """Edit the message whose button was tapped; a repeated tap that would change
    nothing ("message is not modified") is not an error."""
    try:
        if text is None:
            await query.edit_message_reply_markup(kwargs.get("reply_markup"))
        else:
            await query.edit_message_text(text, **kwargs)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            raise
