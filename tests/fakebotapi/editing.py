"""Changing the bot's messages: editMessageText/Caption/ReplyMarkup/Media (with "message
is not modified"), deleteMessage(s) and pinning."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable

from tests.fakebotapi.helpers import _as_int, _inline_part
from tests.fakebotapi.records import (
    _MEDIA_KINDS,
    _NOT_MODIFIED,
    JSON,
    ApiError,
    ChatRecord,
    StoredMessage,
    UploadedFile,
    bad_request,
)
from tests.fakebotapi.sending import SendingMixin


class EditingMixin(SendingMixin):
    """Edits, deletions and pins of messages already in a chat."""

    def _bot_message(
        self, params: JSON, *, action: str = "edit"
    ) -> tuple[ChatRecord, StoredMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params.get("chat_id"))
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private" and chat.id in self.blocked_users:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        message = chat.messages.get(_as_int(params.get("message_id")) or 0)
        if message is None or message.deleted:
            raise bad_request(f"message to {action} not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(self, message: StoredMessage, changes: JSON, removals: Iterable[str]) -> JSON:
        message.history.append(copy.deepcopy(message.data))
        for key in removals:
            message.data.pop(key, None)
        message.data.update(changes)
        message.data["edit_date"] = int(time.time())
        return copy.deepcopy(message.data)

    def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        _, message = self._bot_message(params)
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._render(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._markup(params)
        inline = _inline_part(markup)
        current = (
            message.data.get("text"),
            message.data.get("entities") or [],
            message.data.get("reply_markup"),
        )
        if current == (text, entities, inline):
            raise bad_request(_NOT_MODIFIED)
        changes: JSON = {"text": text}
        if entities:
            changes["entities"] = entities
        if inline:
            changes["reply_markup"] = inline
        message.raw_text = params.get("text")
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        return self._apply_edit(message, changes, ("entities", "reply_markup"))

    def _edit_message_caption(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        _, message = self._bot_message(params)
        if message.media_type in (None, "text", "sticker", "location", "contact"):
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._render(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        markup = self._markup(params)
        inline = _inline_part(markup)
        current = (
            message.data.get("caption") or "",
            message.data.get("caption_entities") or [],
            message.data.get("reply_markup"),
        )
        if current == (caption, entities, inline):
            raise bad_request(_NOT_MODIFIED)
        changes: JSON = {}
        if caption:
            changes["caption"] = caption
            if entities:
                changes["caption_entities"] = entities
        if inline:
            changes["reply_markup"] = inline
        message.raw_text = params.get("caption")
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        return self._apply_edit(message, changes, ("caption", "caption_entities", "reply_markup"))

    def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        _, message = self._bot_message(params)
        markup = self._markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        inline = _inline_part(markup)
        if message.data.get("reply_markup") == inline:
            raise bad_request(_NOT_MODIFIED)
        message.reply_markup = markup
        return self._apply_edit(
            message, {"reply_markup": inline} if inline else {}, ("reply_markup",)
        )

    def _edit_message_media(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        _, message = self._bot_message(params)
        media = params.get("media")
        if not isinstance(media, dict) or "type" not in media:
            raise bad_request('parameter "media" must be an InputMedia object')
        caption, entities = self._render(
            media.get("caption"),
            media.get("parse_mode"),
            media.get("caption_entities"),
            caption=True,
        )
        markup = self._markup(params)
        stored = self._input_file(media["type"], media.get("media"), files, media)
        changes = self._media_content(media["type"], stored)
        if caption:
            changes["caption"] = caption
            if entities:
                changes["caption_entities"] = entities
        inline = _inline_part(markup)
        if inline:
            changes["reply_markup"] = inline
        message.raw_text = media.get("caption")
        message.parse_mode = media.get("parse_mode")
        message.reply_markup = markup
        removals = (*_MEDIA_KINDS, "caption", "caption_entities", "reply_markup")
        return self._apply_edit(message, changes, removals)

    def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params.get("chat_id"))
        message = chat.messages.get(_as_int(params.get("message_id")) or 0)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if not message.deletable:
            raise bad_request("message can't be deleted")
        message.deleted = True
        return True

    def _delete_messages(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params.get("chat_id"))
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        # Messages that are not found are skipped; one that may not be deleted fails
        # the whole request before anything is deleted.
        found = [chat.messages.get(_as_int(message_id) or 0) for message_id in ids]
        messages = [m for m in found if m is not None and not m.deleted]
        if any(not m.deletable for m in messages):
            raise bad_request("message can't be deleted")
        for message in messages:
            message.deleted = True
        return True

    def _pin_chat_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params.get("chat_id"))
        message_id = _as_int(params.get("message_id"))
        if message_id is not None and message_id not in chat.messages:
            raise bad_request("message to pin not found")
        return True
