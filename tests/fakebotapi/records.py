"""The fake server's records: errors, recorded calls, files, messages, chats, button
presses, and the queued updates, faults and delays it keeps (plain dataclasses)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"

MAX_TEXT_LENGTH = 4096

MAX_CAPTION_LENGTH = 1024

MAX_CALLBACK_DATA_BYTES = 64

MAX_CALLBACK_ANSWER_LENGTH = 200

#: getFile refuses files above this size on the public Bot API.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
#: ... and on a self-hosted server in --local mode.
LOCAL_MAX_DOWNLOAD_BYTES = 2000 * 1024 * 1024

#: Upload limit of the public Bot API (multipart); larger bodies get HTTP 413.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

#: Keys of a message that carry its content (used by copy/forward and by ``media_type``).
#: Order matters: an animation message also has a ``document`` key.
_CONTENT_KINDS = (
    "animation",
    "photo",
    "video",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
    "location",
    "contact",
    "text",
)

_MEDIA_KINDS = (
    "photo",
    "video",
    "document",
    "animation",
    "audio",
    "voice",
    "video_note",
    "sticker",
)


class ApiError(Exception):
    """An error reply of the Bot API (raised inside method implementations)."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def bad_request(text: str, parameters: JSON | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {text}", parameters)


@dataclass
class UploadedFile:
    """One multipart file part of a request."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One recorded Bot API request and the reply the server gave."""

    method: str
    params: JSON
    files: dict[str, UploadedFile]
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.description!r}"
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        return f"<ApiCall {self.method} {shown} files={list(self.files)} -> {outcome}>"


@dataclass
class StoredFile:
    """A file the server knows about.

    ``declared_size`` lets a test fake a huge file (e.g. 25 MB) without real bytes; the
    declared size is what ``file_size`` reports and what ``getFile`` checks.
    """

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    meta: JSON  # the Telegram object (PhotoSize, Document, Video …) describing the file
    declared_size: int | None = None

    @property
    def size(self) -> int:
        return self.declared_size if self.declared_size is not None else len(self.data)


@dataclass(eq=False)
class StoredMessage:
    """A message in a chat, as Telegram currently shows it.

    ``data`` is the Message JSON (kept up to date on edits), ``raw_text`` is the text or
    caption exactly as the bot sent it (before ``parse_mode`` was applied) and
    ``reply_markup`` is whatever markup the bot sent – including ForceReply and reply
    keyboards, which Telegram does not echo back in the message JSON.
    """

    chat_id: int
    message_id: int
    from_bot: bool
    data: JSON
    raw_text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)  # earlier versions, oldest first
    #: False once Telegram refuses to delete it ("message can't be deleted"), e.g. a
    #: channel post older than 48 hours; see :meth:`FakeBotAPI.forbid_deletion`.
    deletable: bool = True

    @property
    def text(self) -> str | None:
        """Visible text: message text, or the caption for media (tags already stripped)."""
        return self.data.get("text", self.data.get("caption"))

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def media_type(self) -> str | None:
        """``"text"``, ``"photo"``, ``"video"``, ``"document"`` … or None for service messages."""
        for kind in _CONTENT_KINDS:
            if kind in self.data:
                return kind
        return None

    @property
    def media_group_id(self) -> str | None:
        return self.data.get("media_group_id")

    @property
    def entities(self) -> list[JSON]:
        return list(self.data.get("entities") or self.data.get("caption_entities") or [])

    @property
    def raw_buttons(self) -> list[list[JSON]]:
        markup = self.data.get("reply_markup") or {}
        return [list(row) for row in markup.get("inline_keyboard", [])]

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of ``(text, callback_data)``; URL buttons have None."""
        return [[(b["text"], b.get("callback_data")) for b in row] for row in self.raw_buttons]

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.raw_buttons for b in row]

    @property
    def force_reply(self) -> bool:
        return bool(self.reply_markup and self.reply_markup.get("force_reply"))

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Rows of a custom reply keyboard sent with this message, if any."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        return [
            [b if isinstance(b, str) else b.get("text", "") for b in row]
            for row in self.reply_markup["keyboard"]
        ]

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def file_id(self) -> str | None:
        """file_id of the (largest) media of the message."""
        kind = self.media_type
        if kind == "photo":
            return self.data["photo"][-1]["file_id"]
        if kind in _MEDIA_KINDS:
            return self.data[kind]["file_id"]
        return None

    @property
    def reply_to_message_id(self) -> int | None:
        reply = self.data.get("reply_to_message")
        return reply["message_id"] if reply else None

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        flags = " deleted" if self.deleted else ""
        text = (self.text or "")[:60]
        return (
            f"<Message {self.chat_id}/{self.message_id} from {who} {self.media_type}"
            f"{flags} {text!r} buttons={self.button_texts}>"
        )


@dataclass
class ChatRecord:
    """A chat of the world model; private chats have ``id == user id``."""

    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    #: The bot's membership: member | administrator | creator | left | kicked.
    bot_status: str = "member"
    #: Private chats only: the user has written to the bot at least once.  Telegram does
    #: not let a bot start a conversation with a user who never did.
    started: bool = False
    member_status: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class CallbackQueryRecord:
    """A button press injected by a test, and the bot's answerCallbackQuery (if any)."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: JSON | None = None

    @property
    def answered(self) -> bool:
        return self.answer is not None


@dataclass
class _QueuedUpdate:
    update_id: int
    payload: JSON
    batch_break: bool = False  # start a new getUpdates response with this update
    available_at: float = 0.0  # loop time before which it is not handed out

    @property
    def type(self) -> str:
        return next(k for k in self.payload if k != "update_id")


@dataclass
class _Fault:
    method: str
    error: ApiError
    remaining: int
    chat_id: int | str | None


@dataclass
class _Delay:
    method: str
    seconds: float
    remaining: int
    chat_id: int | str | None
