"""A fake Telegram Bot API server for end-to-end tests.

The real bot code talks to this server through python-telegram-bot's real HTTP client, so
the server speaks the actual wire format:

* ``POST /bot<TOKEN>/<method>`` with ``application/x-www-form-urlencoded``,
  ``multipart/form-data`` (uploads) or JSON bodies.  Nested parameters (``reply_markup``,
  ``media`` …) arrive as JSON strings inside forms.
* replies ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …,
  "description": …, "parameters": …}`` with the matching HTTP status, because PTB picks
  the exception class from the status and ``parameters`` (see
  ``telegram/request/_baserequest.py``).
* ``GET /file/bot<TOKEN>/<file_path>`` serves stored file bytes.

Behind the HTTP layer sits a small *world model* – users, chats, messages (with per-chat
message ids), stored files, callback queries – plus a queue of incoming updates served by
long polling.  Tests create incoming traffic with the ``add_*``/``send_*``/``press_button``
methods; the server turns it into real ``Update`` JSON.

Validation follows Telegram where it commonly bites real bots (text/caption length,
``callback_data`` size, HTML/Markdown parsing, "message is not modified", unknown chats and
messages, users who blocked the bot or never started it).  Every API call is recorded in
:attr:`FakeBotAPI.calls` so tests can assert on what the bot did.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import itertools
import json
import logging
import mimetypes
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-TOKEN"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
#: getFile refuses files above this size on the public Bot API.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
#: Upload limit of the public Bot API (multipart); larger bodies get HTTP 413.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

#: Update types Telegram leaves out when ``allowed_updates`` is empty/unspecified.
_NOT_DELIVERED_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}

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

_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "document": ("documents", ".bin"),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "video_note": ("video_notes", ".mp4"),
    "sticker": ("stickers", ".webp"),
}

_DEFAULT_MIME = {
    "video": "video/mp4",
    "animation": "video/mp4",
    "audio": "audio/mpeg",
    "voice": "audio/ogg",
    "document": "application/octet-stream",
}


# --------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Text formatting (parse_mode) – produces plain text + entities, or raises on bad markup
# --------------------------------------------------------------------------------------


class EntityParseError(Exception):
    """Markup that Telegram would refuse with "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(raw: str, index: int) -> int:
    return len(raw[:index].encode("utf-8"))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ATTR_RE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY_RE = re.compile(r"&(#[xX][0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot);")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR_RE.finditer(text)
    }


def parse_html(raw: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into (plain text, entities).

    Strict on tags (unknown tag, stray ``<``, unbalanced or crossed tags are errors, like
    Telegram) because those are the bugs that break real sends: user input interpolated
    into HTML without escaping.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the output
    stack: list[tuple[str, int, JSON | None]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "<":
            m = _TAG_RE.match(raw, i)
            if not m:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(raw, i)}")
            closing, name, attr_text = m.group(1), m.group(2).lower(), m.group(3)
            if name not in _HTML_TAGS:
                kind = "end" if closing else "start"
                raise EntityParseError(
                    f'Unsupported {kind} tag "{name}" at byte offset {_byte_offset(raw, i)}'
                )
            if closing:
                if not stack:
                    raise EntityParseError(
                        f'Unexpected end tag "{name}" at byte offset {_byte_offset(raw, i)}'
                    )
                open_name, start, opened = stack.pop()
                if open_name != name:
                    raise EntityParseError(
                        f'Can\'t find end tag corresponding to start tag "{open_name}"'
                    )
                if opened is not None and pos > start:
                    entities.append({**opened, "offset": start, "length": pos - start})
            else:
                attrs = _html_attrs(attr_text)
                template: JSON | None = {"type": _HTML_TAGS[name]}
                if name == "a":
                    template = (
                        {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
                    )
                elif name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(raw, i)}"
                    )
                elif name == "blockquote" and "expandable" in attrs:
                    template = {"type": "expandable_blockquote"}
                elif name == "tg-emoji":
                    template = {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id")}
                elif name == "code" and stack and stack[-1][0] == "pre":
                    # <pre><code class="language-x"> is one pre entity with a language.
                    language = attrs.get("class", "")
                    if language.startswith("language-") and stack[-1][2] is not None:
                        stack[-1][2]["language"] = language[len("language-") :]
                        template = None
                stack.append((name, pos, template))
            i = m.end()
            continue
        if ch == "&":
            m = _HTML_ENTITY_RE.match(raw, i)
            if m:
                token = m.group(1)
                if token.startswith(("#x", "#X")):
                    piece = chr(int(token[2:], 16))
                elif token.startswith("#"):
                    piece = chr(int(token[1:]))
                else:
                    piece = _NAMED_ENTITIES[token]
                out.append(piece)
                pos += utf16_len(piece)
                i = m.end()
                continue
        out.append(ch)
        pos += utf16_len(ch)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), _sorted_entities(entities)


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = (
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)


