"""Chats and members: users, groups and channels of the world model, the bot joining,
leaving and being moved by group migration, and the getChat*/leaveChat methods."""

from __future__ import annotations

import time

from tests.fakebotapi.helpers import _GROUP_ANONYMOUS_BOT, _as_int, _chat_member, _chat_noun
from tests.fakebotapi.records import (
    JSON,
    ApiError,
    ChatRecord,
    StoredMessage,
    UploadedFile,
    bad_request,
)
from tests.fakebotapi.updates import UpdatesMixin


class ChatsMixin(UpdatesMixin):
    """World setup for tests and the chat/member methods of the Bot API."""

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        started: bool = False,
        is_bot: bool = False,
    ) -> JSON:
        """Register a Telegram user and their private chat with the bot.

        ``started=False`` (the default) models a user who has never written to the bot:
        the bot gets 403 "bot can't initiate conversation with a user" until the user
        sends something.
        """
        user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        chat = self.chats.get(user_id)
        if chat is None:
            chat = ChatRecord(id=user_id, type="private")
            self.chats[user_id] = chat
        chat.first_name, chat.last_name, chat.username = first_name, last_name, username
        chat.started = chat.started or started
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        username: str | None = None,
        bot_status: str = "left",
    ) -> ChatRecord:
        """Register a group/supergroup.  The bot is not in it until
        :meth:`add_bot_to_group` (or pass ``bot_status="member"``)."""
        if chat_id >= 0:
            raise ValueError("group ids are negative")
        chat = ChatRecord(
            id=chat_id, type=type, title=title, username=username, bot_status=bot_status
        )
        self.chats[chat_id] = chat
        return chat

    def add_channel(
        self,
        chat_id: int,
        title: str,
        *,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> ChatRecord:
        chat = ChatRecord(
            id=chat_id, type="channel", title=title, username=username, bot_status=bot_status
        )
        self.chats[chat_id] = chat
        return chat

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Status getChatMember reports (member | administrator | creator | restricted |
        left | kicked).  ``user_id == bot_id`` sets the bot's own status."""
        chat = self._known_chat(chat_id)
        if user_id == self.bot_id:
            chat.bot_status = status
        else:
            chat.member_status[user_id] = status

    def migrate_group(
        self,
        old_id: int,
        new_id: int,
        *,
        inject_updates: bool = False,
        by_user_id: int | None = None,
    ) -> ChatRecord:
        """Upgrade group ``old_id`` to supergroup ``new_id``.

        Afterwards sends to the old id fail with 400 + ``migrate_to_chat_id`` (PTB raises
        ``ChatMigrated``).  ``inject_updates`` also delivers the two service messages
        (``migrate_to_chat_id`` in the old chat, ``migrate_from_chat_id`` in the new one).
        """
        old = self._known_chat(old_id)
        new = ChatRecord(
            id=new_id,
            type="supergroup",
            title=old.title,
            bot_status=old.bot_status,
            member_status=dict(old.member_status),
        )
        self.chats[new_id] = new
        old.migrated_to = new_id
        if inject_updates:
            sender = self.users[by_user_id] if by_user_id else _GROUP_ANONYMOUS_BOT
            self._inject_service_message(old, sender, {"migrate_to_chat_id": new_id})
            self._inject_service_message(new, sender, {"migrate_from_chat_id": old_id})
        return new

    def add_bot_to_group(self, chat_id: int, by_user_id: int, *, status: str = "member") -> None:
        """``by_user_id`` adds the bot to the group: ``my_chat_member`` + the service
        message with ``new_chat_members``, as Telegram delivers them."""
        chat = self._known_chat(chat_id)
        user = self._known_user(by_user_id)
        old = chat.bot_status
        chat.bot_status = status
        self._inject_my_chat_member(chat, by_user_id, old, status)
        self._inject_service_message(chat, user, {"new_chat_members": [dict(self.bot_user)]})

    def remove_bot_from_group(self, chat_id: int, by_user_id: int) -> None:
        chat = self._known_chat(chat_id)
        user = self._known_user(by_user_id)
        old = chat.bot_status
        chat.bot_status = "kicked" if chat.type != "group" else "left"
        self._inject_my_chat_member(chat, by_user_id, old, chat.bot_status)
        self._inject_service_message(chat, user, {"left_chat_member": dict(self.bot_user)})

    def _inject_service_message(self, chat: ChatRecord, sender: JSON, content: JSON) -> None:
        message = {
            "message_id": chat.allocate_message_id(),
            "from": dict(sender),
            "chat": chat.to_json(),
            "date": int(time.time()),
            **content,
        }
        chat.messages[message["message_id"]] = StoredMessage(
            chat.id, message["message_id"], False, message
        )
        self.inject_update({"message": message})

    def _inject_my_chat_member(
        self, chat: ChatRecord, by_user_id: int, old_status: str, new_status: str
    ) -> None:
        by = self.users.get(by_user_id, self.bot_user)
        self.inject_update(
            {
                "my_chat_member": {
                    "chat": chat.to_json(),
                    "from": dict(by),
                    "date": int(time.time()),
                    "old_chat_member": _chat_member(self.bot_user, old_status),
                    "new_chat_member": _chat_member(self.bot_user, new_status),
                }
            }
        )

    def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._chat(params.get("chat_id"))
        info = chat.to_json()
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    def _member_status(self, chat: ChatRecord, user_id: int) -> str:
        if user_id == self.bot_id:
            return chat.bot_status
        if chat.type == "private":
            return "member"
        return chat.member_status.get(user_id, "member")

    def _get_chat_member(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._chat(params.get("chat_id"))
        user_id = _as_int(params.get("user_id"))
        if user_id == self.bot_id:
            return _chat_member(self.bot_user, chat.bot_status)
        if user_id is None or user_id not in self.users:
            raise bad_request("user not found")
        return _chat_member(self.users[user_id], self._member_status(chat, user_id))

    def _get_chat_administrators(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        chat = self._chat(params.get("chat_id"))
        admins = [
            _chat_member(self.users[uid], status)
            for uid, status in chat.member_status.items()
            if status in ("administrator", "creator") and uid in self.users
        ]
        if chat.bot_status in ("administrator", "creator"):
            admins.append(_chat_member(self.bot_user, chat.bot_status))
        return admins

    def _get_chat_member_count(self, params: JSON, files: dict[str, UploadedFile]) -> int:
        chat = self._chat(params.get("chat_id"))
        if chat.type == "private":
            return 2
        members = [s for s in chat.member_status.values() if s not in ("left", "kicked")]
        return len(members) + (chat.bot_status not in ("left", "kicked"))

    def _leave_chat(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        if chat.bot_status in ("left", "kicked"):
            raise ApiError(403, f"Forbidden: bot is not a member of the {_chat_noun(chat)}")
        old = chat.bot_status
        chat.bot_status = "left"
        # Telegram tells the bot about its own departure, like any membership change.
        self._inject_my_chat_member(chat, self.bot_id, old, "left")
        return True
