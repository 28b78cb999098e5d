"""Users' messages: the ``send_*`` methods tests call to make a user write to the bot
(text, photos, documents, videos, albums, stickers, voice, locations, contacts)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from tests.fakebotapi.entities import command_entities
from tests.fakebotapi.files import FilesMixin
from tests.fakebotapi.helpers import _without_reply
from tests.fakebotapi.records import JSON, StoredMessage
from tests.fakebotapi.updates import UpdatesMixin


class IncomingMixin(UpdatesMixin, FilesMixin):
    """Messages from users, queued as updates for the bot."""

    def send_message(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        reply_to: int | StoredMessage | None = None,
        batch_break: bool = False,
        delay: float = 0.0,
        **content: Any,
    ) -> StoredMessage:
        """A user message with arbitrary content keys (``text``, ``photo``, ``caption`` …).

        ``chat_id`` defaults to the user's private chat.  ``reply_to`` is a message id (or
        StoredMessage) in the same chat; the update carries it as ``reply_to_message``.
        """
        user = self._known_user(user_id)
        chat = self._known_chat(user_id if chat_id is None else chat_id)
        if chat.type == "private":
            chat.started = True
        message: JSON = {
            "message_id": chat.allocate_message_id(),
            "from": dict(user),
            "chat": chat.to_json(),
            "date": int(time.time()),
        }
        message.update({k: v for k, v in content.items() if v is not None})
        if reply_to is not None:
            target_id = reply_to.message_id if isinstance(reply_to, StoredMessage) else reply_to
            target = chat.messages.get(target_id)
            if target is None:
                raise KeyError(f"no message {target_id} in chat {chat.id} to reply to")
            message["reply_to_message"] = _without_reply(target.data)
        stored = StoredMessage(chat.id, message["message_id"], False, message)
        chat.messages[stored.message_id] = stored
        self.inject_update({"message": message}, batch_break=batch_break, delay=delay)
        return stored

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | StoredMessage | None = None,
    ) -> StoredMessage:
        """User text; a leading ``/command`` gets its ``bot_command`` entity."""
        entities = command_entities(text)
        return self.send_message(
            user_id, chat_id=chat_id, reply_to=reply_to, text=text, entities=entities or None
        )

    def send_photo(
        self,
        user_id: int,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | StoredMessage | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        stored = self.store_file("photo", data, declared_size=declared_size)
        return self.send_message(
            user_id,
            chat_id=chat_id,
            reply_to=reply_to,
            photo=self.photo_sizes(stored.file_id),
            caption=caption,
        )

    def send_document(
        self,
        user_id: int,
        file_name: str,
        data: bytes,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | StoredMessage | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        stored = self.store_file(
            "document", data, file_name=file_name, mime_type=mime_type, declared_size=declared_size
        )
        return self.send_message(
            user_id,
            chat_id=chat_id,
            reply_to=reply_to,
            document=dict(stored.meta),
            caption=caption,
        )

    def send_video(
        self,
        user_id: int,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | StoredMessage | None = None,
        duration: int = 5,
        file_name: str | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        stored = self.store_file(
            "video", data, duration=duration, file_name=file_name, declared_size=declared_size
        )
        return self.send_message(
            user_id, chat_id=chat_id, reply_to=reply_to, video=dict(stored.meta), caption=caption
        )

    def send_album(
        self,
        user_id: int,
        items: Sequence[tuple[str, bytes | None] | tuple[str, bytes | None, str] | str],
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        split_after: int | None = None,
        split_delay: float = 0.0,
    ) -> list[StoredMessage]:
        """An album: one message per item sharing a ``media_group_id``, caption on the first.

        ``items`` are ``(kind, data)`` or ``(kind, data, file_name)`` with kind photo,
        video or document (documents only with documents, like Telegram), or just a kind.
        Each item is a *separate* update.  ``split_after=k`` delivers items ``[k:]`` in a
        later getUpdates response (optionally ``split_delay`` seconds later), as Telegram
        does when an album straddles two polls.
        """
        normalised: list[tuple[str, bytes | None, str | None]] = []
        for item in items:
            if isinstance(item, str):
                normalised.append((item, None, None))
            elif len(item) == 2:
                normalised.append((item[0], item[1], None))
            else:
                normalised.append((item[0], item[1], item[2]))  # type: ignore[misc]
        kinds = {kind for kind, _, _ in normalised}
        if not 2 <= len(normalised) <= 10:
            raise ValueError("an album has 2-10 items")
        if not kinds <= {"photo", "video", "document"} or (
            "document" in kinds and kinds != {"document"}
        ):
            raise ValueError(f"Telegram does not allow an album of {sorted(kinds)}")
        group_id = str(13_000_000_000_000 + next(self._ids))
        messages = []
        for index, (kind, data, name) in enumerate(normalised):
            if kind == "photo":
                stored = self.store_file("photo", data)
                content: JSON = {"photo": self.photo_sizes(stored.file_id)}
            else:
                stored = self.store_file(kind, data, file_name=name)
                content = {kind: dict(stored.meta)}
            is_split = split_after is not None and index >= split_after
            messages.append(
                self.send_message(
                    user_id,
                    chat_id=chat_id,
                    media_group_id=group_id,
                    caption=caption if index == 0 else None,
                    batch_break=is_split and index == split_after,
                    delay=split_delay if is_split else 0.0,
                    **content,
                )
            )
        return messages

    def send_sticker(
        self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None
    ) -> StoredMessage:
        stored = self.store_file("sticker", emoji=emoji)
        return self.send_message(user_id, chat_id=chat_id, sticker=dict(stored.meta))

    def send_voice(
        self,
        user_id: int,
        data: bytes | None = None,
        *,
        duration: int = 3,
        chat_id: int | None = None,
    ) -> StoredMessage:
        stored = self.store_file("voice", data, duration=duration)
        return self.send_message(user_id, chat_id=chat_id, voice=dict(stored.meta))

    def send_location(
        self,
        user_id: int,
        latitude: float = -6.2,
        longitude: float = 106.8166,
        *,
        chat_id: int | None = None,
    ) -> StoredMessage:
        return self.send_message(
            user_id, chat_id=chat_id, location={"latitude": latitude, "longitude": longitude}
        )

    def send_contact(
        self,
        user_id: int,
        phone_number: str = "+6281234567890",
        first_name: str = "Kontak",
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> StoredMessage:
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id:
            contact["user_id"] = contact_user_id
        return self.send_message(user_id, chat_id=chat_id, contact=contact)