def parse_markdown_v2(raw: str) -> tuple[str, list[JSON]]:
    """Parse MarkdownV2, enforcing that reserved characters are escaped."""
    out: list[str] = []
    pos = 0
    entities: list[JSON] = []
    stack: list[tuple[str, str, int, int]] = []  # (marker, type, offset, byte offset)
    i = 0
    n = len(raw)

    def emit(piece: str) -> None:
        nonlocal pos
        out.append(piece)
        pos += utf16_len(piece)

    def code_body(start: int, fence: str) -> tuple[str, int]:
        """Text up to the closing fence; inside code only ` and \\ are escaped."""
        j = start
        body: list[str] = []
        while j < n:
            if raw[j] == "\\" and j + 1 < n:
                body.append(raw[j + 1])
                j += 2
                continue
            if raw.startswith(fence, j):
                return "".join(body), j + len(fence)
            body.append(raw[j])
            j += 1
        kind = "Pre" if fence == "```" else "Code"
        raise EntityParseError(
            f"Can't find end of {kind} entity at byte offset {_byte_offset(raw, start)}"
        )

    while i < n:
        ch = raw[i]
        if ch == "\\":
            if i + 1 < n and ord(raw[i + 1]) <= 126:
                emit(raw[i + 1])
                i += 2
                continue
            raise EntityParseError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if raw.startswith("```", i):
            body, i = code_body(i + 3, "```")
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            start = pos
            emit(body)
            entity: JSON = {"type": "pre", "offset": start, "length": pos - start}
            if language:
                entity["language"] = language
            if pos > start:
                entities.append(entity)
            continue
        if ch == "`":
            body, i = code_body(i + 1, "`")
            start = pos
            emit(body)
            if pos > start:
                entities.append({"type": "code", "offset": start, "length": pos - start})
            continue
        if ch == "[":
            stack.append(("[", "text_link", pos, _byte_offset(raw, i)))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "[":
            if not raw.startswith("(", i + 1):
                raise EntityParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            # The URL ends at the first ")" that is not escaped with "\\".
            close = i + 2
            url_chars: list[str] = []
            while close < n and raw[close] != ")":
                if raw[close] == "\\" and close + 1 < n:
                    close += 1
                url_chars.append(raw[close])
                close += 1
            if close >= n:
                raise EntityParseError(
                    f"Can't find end of a url at byte offset {_byte_offset(raw, i)}"
                )
            url = "".join(url_chars)
            _, _, start, _ = stack.pop()
            if pos > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": pos - start, "url": url}
                )
            i = close + 1
            continue
        if ch == ">" and (i == 0 or raw[i - 1] == "\n"):
            i += 1  # blockquote marker at line start: no entity needed for tests
            continue
        for marker, etype in _MDV2_TOGGLES:
            if raw.startswith(marker, i):
                if stack and stack[-1][0] == marker:
                    _, _, start, _ = stack.pop()
                    if pos > start:
                        entities.append({"type": etype, "offset": start, "length": pos - start})
                elif any(item[0] == marker for item in stack):
                    raise EntityParseError(
                        f"Can't find end of {stack[-1][1].title()} entity at byte offset "
                        f"{stack[-1][3]}"
                    )
                else:
                    stack.append((marker, etype, pos, _byte_offset(raw, i)))
                i += len(marker)
                break
        else:
            if ch in _MDV2_RESERVED:
                raise EntityParseError(
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
                )
            emit(ch)
            i += 1
    if stack:
        _, etype, _, byte_off = stack[-1]
        raise EntityParseError(
            f"Can't find end of {etype.replace('_', ' ').title()} entity at byte offset {byte_off}"
        )
    return "".join(out), _sorted_entities(entities)


