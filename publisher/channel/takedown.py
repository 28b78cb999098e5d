"""Removing messages from the channel: a takedown, or undoing a half-posted article.

Telegram lets a bot delete its channel messages only for a while (48 hours); a message
it can no longer delete has its text (or caption) replaced with a short notice, in the
channel's language, so the information is withdrawn all the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, TelegramError

from bot.core.i18n import DEFAULT_LANGUAGE, Translator
from bot.ports.targets import PublishError
from publisher.channel.errors import says

log = logging.getLogger(__name__)

#: Most message ids one deleteMessages call accepts.
DELETE_CHUNK = 100
_CANNOT_DELETE = ("can't be deleted", "cant be deleted", "can not be deleted")


def takedown_notice(t: Translator, language: str) -> str:
    """What a post that can no longer be deleted says after a takedown."""
    return t("channel.takedown_notice", language)


#: The takedown notice in the default language (Indonesian).
TAKEDOWN_NOTICE = takedown_notice(Translator(), DEFAULT_LANGUAGE)


def chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Remover:
    """Deletes a post's messages, or puts ``notice`` in those it cannot delete."""

    def __init__(self, bot: Bot, *, notice: str, read_timeout: float) -> None:
        self._bot = bot
        self._notice = notice
        self._read_timeout = read_timeout

    async def take_down(
        self, chat_id: Any, message_ids: list[int], text_ids: set[int] | None
    ) -> None:
        """Remove a published post; ``text_ids`` says which of its messages are text
        (the rest have captions), None when the record predates knowing it."""
        stuck: list[int] = []
        for chunk in chunks(message_ids, DELETE_CHUNK):
            stuck += await self._delete(chat_id, chunk)
        for message_id in stuck:
            is_text = None if text_ids is None else message_id in text_ids
            await self._replace_with_notice(chat_id, message_id, is_text)

    async def undo(self, chat_id: Any, message_ids: list[int], error: PublishError) -> PublishError:
        """Delete what a failed publish had already posted, so a retry starts clean;
        returns ``error`` saying what became of those messages."""
        if not message_ids:
            return error
        try:
            for chunk in chunks(message_ids, DELETE_CHUNK):
                await self._bot.delete_messages(chat_id, chunk, read_timeout=self._read_timeout)
        except TelegramError as exc:
            log.warning("could not remove a partly posted channel post %s: %s", message_ids, exc)
            return PublishError(
                f"{error.message}; {len(message_ids)} message(s) of the post are already in "
                "the channel and could not be removed: check the channel before publishing "
                "again",
                ambiguous=True,
                kind=error.kind,
            )
        return PublishError(
            f"{error.message} (the {len(message_ids)} message(s) already posted were removed "
            "again)",
            ambiguous=error.ambiguous,
            kind=error.kind,
        )

    async def _delete(self, chat_id: Any, message_ids: list[int]) -> list[int]:
        """Delete these messages; return those Telegram no longer lets the bot delete."""
        try:
            if await self._bot.delete_messages(
                chat_id, message_ids, read_timeout=self._read_timeout
            ):
                return []
        except BadRequest as exc:
            if says(exc, "not found"):
                return []
            if not says(exc, *_CANNOT_DELETE):
                raise
        # One of them cannot be deleted (older than 48 hours, say): go one by one.
        stuck: list[int] = []
        for message_id in message_ids:
            try:
                await self._bot.delete_message(chat_id, message_id, read_timeout=self._read_timeout)
            except BadRequest as exc:
                if says(exc, "not found"):
                    continue
                if not says(exc, *_CANNOT_DELETE):
                    raise
                stuck.append(message_id)
        return stuck

    async def _replace_with_notice(
        self, chat_id: Any, message_id: int, is_text: bool | None
    ) -> None:
        """Replace a message's text (or caption) with the takedown notice."""
        # The kind recorded at posting first; the other one if Telegram disagrees.
        for as_text in (True, False) if is_text else (False, True):
            try:
                if as_text:
                    await self._bot.edit_message_text(
                        self._notice,
                        chat_id=chat_id,
                        message_id=message_id,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                        read_timeout=self._read_timeout,
                    )
                else:
                    await self._bot.edit_message_caption(
                        chat_id=chat_id,
                        message_id=message_id,
                        caption=self._notice,
                        read_timeout=self._read_timeout,
                    )
                return
            except BadRequest as exc:
                if says(exc, "not modified", "message to edit not found"):
                    return  # already says so, or gone
                if says(exc, "no text in the message", "no caption in the message"):
                    continue  # the other kind of message: try the other edit
                raise
        raise PublishError(f"message {message_id} could neither be deleted nor edited")
