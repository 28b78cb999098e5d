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

Layout of this package (one area of the Bot API per module; :class:`FakeBotAPI` combines
the area mixins, every one built on :class:`~tests.fakebotapi.core.FakeBotAPICore`):

* ``records`` – errors, recorded calls, files, messages, chats, callback queries;
* ``entities`` – ``parse_mode`` parsing (HTML, MarkdownV2, Markdown) into entities;
* ``samples`` – sample media (``sample_jpeg``, ``sample_mp4``, ``sample_phone_mp4`` …);
* ``helpers`` – parameter coercion and Telegram JSON shapes shared by the handlers;
* ``core`` – shared state, addresses, recorded traffic queries, chat/user lookups;
* ``server`` – the HTTP server: decoding, recording, dispatch, file downloads;
* ``api`` – :class:`FakeBotAPI` and its method table (routing);
* method handlers by area: ``updates`` (queue, getUpdates, webhooks), ``incoming``
  (users' messages), ``callbacks`` (button presses and answers), ``sending`` (send*,
  copy*, forward), ``editing`` (edit*, delete*, pin), ``files`` (stored files, getFile),
  ``chats`` (users, groups, channels, members), ``commands`` (getMe, commands, menu);
* ``faults`` – fault injection (failures, delays, undeletable messages, blocking).
"""

from __future__ import annotations

from tests.fakebotapi.api import FakeBotAPI
from tests.fakebotapi.core import MethodImpl
from tests.fakebotapi.entities import (
    EntityParseError,
    command_entities,
    parse_html,
    parse_markdown_legacy,
    parse_markdown_v2,
    utf16_len,
)
from tests.fakebotapi.records import (
    DEFAULT_TOKEN,
    JSON,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_DOWNLOAD_BYTES,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    ApiCall,
    ApiError,
    CallbackQueryRecord,
    ChatRecord,
    StoredFile,
    StoredMessage,
    UploadedFile,
    bad_request,
)
from tests.fakebotapi.samples import (
    PHONE_MP4_SAMPLES,
    mp4_box,
    sample_jpeg,
    sample_mp4,
    sample_pdf,
    sample_phone_mp4,
)

__all__ = [
    "DEFAULT_TOKEN",
    "JSON",
    "MAX_CALLBACK_ANSWER_LENGTH",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_DOWNLOAD_BYTES",
    "MAX_TEXT_LENGTH",
    "MAX_UPLOAD_BYTES",
    "PHONE_MP4_SAMPLES",
    "ApiCall",
    "ApiError",
    "CallbackQueryRecord",
    "ChatRecord",
    "EntityParseError",
    "FakeBotAPI",
    "MethodImpl",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
    "bad_request",
    "command_entities",
    "mp4_box",
    "parse_html",
    "parse_markdown_legacy",
    "parse_markdown_v2",
    "sample_jpeg",
    "sample_mp4",
    "sample_pdf",
    "sample_phone_mp4",
    "utf16_len",
]