def parse_markdown_legacy(raw: str) -> tuple[str, list[JSON]]:
    """Parse legacy ``Markdown``: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out: list[str] = []
    pos = 0
    entities: list[JSON] = []
    i = 0
    n = len(raw)
    simple = {"*": "bold", "_": "italic", "`": "code"}
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n and raw[i + 1] in "*_`[":
            out.append(raw[i + 1])
            pos += 1
            i += 2
            continue
        fence = "```" if raw.startswith("```", i) else ch if ch in simple else None
        if ch == "[":
            close = raw.find("](", i)
            end = raw.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(raw, i)}"
                )
            label = raw[i + 1 : close]
            entities.append(
                {
                    "type": "text_link",
                    "offset": pos,
                    "length": utf16_len(label),
                    "url": raw[close + 2 : end],
                }
            )
            out.append(label)
            pos += utf16_len(label)
            i = end + 1
            continue
        if fence:
            end = raw.find(fence, i + len(fence))
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(raw, i)}"
                )
            body = raw[i + len(fence) : end]
            etype = "pre" if fence == "```" else simple[fence]
            if body:
                entities.append({"type": etype, "offset": pos, "length": utf16_len(body)})
            out.append(body)
            pos += utf16_len(body)
            i = end + len(fence)
            continue
        out.append(ch)
        pos += utf16_len(ch)
        i += 1
    return "".join(out), _sorted_entities(entities)


def _sorted_entities(entities: list[JSON]) -> list[JSON]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips surrounding whitespace; entity offsets shift accordingly."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def command_entities(text: str) -> list[JSON]:
    """Entities a Telegram client attaches to user text: a leading /command and URLs."""
    entities: list[JSON] = []
    m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if m:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))})
    for url in re.finditer(r"https?://[^\s]+", text):
        entities.append(
            {
                "type": "url",
                "offset": utf16_len(text[: url.start()]),
                "length": utf16_len(url.group(0)),
            }
        )
    return entities


# --------------------------------------------------------------------------------------
# Sample media
# --------------------------------------------------------------------------------------


def sample_jpeg(
    width: int = 64,
    height: int = 48,
    color: tuple[int, int, int] = (200, 30, 30),
    *,
    gps: bool = False,
    maker: str | None = None,
    model: str | None = None,
) -> bytes:
    """A real (tiny) JPEG, so bot code that opens images with Pillow works.

    Without options it carries no EXIF at all. ``maker`` and ``model`` write the camera's
    EXIF tags; ``gps`` writes what a phone photo sent "as a file" carries: the camera
    (``maker``, "PhoneMaker" unless given) and the GPS position it was taken at."""
    try:
        from PIL import ExifTags, Image
    except ImportError:  # pragma: no cover - Pillow is a project dependency
        return b"\xff\xd8\xff\xe0fake-jpeg" + bytes([color[0]]) * 64
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "S",
            ExifTags.GPS.GPSLatitude: (6.0, 10.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (106.0, 49.0, 0.0),
        }
    if maker is not None:
        exif[ExifTags.Base.Make] = maker
    if model is not None:
        exif[ExifTags.Base.Model] = model
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if len(exif):
        image.save(buffer, format="JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def sample_mp4(tag: bytes = b"") -> bytes:
    """Bytes that start like an MP4 file (nobody decodes them in tests)."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + tag + b"\x00" * 64


