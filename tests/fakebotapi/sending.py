"""The bot's messages: rendering text (parse_mode, limits), checking reply markup and
reply targets, and the send*, copy* and forwardMessage methods."""

from __future__ import annotations

import copy
import time
from typing import Any

from tests.fakebotapi.entities import (
    EntityParseError,
    _trim,
    parse_html,
    parse_markdown_legacy,
    parse_markdown_v2,
    utf16_len,
)
from tests.fakebotapi.files import FilesMixin
from tests.fakebotapi.helpers import _as_int, _check_inline_button, _without_reply
from tests.fakebotapi.records import (
    _CONTENT_KINDS,
    JSON,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    ChatRecord,
    StoredMessage,
    UploadedFile,
    bad_request,
)


class SendingMixin(FilesMixin):
    """Methods that post new bot messages into a chat."""

    def _render(
        self, raw: Any, parse_mode: Any, entities: Any, *, caption: bool
    ) -> tuple[str, list[JSON]]:
        """Apply parse_mode, then Telegram's emptiness and length limits."""
        raw = "" if raw is None else str(raw)
        mode = str(parse_mode or "").lower()
        try:
            if entities:
                text, ents = raw, list(entities)
            elif mode == "html":
                text, ents = parse_html(raw)
            elif mode == "markdownv2":
                text, ents = parse_markdown_v2(raw)
            elif mode == "markdown":
                text, ents = parse_markdown_legacy(raw)
            elif mode == "":
                text, ents = raw, []
            else:
                raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        text, ents = _trim(text, ents)
        if caption:
            if utf16_len(text) > MAX_CAPTION_LENGTH:
                raise bad_request("message caption is too long")
        else:
            if not text:
                raise bad_request("message text is empty")
            if utf16_len(text) > MAX_TEXT_LENGTH:
                raise bad_request("message is too long")
        return text, ents

    def _markup(self, params: JSON) -> JSON | None:
        """Validate ``reply_markup`` like Telegram (button texts, callback_data, URLs)."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup '
                    "should be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    _check_inline_button(button)
        elif "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if not text:
                        raise bad_request("keyboard button text is empty")
        elif not (markup.get("force_reply") or markup.get("remove_keyboard")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_target(self, chat: ChatRecord, params: JSON) -> StoredMessage | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply"),
            }
        if not reply:
            return None
        target_chat = self._chat(reply["chat_id"]) if reply.get("chat_id") else chat
        target = target_chat.messages.get(_as_int(reply.get("message_id")) or 0)
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return target

    def _post(
        self,
        chat: ChatRecord,
        content: JSON,
        params: JSON,
        *,
        markup: JSON | None,
        reply: StoredMessage | None,
        raw_text: str | None,
        media_group_id: str | None = None,
    ) -> StoredMessage:
        """Create a bot message in ``chat``."""
        message: JSON = {"message_id": chat.allocate_message_id(), "date": int(time.time())}
        message["chat"] = chat.to_json()
        if chat.type == "channel":
            message["sender_chat"] = chat.to_json()
        else:
            message["from"] = dict(self.bot_user)
        message.update(content)
        if media_group_id:
            message["media_group_id"] = media_group_id
        if reply is not None:
            message["reply_to_message"] = _without_reply(reply.data)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        if params.get("protect_content"):
            message["has_protected_content"] = True
        stored = StoredMessage(
            chat.id,
            message["message_id"],
            True,
            message,
            raw_text=raw_text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
        )
        chat.messages[stored.message_id] = stored
        return stored

    def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params.get("chat_id"))
        text, entities = self._render(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._markup(params)
        reply = self._reply_target(chat, params)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._post(
            chat, content, params, markup=markup, reply=reply, raw_text=params.get("text")
        )
        return copy.deepcopy(message.data)

    def _send_media(self, kind: str, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params.get("chat_id"))
        caption, caption_entities = self._render(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        markup = self._markup(params)
        reply = self._reply_target(chat, params)
        stored = self._input_file(kind, params.get(kind), files, params)
        content = self._media_content(kind, stored)
        if kind == "sticker":
            caption = ""
        if caption:
            content["caption"] = caption
            if caption_entities:
                content["caption_entities"] = caption_entities
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        message = self._post(
            chat,
            content,
            params,
            markup=markup,
            reply=reply,
            raw_text=params.get("caption"),
        )
        return copy.deepcopy(message.data)

    def _send_media_group(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        chat = self._writable_chat(params.get("chat_id"))
        media = params.get("media")
        if not isinstance(media, list):
            raise bad_request('parameter "media" must be an Array')
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the album: must be 2-10")
        kinds = [str(item.get("type")) for item in media]
        for kind in kinds:
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request(f'media of type "{kind}" can\'t be sent in an album')
        for lonely in ("document", "audio"):
            if lonely in kinds and set(kinds) != {lonely}:
                raise bad_request(f"{lonely} can't be mixed with other media types")
        # Validate everything before creating any message: an album is all or nothing.
        rendered = [
            self._render(
                item.get("caption"),
                item.get("parse_mode"),
                item.get("caption_entities"),
                caption=True,
            )
            for item in media
        ]
        reply = self._reply_target(chat, params)
        stored = [self._input_file(item["type"], item.get("media"), files, item) for item in media]
        group_id = str(13_000_000_000_000 + next(self._ids))
        results = []
        for item, (caption, entities), file in zip(media, rendered, stored, strict=True):
            content = self._media_content(item["type"], file)
            if caption:
                content["caption"] = caption
                if entities:
                    content["caption_entities"] = entities
            if item.get("has_spoiler"):
                content["has_media_spoiler"] = True
            message = self._post(
                chat,
                content,
                {**params, "parse_mode": item.get("parse_mode")},
                markup=None,
                reply=reply,
                raw_text=item.get("caption"),
                media_group_id=group_id,
            )
            results.append(copy.deepcopy(message.data))
        return results

    def _send_location(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params.get("chat_id"))
        markup = self._markup(params)
        reply = self._reply_target(chat, params)
        content = {
            "location": {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }
        }
        message = self._post(chat, content, params, markup=markup, reply=reply, raw_text=None)
        return copy.deepcopy(message.data)

    def _send_chat_action(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._writable_chat(params.get("chat_id"))
        return True

    def _source_message(self, params: JSON, message_id: Any, action: str) -> StoredMessage:
        source_chat = self._chat(params.get("from_chat_id"))
        message = source_chat.messages.get(_as_int(message_id) or 0)
        if message is None or message.deleted:
            raise bad_request(f"message to {action} not found")
        if message.media_type is None:  # service messages cannot be copied or forwarded
            raise bad_request(f"message can't be {'copied' if action == 'copy' else 'forwarded'}")
        return message

    @staticmethod
    def _content_of(message: StoredMessage) -> JSON:
        keys = (*_CONTENT_KINDS, "entities", "caption", "caption_entities", "has_media_spoiler")
        return {k: copy.deepcopy(message.data[k]) for k in keys if k in message.data}

    def _copy_into(
        self,
        chat: ChatRecord,
        source: StoredMessage,
        params: JSON,
        *,
        media_group_id: str | None = None,
        override_caption: bool = True,
    ) -> StoredMessage:
        content = self._content_of(source)
        raw_text = source.raw_text
        if override_caption and "caption" in params and source.media_type != "text":
            caption, entities = self._render(
                params.get("caption"),
                params.get("parse_mode"),
                params.get("caption_entities"),
                caption=True,
            )
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if caption:
                content["caption"] = caption
                if entities:
                    content["caption_entities"] = entities
            raw_text = params.get("caption")
        markup = self._markup(params)
        reply = self._reply_target(chat, params)
        return self._post(
            chat,
            content,
            params,
            markup=markup,
            reply=reply,
            raw_text=raw_text,
            media_group_id=media_group_id,
        )

    def _copy_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        source = self._source_message(params, params.get("message_id"), "copy")
        chat = self._writable_chat(params.get("chat_id"))
        copied = self._copy_into(chat, source, params)
        return {"message_id": copied.message_id}

    def _copy_messages(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        chat = self._writable_chat(params.get("chat_id"))
        source_chat = self._chat(params.get("from_chat_id"))
        ids = sorted(_as_int(i) or 0 for i in params.get("message_ids") or [])
        if not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        new_groups: dict[str, str] = {}
        result = []
        for message_id in ids:
            source = source_chat.messages.get(message_id)
            if source is None or source.deleted or source.media_type is None:
                continue  # Telegram silently skips messages it cannot copy
            group = source.media_group_id
            if group:
                new_groups.setdefault(group, str(13_000_000_000_000 + next(self._ids)))
            copied = self._copy_into(
                chat,
                source,
                {k: v for k, v in params.items() if k != "caption"},
                media_group_id=new_groups.get(group) if group else None,
                override_caption=False,
            )
            if params.get("remove_caption"):
                copied.data.pop("caption", None)
                copied.data.pop("caption_entities", None)
            result.append({"message_id": copied.message_id})
        if not result:
            raise bad_request("messages to copy not found")
        return result

    def _forward_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        source = self._source_message(params, params.get("message_id"), "forward")
        if source.data.get("has_protected_content"):
            raise bad_request("message can't be forwarded")
        chat = self._writable_chat(params.get("chat_id"))
        original = source.data
        if "sender_chat" in original and original["chat"]["type"] == "channel":
            origin: JSON = {
                "type": "channel",
                "chat": original["chat"],
                "message_id": original["message_id"],
                "date": original["date"],
            }
        else:
            origin = {"type": "user", "sender_user": original["from"], "date": original["date"]}
        content = self._content_of(source)
        content["forward_origin"] = origin
        forwarded = self._post(
            chat,
            content,
            params,
            markup=None,
            reply=None,
            raw_text=source.raw_text,
        )
        return copy.deepcopy(forwarded.data)
