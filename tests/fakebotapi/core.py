"""The state every part of the fake server shares (``__init__``), its addresses, change
notification, the recorded calls and messages tests query, and chat/user lookups.

The area mixins (``updates``, ``chats``, ``files`` …) all derive from
:class:`FakeBotAPICore`; :class:`~tests.fakebotapi.api.FakeBotAPI` combines them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakebotapi.helpers import _as_int, _chat_noun
from tests.fakebotapi.records import (
    DEFAULT_TOKEN,
    JSON,
    ApiCall,
    ApiError,
    CallbackQueryRecord,
    ChatRecord,
    StoredFile,
    StoredMessage,
    UploadedFile,
    _Delay,
    _Fault,
    _QueuedUpdate,
    bad_request,
)

MethodImpl = Callable[[JSON, dict[str, UploadedFile]], Any]


class FakeBotAPICore:
    """State, lookups and recorded traffic of :class:`~tests.fakebotapi.FakeBotAPI`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_first_name: str = "Warta",
        bot_username: str = "warta_test_bot",
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.host = host
        self.port: int | None = None

        # Recording
        self.calls: list[ApiCall] = []
        self.unknown_methods: list[str] = []
        #: Exceptions inside the fake itself (a bug in this file); tests should fail on them.
        self.internal_errors: list[str] = []
        self.downloads: list[str] = []

        # World model
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        #: As a self-hosted server started with ``--local``: getFile allows files up to
        #: 2000 MB and answers a path on this disk (the file is written there first).
        self.local_dir: Path | None = None
        self._photo_sets: dict[str, list[JSON]] = {}  # any size's file_id -> all sizes
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.blocked_users: set[int] = set()
        self.webhook_url = ""
        self.menu_button: JSON = {"type": "commands"}
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        #: While set to an unset Event, file downloads wait for it: a slow network.
        self.download_gate: asyncio.Event | None = None
        self._ids = itertools.count(1)

        # Update queue (long polling)
        self.injected_updates: list[JSON] = []
        self.delivered_update_ids: set[int] = set()
        self.confirmed_update_ids: set[int] = set()
        self.dropped_updates: list[JSON] = []  # filtered out by allowed_updates
        self._queue: list[_QueuedUpdate] = []
        self._next_update_id = 500_001
        self._allowed_updates: list[str] | None = None
        self._poller: object | None = None
        self._changed = asyncio.Event()
        self._closing = False
        #: Bumped on every injected update and every non-getUpdates call; lets a harness
        #: tell whether anything happened while it was waiting.
        self.activity = 0

        self._runner: web.AppRunner | None = None
        self._methods: dict[str, MethodImpl] = {
            name.lower(): impl for name, impl in self._method_table().items()
        }

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """Value for ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    def _notify(self) -> None:
        """Wake everybody waiting for a state change (long polls, harness waits)."""
        self._changed.set()
        self._changed = asyncio.Event()

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def last_call(self, method: str) -> ApiCall:
        calls = self.calls_to(method)
        if not calls:
            raise AssertionError(f"the bot never called {method}")
        return calls[-1]

    def api_calls(self, *, include_polling: bool = False) -> list[ApiCall]:
        if include_polling:
            return list(self.calls)
        return [c for c in self.calls if c.method.lower() != "getupdates"]

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """All messages (user and bot) of a chat, oldest first."""
        chat = self._known_chat(chat_id)
        return [m for m in chat.messages.values() if include_deleted or not m.deleted]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [m for m in self.messages(chat_id, include_deleted=include_deleted) if m.from_bot]

    def _known_user(self, user_id: int) -> JSON:
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"unknown user {user_id}: call add_user() first") from None

    def _known_chat(self, chat_id: int) -> ChatRecord:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"unknown chat {chat_id}: add_user()/add_group() first") from None

    def _chat(self, chat_id: Any) -> ChatRecord:
        """Resolve a chat_id parameter (int or @username) like the Bot API does."""
        numeric = _as_int(chat_id)
        if numeric is not None and numeric in self.chats:
            return self.chats[numeric]
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == chat_id[1:].lower():
                    return chat
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        raise bad_request("chat not found")

    def _writable_chat(self, chat_id: Any) -> ChatRecord:
        """The chat, if the bot may post there now; otherwise Telegram's error."""
        chat = self._chat(chat_id)
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            if chat.id in self.blocked_users:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {_chat_noun(chat)}")
        elif chat.bot_status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {_chat_noun(chat)}")
        elif chat.type == "channel" and chat.bot_status not in ("administrator", "creator"):
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _method_table(self) -> dict[str, MethodImpl]:
        """Bot API method name -> handler; :class:`~tests.fakebotapi.FakeBotAPI` fills it."""
        raise NotImplementedError