def mp4_box(kind: bytes, payload: bytes = b"", *, large: bool = False) -> bytes:
    """One ISO media box: 32-bit size, or ``large`` for the 64-bit form."""
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def sample_phone_mp4(location: bytes = b"+06.1234+106.8456/") -> bytes:
    """A small, well-formed QuickTime file as a phone writes one: a track, media data,
    and the metadata phones add (``©xyz`` location and ``©mak`` maker in ``udta``,
    Apple's location in ``meta``, XMP in a ``uuid`` box, a name in the track's
    ``udta``). Nobody decodes the pictures in tests."""
    moov = mp4_box(
        b"moov",
        mp4_box(b"mvhd", b"\x00" * 100)
        + mp4_box(
            b"udta",
            mp4_box(b"\xa9xyz", b"\x00\x12\x15\xc7" + location) + mp4_box(b"\xa9mak", b"Phone"),
        )
        + mp4_box(
            b"meta",
            b"\x00" * 4
            + mp4_box(b"keys", b"com.apple.quicktime.location.ISO6709")
            + mp4_box(b"ilst", location),
        )
        + mp4_box(
            b"trak",
            mp4_box(b"tkhd", b"\x01" * 84)
            + mp4_box(b"udta", mp4_box(b"\xa9nam", b"Rina's phone"))
            + mp4_box(
                b"mdia",
                mp4_box(b"mdhd", b"\x02" * 24) + mp4_box(b"minf", mp4_box(b"stbl", b"\x03" * 40)),
            ),
        ),
    )
    return (
        mp4_box(b"ftyp", b"qt  \x00\x00\x00\x00qt  ")
        + moov
        + mp4_box(b"uuid", b"\xbe\x7a\xcf\xcb" * 4 + b"<x:xmpmeta>GPS</x:xmpmeta>")
        + mp4_box(b"mdat", PHONE_MP4_SAMPLES, large=True)
    )


#: The media data inside :func:`sample_phone_mp4`.
PHONE_MP4_SAMPLES = b"\x00\x00\x00\x10" + b"picture-and-sound" * 20


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return None


# --------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------

#: Parameters that are always strings; everything else that arrives as a form string is
#: JSON-decoded when possible (numbers, booleans, reply_markup, media arrays …), which is
#: what PTB encodes (``RequestParameter.json_value``).
_STRING_PARAMS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "inline_message_id",
    "title",
    "description",
    "short_description",
    "name",
    "url",
    "language_code",
    "emoji",
    "action",
    "first_name",
    "last_name",
    "phone_number",
    "vcard",
    "address",
    "question",
    "file_id",
    "secret_token",
    "ip_address",
    "business_connection_id",
    "message_effect_id",
    "custom_title",
    "invite_link",
    "performer",
    "file_name",
    *_MEDIA_KINDS,
    "thumbnail",
}


def _coerce_param(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


# --------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------


MethodImpl = Callable[[JSON, dict[str, UploadedFile]], Any]


class FakeBotAPI:
    """In-process fake of the Telegram Bot API (see module docstring).

    Lifecycle: ``await server.start()`` binds 127.0.0.1 on a random port; ``server.url``,
    ``server.api_url`` (``…/bot``) and ``server.file_url`` (``…/file/bot``) are what a PTB
    ``ApplicationBuilder`` needs; ``await server.stop()`` shuts it down.
    """

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

    # ---------------------------------------------------------------- lifecycle

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

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # release held long polls
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- change notification

    def _notify(self) -> None:
        """Wake everybody waiting for a state change (long polls, harness waits)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], max_wait: float) -> bool:
        """Wait until ``predicate()`` is true, re-checking on every state change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, self._next_available_in()))
        return True

    # ---------------------------------------------------------------- HTTP layer

    async def _decode(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        params: JSON = {k: _coerce_param(k, v) for k, v in request.query.items()}
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                params.update(json.loads(body))
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = UploadedFile(key, value.filename, value.content_type, data)
                elif isinstance(value, bytes | bytearray):
                    files[key] = UploadedFile(key, None, None, bytes(value))
                else:
                    params[key] = _coerce_param(key, value)
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params, files = await self._decode(request)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response(
                {"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
                status=413,
            )
        call = ApiCall(method, params, files)
        self.calls.append(call)
        if method.lower() != "getupdates":
            self.activity += 1
        try:
            delay = self._take_delay(method, params)
            if delay > 0:
                # The request is processed after the pause even when the client has
                # given up waiting (aiohttp does not cancel handlers on disconnect).
                await asyncio.sleep(delay)
            fault = self._take_fault(method, params)
            if fault is not None:
                raise fault
            impl = self._methods.get(method.lower())
            if impl is None:
                self.unknown_methods.append(method)
                raise ApiError(404, "Not Found")
            result = impl(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as error:
            call.ok = False
            call.error_code = error.code
            call.description = error.description
            return web.json_response(error.body(), status=error.code)
        except Exception as exc:  # a bug in the fake: report it loudly
            log.exception("fake Bot API crashed in %s", method)
            self.internal_errors.append(f"{method}: {exc!r}")
            call.ok = False
            call.error_code = 500
            call.description = f"Internal Server Error: {exc!r}"
            return web.json_response(
                {"ok": False, "error_code": 500, "description": call.description}, status=500
            )
        finally:
            self._notify()
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        if self.download_gate is not None:
            await self.download_gate.wait()
        self.downloads.append(path)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ---------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        parameters: JSON | None = None,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``)
        fail with this error instead of running."""
        error = ApiError(error_code, description, parameters)
        self._faults.append(_Fault(method.lower(), error, times, chat_id))

    def _take_fault(self, method: str, params: JSON) -> ApiError | None:
        for fault in self._faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return fault.error
        return None

    def delay_next(
        self,
        method: str,
        seconds: float,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``)
        answer only after ``seconds``.  The call still takes effect: a client that times
        out meanwhile sees the classic ambiguous failure (sent, but no answer)."""
        self._delays.append(_Delay(method.lower(), seconds, times, chat_id))

    def _take_delay(self, method: str, params: JSON) -> float:
        for delay in self._delays:
            if delay.method != method.lower():
                continue
            if delay.chat_id is not None and str(params.get("chat_id")) != str(delay.chat_id):
                continue
            delay.remaining -= 1
            if delay.remaining <= 0:
                self._delays.remove(delay)
            return delay.seconds
        return 0.0

    def forbid_deletion(self, chat_id: int, message_ids: Iterable[int]) -> None:
        """Telegram refuses to delete these messages from now on ("message can't be
        deleted", as for channel posts older than 48 hours); editing them still works."""
        chat = self._known_chat(chat_id)
        for message_id in message_ids:
            chat.messages[message_id].deletable = False

    def block_user(self, user_id: int, *, inject_update: bool = False) -> None:
        """The user blocks the bot: sends to their private chat fail with 403.

        With ``inject_update`` the bot also receives the ``my_chat_member`` (kicked) update
        that real Telegram sends when a user blocks a bot.
        """
        self.blocked_users.add(user_id)
        if inject_update:
            self._inject_my_chat_member(self.chats[user_id], user_id, "member", "kicked")

    def unblock_user(self, user_id: int, *, inject_update: bool = False) -> None:
        self.blocked_users.discard(user_id)
        if inject_update:
            self._inject_my_chat_member(self.chats[user_id], user_id, "kicked", "member")

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

    # ---------------------------------------------------------------- world setup (tests)

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

    def store_file(
        self,
        kind: str,
        data: bytes | None = None,
        *,
        declared_size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        emoji: str | None = None,
    ) -> StoredFile:
        """Store a file as if it had been uploaded to Telegram; returns it (for photos:
        the largest size – all sizes are in :meth:`photo_sizes`)."""
        if data is None:
            data = sample_jpeg() if kind == "photo" else self._placeholder_bytes(kind)
        if kind == "photo":
            return self._store_photo(data, declared_size)
        n = next(self._ids)
        folder, ext = _FOLDERS.get(kind, ("documents", ".bin"))
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        mime = mime_type or (mimetypes.guess_type(file_name)[0] if file_name else None)
        mime = mime or _DEFAULT_MIME.get(kind)
        file_id, unique = f"fake-{kind}-{n}", f"uniq-{n}"
        size = declared_size if declared_size is not None else len(data)
        meta: JSON = {"file_id": file_id, "file_unique_id": unique, "file_size": size}
        if kind in ("video", "animation"):
            meta.update(width=width or 1280, height=height or 720, duration=duration or 5)
        if kind in ("audio", "voice"):
            meta["duration"] = duration or 3
        if kind == "video_note":
            meta.update(length=width or 240, duration=duration or 5)
        if kind == "sticker":
            meta.update(
                type="regular",
                width=width or 512,
                height=height or 512,
                is_animated=False,
                is_video=False,
                emoji=emoji or "👍",
            )
        if kind in ("document", "video", "animation", "audio") and file_name:
            meta["file_name"] = file_name
        if mime and kind not in ("sticker", "video_note"):
            meta["mime_type"] = mime
        stored = StoredFile(
            file_id, unique, kind, data, f"{folder}/file_{n}{ext}", meta, declared_size
        )
        self._register_file(stored)
        return stored

    def photo_sizes(self, file_id: str) -> list[JSON]:
        return copy.deepcopy(self._photo_sets[file_id])

    def _placeholder_bytes(self, kind: str) -> bytes:
        if kind in ("video", "animation", "video_note"):
            return sample_mp4(kind.encode())
        return f"fake {kind} content {next(self._ids)}".encode()

    def _register_file(self, stored: StoredFile) -> None:
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored

    def _store_photo(self, data: bytes, declared_size: int | None) -> StoredFile:
        """Telegram keeps several sizes of a photo; the largest is the original bytes.

        Smaller sizes serve the same bytes (nobody in tests needs real thumbnails) but
        report proportionally smaller sizes.
        """
        width, height = _image_size(data) or (1280, 960)
        total = declared_size if declared_size is not None else len(data)
        longest = max(width, height)
        bounds = [b for b in (90, 320, 800) if b < longest] + [longest]
        sizes: list[JSON] = []
        stored_sizes: list[StoredFile] = []
        for bound in bounds:
            scale = bound / longest
            n = next(self._ids)
            meta = {
                "file_id": f"fake-photo-{n}",
                "file_unique_id": f"uniq-{n}",
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
                "file_size": max(1, round(total * scale * scale)),
            }
            sizes.append(meta)
            stored = StoredFile(
                meta["file_id"],
                meta["file_unique_id"],
                "photo",
                data,
                f"photos/file_{n}.jpg",
                meta,
                meta["file_size"] if declared_size is not None or bound != longest else None,
            )
            stored_sizes.append(stored)
            self._register_file(stored)
        for stored in stored_sizes:
            self._photo_sets[stored.file_id] = sizes
        return stored_sizes[-1]

    # ---------------------------------------------------------------- incoming updates

    def inject_update(self, payload: JSON, *, batch_break: bool = False, delay: float = 0.0) -> int:
        """Queue a raw update (without ``update_id``); returns its update_id.

        ``batch_break`` makes this update start a new getUpdates response, ``delay``
        hides it from getUpdates for that many seconds.
        """
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **copy.deepcopy(payload)}
        available_at = asyncio.get_running_loop().time() + delay if delay > 0 else 0.0
        self._queue.append(_QueuedUpdate(update_id, update, batch_break, available_at))
        self.injected_updates.append(update)
        self.activity += 1
        self._notify()
        return update_id

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

    def press_button(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        """A user taps an inline button; returns the callback query id."""
        user = self._known_user(user_id)
        chat = self._known_chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise KeyError(f"message {message_id} does not exist in chat {chat_id}")
        query_id = str(9_000_000_000 + next(self._ids))
        self.callback_queries[query_id] = CallbackQueryRecord(
            query_id, user_id, chat_id, message_id, data
        )
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(user),
                    "message": copy.deepcopy(message.data),
                    "chat_instance": str(abs(chat_id) * 7919 + 17),
                    "data": data,
                }
            }
        )
        return query_id

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

    # ---------------------------------------------------------------- queries (tests)

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

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return list(self.commands.get(_scope_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSON]:
        """Injected updates not yet confirmed by the bot (delivered or not)."""
        return [q.payload for q in self._queue]

    def all_updates_confirmed(self) -> bool:
        return not self._queue

    def update_status(self, update_id: int) -> str:
        if update_id in self.confirmed_update_ids:
            return "confirmed"
        if any(u["update_id"] == update_id for u in self.dropped_updates):
            return "dropped"
        if update_id in self.delivered_update_ids:
            return "delivered"
        return "pending"

    @property
    def is_polling(self) -> bool:
        """A getUpdates request is currently being held open."""
        return self._poller is not None

    # ---------------------------------------------------------------- lookups & checks

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

    def _input_file(
        self, kind: str, value: Any, files: dict[str, UploadedFile], params: JSON
    ) -> StoredFile:
        """Resolve a media parameter: an upload, ``attach://name``, or a known file_id."""
        upload: UploadedFile | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified: {value}")
        elif value is None:
            upload = files.get(kind)
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                return self._store_photo(upload.data, None)
            return self.store_file(
                kind,
                upload.data,
                file_name=upload.filename if kind != "voice" else None,
                mime_type=_useful_mime(upload.content_type),
                duration=_as_int(params.get("duration")),
                width=_as_int(params.get("width")),
                height=_as_int(params.get("height")),
            )
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, str) and value in self.files:
            stored = self.files[value]
            if stored.kind != kind:
                raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
            return stored
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _media_content(self, kind: str, stored: StoredFile) -> JSON:
        if kind == "photo":
            return {"photo": self.photo_sizes(stored.file_id)}
        if kind == "animation":
            # Telegram sends animations with a mirrored ``document`` field.
            return {"animation": dict(stored.meta), "document": dict(stored.meta)}
        return {kind: dict(stored.meta)}

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

    # ---------------------------------------------------------------- method table

    def _method_table(self) -> dict[str, MethodImpl]:
        ok = self._ok
        return {
            "getMe": self._get_me,
            "logOut": ok,
            "close": ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": lambda p, f: dict(self.menu_button),
            "setMyDescription": ok,
            "setMyShortDescription": ok,
            "setMyName": ok,
            "getMyName": lambda p, f: {"name": self.bot_user["first_name"]},
            "getMyDescription": lambda p, f: {"description": ""},
            "getMyShortDescription": lambda p, f: {"short_description": ""},
            "sendMessage": self._send_message,
            "sendPhoto": lambda p, f: self._send_media("photo", p, f),
            "sendDocument": lambda p, f: self._send_media("document", p, f),
            "sendVideo": lambda p, f: self._send_media("video", p, f),
            "sendAnimation": lambda p, f: self._send_media("animation", p, f),
            "sendAudio": lambda p, f: self._send_media("audio", p, f),
            "sendVoice": lambda p, f: self._send_media("voice", p, f),
            "sendSticker": lambda p, f: self._send_media("sticker", p, f),
            "sendMediaGroup": self._send_media_group,
            "sendLocation": self._send_location,
            "sendChatAction": self._send_chat_action,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "leaveChat": self._leave_chat,
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._pin_chat_message,
            "unpinAllChatMessages": self._pin_chat_message,
            "setMessageReaction": ok,
        }

    @staticmethod
    def _ok(params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True

    # ---------------------------------------------------------------- bot-level methods

    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        return True

    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            for queued in self._queue:
                self.confirmed_update_ids.add(queued.update_id)
            self._queue.clear()
        return True

    def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" must be an Array')
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        self.commands[key] = [dict(c) for c in commands]
        return True

    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        return [dict(c) for c in self.commands.get(key, [])]

    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        if params.get("chat_id") is not None:
            self._chat(params["chat_id"])
        self.menu_button = params.get("menu_button") or {"type": "default"}
        return True

    # ---------------------------------------------------------------- long polling

    def _next_available_in(self) -> float:
        """Seconds until the next delayed update becomes visible (inf if none)."""
        now = asyncio.get_running_loop().time()
        waits = [q.available_at - now for q in self._queue if q.available_at > now]
        return max(min(waits), 0.001) if waits else float("inf")

    def _allowed(self, queued: _QueuedUpdate) -> bool:
        if self._allowed_updates:
            return queued.type in self._allowed_updates
        return queued.type not in _NOT_DELIVERED_BY_DEFAULT

    def _confirm_below(self, offset: int) -> None:
        """Telegram forgets every update with ``update_id < offset``."""
        keep = []
        for queued in self._queue:
            if queued.update_id < offset:
                self.confirmed_update_ids.add(queued.update_id)
            else:
                keep.append(queued)
        self._queue = keep

    def _take_batch(self, limit: int) -> list[_QueuedUpdate]:
        now = asyncio.get_running_loop().time()
        batch: list[_QueuedUpdate] = []
        for queued in list(self._queue):
            if queued.available_at > now or (batch and queued.batch_break):
                break
            if not self._allowed(queued):
                self._queue.remove(queued)
                self.dropped_updates.append(queued.payload)
                continue
            batch.append(queued)
            if len(batch) >= limit:
                break
        return batch

    async def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset")) or 0
        limit = max(1, min(_as_int(params.get("limit")) or 100, 100))
        timeout = float(params.get("timeout") or 0)
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if offset > 0:
            self._confirm_below(offset)
        elif offset < 0 and len(self._queue) > -offset:
            self._confirm_below(self._queue[offset].update_id)
        self._notify()  # confirmations are what harness.settle() waits for

        # Like Telegram, a new getUpdates terminates one that is still being held.
        me = object()
        if self._poller is not None:
            self._poller = me
            self._notify()
        self._poller = me
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        batch: list[_QueuedUpdate] = []
        try:
            while True:
                if self._poller is not me:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                batch = self._take_batch(limit)
                remaining = deadline - loop.time()
                if batch or self._closing or remaining <= 0:
                    break
                event = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(remaining, self._next_available_in()))
        finally:
            if self._poller is me:
                self._poller = None
        for queued in batch:
            self.delivered_update_ids.add(queued.update_id)
        return [copy.deepcopy(q.payload) for q in batch]

    # ---------------------------------------------------------------- sending

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

    # ---------------------------------------------------------------- copy / forward

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

    # ---------------------------------------------------------------- editing / deleting

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

    # ---------------------------------------------------------------- callbacks & files

    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {
            "text": text,
            "show_alert": bool(params.get("show_alert")),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
        }
        return True

    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # ---------------------------------------------------------------- chats

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


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

_GROUP_ANONYMOUS_BOT: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


def _chat_noun(chat: ChatRecord) -> str:
    return {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}.get(
        chat.type, "chat"
    )


def _without_reply(message: JSON) -> JSON:
    """Telegram nests only one level of ``reply_to_message``."""
    data = copy.deepcopy(message)
    data.pop("reply_to_message", None)
    return data


def _inline_part(markup: JSON | None) -> JSON | None:
    if markup and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def _useful_mime(content_type: str | None) -> str | None:
    if not content_type or content_type == "application/octet-stream":
        return None
    return content_type


def _scope_key(scope: Any, language_code: str) -> tuple[str, str]:
    scope = scope or {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def _chat_member(user: JSON, status: str) -> JSON:
    """ChatMember JSON with the fields PTB requires for each status."""
    member: JSON = {"status": status, "user": dict(user)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_post_messages=True,
            can_edit_messages=True,
            can_pin_messages=True,
        )
    elif status == "restricted":
        member.update(
            is_member=True,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_send_messages=False,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_manage_topics=False,
            until_date=0,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_edit_tag=False,
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member
