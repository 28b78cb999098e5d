"""End-to-end harness: a real PTB ``Application`` polling the fake Bot API.

Tests speak in the users' language::

    async with Harness(fake_bot_api, app_factory) as h:
        rina = h.person(1001, "Rina Wati", username="rina", language_code="id")
        await rina.sends("/start")
        assert "Selamat datang" in rina.inbox()[-1].text
        answer = await rina.taps("Setujui")

Every action injects updates into :class:`FakeBotAPI` and then calls :meth:`Harness.settle`,
which returns only when the bot has fetched, confirmed and fully processed them, and when
JobQueue jobs due within a short horizon (album collection timers and the like) have run.
No sleeps in tests: settle() waits on observable facts, not on time.

Exceptions raised by the bot's handlers or jobs are captured (the harness installs the
first error handler) and re-raised from ``settle()`` as an ``AssertionError`` carrying the
traceback, so a crashing handler fails the test at the step that triggered it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from telegram import Update
from telegram.ext import Application, ContextTypes

from tests.fakebotapi import (
    DEFAULT_TOKEN,
    PHONE_MP4_SAMPLES,
    ApiCall,
    CallbackQueryRecord,
    ChatRecord,
    FakeBotAPI,
    StoredFile,
    StoredMessage,
    sample_jpeg,
    sample_mp4,
    sample_phone_mp4,
)

__all__ = [
    "DEFAULT_TOKEN",
    "PHONE_MP4_SAMPLES",
    "ApiCall",
    "CallbackAnswer",
    "ChatView",
    "FakeBotAPI",
    "Group",
    "HandlerError",
    "Harness",
    "Person",
    "SettleTimeout",
    "StoredFile",
    "StoredMessage",
    "fake_bot_api",
    "sample_jpeg",
    "sample_mp4",
    "sample_phone_mp4",
    "warta_settings",
]

log = logging.getLogger(__name__)

AppFactory = Callable[[], "Application[Any, Any, Any, Any, Any, Any] | Awaitable[Any]"]


class SettleTimeout(AssertionError):
    """settle() did not reach a quiet state in time."""


class HandlerError(AssertionError):
    """A handler or job of the bot raised; carries the original traceback text."""


@dataclass
class CallbackAnswer:
    """What the bot answered to a button tap (answerCallbackQuery)."""

    answered: bool
    text: str | None = None
    show_alert: bool = False
    url: str | None = None

    @classmethod
    def from_record(cls, record: CallbackQueryRecord) -> CallbackAnswer:
        if record.answer is None:
            return cls(answered=False)
        return cls(
            answered=True,
            text=record.answer.get("text"),
            show_alert=record.answer.get("show_alert", False),
            url=record.answer.get("url"),
        )


@dataclass
class _RecordedError:
    error: BaseException
    update: object

    def describe(self) -> str:
        tb = "".join(traceback.format_exception(self.error))
        return f"while processing {_describe_update(self.update)}:\n{tb}"


def _describe_update(update: object) -> str:
    if isinstance(update, Update):
        if update.effective_message and update.effective_message.text:
            return f"update {update.update_id} (text {update.effective_message.text!r})"
        if update.callback_query:
            return f"update {update.update_id} (callback {update.callback_query.data!r})"
        return f"update {update.update_id}"
    return "a job or background task" if update is None else repr(update)


# --------------------------------------------------------------------------------------
# Warta wiring
# --------------------------------------------------------------------------------------


def warta_settings(
    server_url: str,
    data_dir: Path | str,
    database_url: str | None,
    admin_ids: Iterable[int],
    **extra: Any,
) -> Any:
    """``bot.shell.config.Settings`` pointing warta at the fake server (fast album timer)."""
    from bot.shell.config import Settings

    values: dict[str, Any] = {
        "telegram_token": DEFAULT_TOKEN,
        "telegram_api_url": f"{server_url}/bot",
        "telegram_file_url": f"{server_url}/file/bot",
        "data_dir": Path(data_dir),
        "database_url": database_url,
        "admin_ids": list(admin_ids),
        "album_settle_seconds": 0.2,
    }
    values.update(extra)
    return Settings(**values)


# --------------------------------------------------------------------------------------
# Chat views
# --------------------------------------------------------------------------------------


class ChatView:
    """Read access to one chat as Telegram shows it (bot messages in current state)."""

    def __init__(self, harness: Harness, chat_id: int, label: str) -> None:
        self.h = harness
        self.id = chat_id
        self.label = label

    @property
    def record(self) -> ChatRecord:
        return self.h.server.chats[self.id]

    def messages(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Bot messages in this chat, oldest first, as currently visible (after edits)."""
        return self.h.server.bot_messages(self.id, include_deleted=include_deleted)

    def all_messages(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        """User and bot messages, oldest first."""
        return self.h.server.messages(self.id, include_deleted=include_deleted)

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages()]

    def last(self) -> StoredMessage:
        messages = self.messages()
        if not messages:
            raise AssertionError(f"the bot has not written anything (visible) in {self.label}")
        return messages[-1]

    def last_text(self) -> str:
        return self.last().text or ""

    def find(self, contains: str, *, include_deleted: bool = False) -> StoredMessage:
        """Latest bot message whose text/caption contains ``contains``."""
        found = self.find_all(contains, include_deleted=include_deleted)
        if not found:
            raise AssertionError(
                f"no bot message containing {contains!r} in {self.label}; bot messages:\n"
                + self._listing()
            )
        return found[-1]

    def find_all(self, contains: str, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [
            m for m in self.messages(include_deleted=include_deleted) if contains in (m.text or "")
        ]

    def has(self, contains: str) -> bool:
        return bool(self.find_all(contains))

    def _listing(self, limit: int = 10) -> str:
        lines = []
        for m in self.messages()[-limit:]:
            text = (m.text or "").replace("\n", " | ")[:80]
            buttons = f" buttons={m.button_texts}" if m.button_texts else ""
            lines.append(f"  #{m.message_id} [{m.media_type}] {text!r}{buttons}")
        return "\n".join(lines) or "  (none)"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label} id={self.id}>"


class Group(ChatView):
    """A group/supergroup; create with :meth:`Harness.group`."""

    def __init__(self, harness: Harness, chat_id: int, title: str) -> None:
        super().__init__(harness, chat_id, f"group {title!r}")
        self.title = title

    def set_status(self, person: Person, status: str) -> None:
        """What getChatMember reports for ``person`` here (member/administrator/creator…)."""
        self.h.server.set_member_status(self.id, person.id, status)


class Person:
    """A Telegram user driving the bot; create with :meth:`Harness.person`."""

    def __init__(self, harness: Harness, user: dict[str, Any]) -> None:
        self.h = harness
        self.user = user
        self.id: int = user["id"]
        self.first_name: str = user["first_name"]
        self.username: str | None = user.get("username")
        self.chat = ChatView(harness, self.id, f"private chat with {self.first_name}")

    @property
    def _server(self) -> FakeBotAPI:
        return self.h.server

    @staticmethod
    def _chat_id(in_chat: ChatView | int | None, default: int) -> int:
        if in_chat is None:
            return default
        return in_chat if isinstance(in_chat, int) else in_chat.id

    def _where(self, in_chat: ChatView | int | None) -> ChatView:
        if in_chat is None:
            return self.chat
        if isinstance(in_chat, ChatView):
            return in_chat
        return ChatView(self.h, in_chat, f"chat {in_chat}")

    # ------------------------------------------------------------ reading

    def inbox(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Bot messages in this person's private chat (current state)."""
        return self.chat.messages(include_deleted=include_deleted)

    def last_message(self) -> StoredMessage:
        return self.chat.last()

    def last_text(self) -> str:
        return self.chat.last_text()

    # ------------------------------------------------------------ sending

    async def sends(
        self,
        text: str,
        *,
        in_chat: ChatView | int | None = None,
        reply_to: StoredMessage | int | None = None,
    ) -> StoredMessage:
        """Send a text (a leading ``/command`` gets its bot_command entity)."""
        message = self._server.send_text(
            self.id, text, chat_id=self._chat_id(in_chat, self.id), reply_to=reply_to
        )
        await self.h.settle()
        return message

    async def opens_link(self, payload: str) -> StoredMessage:
        """Open ``t.me/<bot>?start=<payload>``: the client sends ``/start <payload>``."""
        return await self.sends(f"/start {payload}")

    async def replies(self, text: str, *, in_chat: ChatView | int | None = None) -> StoredMessage:
        """Answer the latest ForceReply prompt of the bot in that chat (plain send if none)."""
        chat = self._where(in_chat)
        prompt = next((m for m in reversed(chat.messages()) if m.force_reply), None)
        return await self.sends(text, in_chat=in_chat, reply_to=prompt)

    async def sends_photo(
        self,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        in_chat: ChatView | int | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        message = self._server.send_photo(
            self.id,
            data,
            caption=caption,
            chat_id=self._chat_id(in_chat, self.id),
            declared_size=declared_size,
        )
        await self.h.settle()
        return message

    async def sends_document(
        self,
        file_name: str,
        data: bytes,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        in_chat: ChatView | int | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        message = self._server.send_document(
            self.id,
            file_name,
            data,
            mime_type,
            caption=caption,
            chat_id=self._chat_id(in_chat, self.id),
            declared_size=declared_size,
        )
        await self.h.settle()
        return message

    async def sends_video(
        self,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        in_chat: ChatView | int | None = None,
        duration: int = 5,
        declared_size: int | None = None,
    ) -> StoredMessage:
        message = self._server.send_video(
            self.id,
            data,
            caption=caption,
            chat_id=self._chat_id(in_chat, self.id),
            duration=duration,
            declared_size=declared_size,
        )
        await self.h.settle()
        return message

    async def sends_album(
        self,
        items: Sequence[tuple[str, bytes | None] | tuple[str, bytes | None, str] | str],
        *,
        caption: str | None = None,
        in_chat: ChatView | int | None = None,
        split_after: int | None = None,
        split_delay: float = 0.0,
    ) -> list[StoredMessage]:
        """Send an album; see :meth:`FakeBotAPI.send_album` for ``items`` and splitting."""
        messages = self._server.send_album(
            self.id,
            items,
            caption=caption,
            chat_id=self._chat_id(in_chat, self.id),
            split_after=split_after,
            split_delay=split_delay,
        )
        await self.h.settle()
        return messages

    async def sends_sticker(
        self, emoji: str = "👍", *, in_chat: ChatView | int | None = None
    ) -> StoredMessage:
        message = self._server.send_sticker(
            self.id, emoji=emoji, chat_id=self._chat_id(in_chat, self.id)
        )
        await self.h.settle()
        return message

    async def sends_voice(
        self,
        data: bytes | None = None,
        *,
        duration: int = 3,
        in_chat: ChatView | int | None = None,
    ) -> StoredMessage:
        message = self._server.send_voice(
            self.id, data, duration=duration, chat_id=self._chat_id(in_chat, self.id)
        )
        await self.h.settle()
        return message

    async def sends_location(
        self,
        latitude: float = -6.2,
        longitude: float = 106.8166,
        *,
        in_chat: ChatView | int | None = None,
    ) -> StoredMessage:
        message = self._server.send_location(
            self.id, latitude, longitude, chat_id=self._chat_id(in_chat, self.id)
        )
        await self.h.settle()
        return message

    async def sends_contact(
        self,
        phone_number: str = "+6281234567890",
        first_name: str = "Kontak",
        *,
        in_chat: ChatView | int | None = None,
    ) -> StoredMessage:
        message = self._server.send_contact(
            self.id, phone_number, first_name, chat_id=self._chat_id(in_chat, self.id)
        )
        await self.h.settle()
        return message

    async def taps(
        self,
        button: str,
        *,
        in_chat: ChatView | int | None = None,
        message: StoredMessage | None = None,
    ) -> CallbackAnswer:
        """Tap an inline button whose text contains ``button``.

        Looks at the most recent bot message in the chat that has such a button (or at
        ``message``).  An exact text match wins over substring matches; several different
        substring matches in one message are an error.  Returns the bot's answer.
        """
        chat = self._where(in_chat)
        candidates = [message] if message is not None else list(reversed(chat.messages()))
        for candidate in candidates:
            flat = [b for row in candidate.raw_buttons for b in row]
            exact = [b for b in flat if b["text"].strip() == button.strip()]
            partial = [b for b in flat if button in b["text"]]
            chosen = exact or partial
            if not chosen:
                continue
            if len({(b["text"], b.get("callback_data")) for b in chosen}) > 1:
                raise AssertionError(
                    f"{button!r} is ambiguous in message #{candidate.message_id}: "
                    f"{[b['text'] for b in chosen]}"
                )
            target = chosen[0]
            if "callback_data" not in target:
                raise AssertionError(
                    f"button {target['text']!r} is not a callback button: {target}"
                )
            query_id = self._server.press_button(
                self.id, candidate.chat_id, candidate.message_id, target["callback_data"]
            )
            await self.h.settle()
            return CallbackAnswer.from_record(self._server.callback_queries[query_id])
        with_buttons = [m for m in chat.messages() if m.raw_buttons][-5:]
        visible = "\n".join(
            f"  #{m.message_id} {(m.text or '')[:50]!r}: {m.button_texts}"
            for m in reversed(with_buttons)
        )
        raise AssertionError(
            f"{self.first_name} sees no button containing {button!r} in {chat.label}. "
            f"Visible buttons (latest first):\n{visible or '  (no inline buttons at all)'}"
        )

    # ------------------------------------------------------------ relationship with the bot

    async def blocks_bot(self) -> None:
        """Block the bot (sends then fail with 403) and deliver the my_chat_member update."""
        self._server.block_user(self.id, inject_update=True)
        await self.h.settle()

    async def unblocks_bot(self) -> None:
        self._server.unblock_user(self.id, inject_update=True)
        await self.h.settle()

    def __repr__(self) -> str:
        return f"<Person {self.first_name} id={self.id}>"


# --------------------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------------------


class Harness:
    """Runs a PTB Application against a :class:`FakeBotAPI` the way ``run_polling`` does.

    ``app_factory`` returns the Application (or an awaitable of it); it must be built with
    ``base_url=server.api_url`` and ``base_file_url=server.file_url``.
    """

    def __init__(
        self,
        server: FakeBotAPI,
        app_factory: AppFactory,
        *,
        settle_timeout: float = 15.0,
        job_horizon: float = 3.0,
        allowed_updates: Sequence[str] | None = None,
        raise_handler_errors: bool = True,
    ) -> None:
        self.server = server
        self.app_factory = app_factory
        self.settle_timeout = settle_timeout
        #: Jobs due within this many seconds are waited for by settle().
        self.job_horizon = job_horizon
        self.allowed_updates = allowed_updates
        #: When True, settle() raises HandlerError for exceptions in handlers/jobs.
        self.raise_handler_errors = raise_handler_errors
        self.handler_errors: list[_RecordedError] = []
        self.polling_errors: list[Exception] = []
        self._reported_errors = 0
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._running = False
        self.settings: Any = None

    @classmethod
    def for_warta(
        cls,
        server: FakeBotAPI,
        data_dir: Path | str,
        database_url: str | None,
        admin_ids: Iterable[int] = (),
        *,
        clock: Callable[[], datetime] | None = None,
        harness_options: dict[str, Any] | None = None,
        **settings_extra: Any,
    ) -> Harness:
        """A harness running warta's real ``build_application`` against ``server``.

        ``clock`` is passed to ``build_application(settings, clock=...)`` so tests can move
        time; ``harness_options`` go to :class:`Harness`; other keywords are ``Settings``.
        """
        settings = warta_settings(server.url, data_dir, database_url, admin_ids, **settings_extra)

        def factory() -> Any:
            from bot.shell.app import build_application

            if clock is None:
                return build_application(settings)
            return build_application(settings, clock=clock)

        harness = cls(server, factory, **(harness_options or {}))
        harness.settings = settings
        return harness

    # ------------------------------------------------------------ lifecycle

    @property
    def app(self) -> Application[Any, Any, Any, Any, Any, Any]:
        if self._app is None:
            raise RuntimeError("harness not started")
        return self._app

    @property
    def bot(self) -> Any:
        return self.app.bot

    async def __aenter__(self) -> Harness:
        await self.start()
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        await self.stop()
        if exc_type is None:
            self._raise_new_errors()

    async def start(self) -> None:
        """initialize → post_init → updater.start_polling → start, then settle()."""
        app = self.app_factory()
        if inspect.isawaitable(app):
            app = await app
        self._app = app
        self._install_error_recorder(app)
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            if app.updater is None:
                raise RuntimeError("the Application has no Updater; the harness needs polling")
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=1,
                allowed_updates=self.allowed_updates,
                error_callback=self.polling_errors.append,
            )
            await app.start()
        except BaseException:
            await self._teardown(app)
            raise
        self._running = True
        await self.settle()

    async def stop(self) -> None:
        """updater.stop → stop → post_stop → shutdown → post_shutdown (like run_polling)."""
        if self._app is None or not self._running:
            return
        self._running = False
        await self._teardown(self._app)

    @staticmethod
    async def _teardown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
        finally:
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)

    def _install_error_recorder(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Put our recorder *first*, so an app error handler that stops propagation
        (ApplicationHandlerStop) cannot hide a crash from the test."""

        async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            if context.error is not None:
                log.error("bot raised", exc_info=context.error)
                self.handler_errors.append(_RecordedError(context.error, update))

        existing = dict(app.error_handlers)
        app.error_handlers.clear()
        app.error_handlers[record] = True
        app.error_handlers.update(existing)

    # ------------------------------------------------------------ settle

    async def settle(self, max_wait: float | None = None) -> None:
        """Return once the bot has nothing left to do (see module docstring).

        (a) every injected update was delivered by getUpdates and confirmed by a later
        getUpdates (PTB only polls again after queueing what it got), (b) the update
        queue is joined (PTB calls task_done after processing each update), (c) tasks
        started with ``Application.create_task`` are done and JobQueue jobs due within
        ``job_horizon`` seconds have run, (d) repeated until nothing new happened.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.settle_timeout if max_wait is None else max_wait)
        horizon = datetime.now(UTC) + timedelta(seconds=self.job_horizon)
        stage = "starting"
        first = True

        def remaining() -> float:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError
            return left

        try:
            while True:
                before = self.server.activity
                stage = "waiting for getUpdates to deliver and confirm every injected update"
                if not await self.server.wait_until(self.server.all_updates_confirmed, remaining()):
                    raise TimeoutError
                self._check_server()
                stage = "waiting for the update queue to be processed (update_queue.join)"
                await asyncio.wait_for(self.app.update_queue.join(), remaining())
                if first:
                    # Counted from when the updates were handled, not from the call: on a
                    # loaded machine handling them can take longer than the horizon, and
                    # a job they scheduled (an album's settle, a paced send) would be missed.
                    horizon = datetime.now(UTC) + timedelta(seconds=self.job_horizon)
                    first = False
                busy = self._busy(horizon)
                if busy:
                    stage = "waiting for " + "; ".join(busy)
                    await asyncio.sleep(min(0.01, remaining()))
                    continue
                if self.server.activity == before and self.server.all_updates_confirmed():
                    break
        except TimeoutError:
            raise SettleTimeout(self._timeout_report(stage)) from None
        self._check_server()
        self._raise_new_errors()

    def _busy(self, horizon: datetime) -> list[str]:
        """What still runs or is about to run (background tasks, jobs, queued updates)."""
        reasons = []
        if not self.app.update_queue.empty():
            reasons.append("queued updates")
        tasks = getattr(self.app, "_Application__create_task_tasks", set())
        pending_tasks = [t for t in tasks if not t.done()]
        if pending_tasks:
            reasons.append(f"tasks {[t.get_name() for t in pending_tasks]}")
        job_queue = self.app.job_queue
        if job_queue is not None:
            due = [j.name for j in job_queue.jobs() if j.next_t is not None and j.next_t <= horizon]
            if due:
                reasons.append(f"jobs due before the horizon {due}")
            running = 0
            executors = getattr(job_queue.scheduler, "_executors", {})
            for executor in executors.values():
                futures = getattr(executor, "_pending_futures", set())
                running += sum(1 for f in futures if not f.done())
            if running:
                reasons.append(f"{running} job(s) running")
        return reasons

    def _check_server(self) -> None:
        if self.server.internal_errors:
            raise AssertionError(f"the fake Bot API crashed: {self.server.internal_errors}")

    def _raise_new_errors(self) -> None:
        new = self.handler_errors[self._reported_errors :]
        self._reported_errors = len(self.handler_errors)
        if new and self.raise_handler_errors:
            details = "\n".join(e.describe() for e in new)
            raise HandlerError(f"the bot raised {len(new)} error(s):\n{details}")

    def take_handler_errors(self) -> list[BaseException]:
        """Errors recorded so far (marks them reported); for tests that expect a crash
        with ``raise_handler_errors=False``."""
        self._reported_errors = len(self.handler_errors)
        return [e.error for e in self.handler_errors]

    def _timeout_report(self, stage: str) -> str:
        server = self.server
        pending = [
            f"{u['update_id']}:{next(k for k in u if k != 'update_id')}"
            f"({server.update_status(u['update_id'])})"
            for u in server.pending_updates
        ]
        lines = [
            f"settle() timed out while {stage}.",
            f"  unconfirmed updates: {pending or 'none'}",
            f"  update_queue size: {self.app.update_queue.qsize()}",
            f"  busy: {self._busy(datetime.now(UTC) + timedelta(seconds=self.job_horizon))}",
            f"  polling errors: {[repr(e) for e in self.polling_errors[-3:]]}",
            f"  updater running: {self.app.updater.running if self.app.updater else None}",
            "  last API calls:",
            *(f"    {c!r}" for c in server.api_calls()[-8:]),
        ]
        if self.handler_errors:
            lines.append("  handler errors:\n" + self.handler_errors[-1].describe())
        return "\n".join(lines)

    # ------------------------------------------------------------ world building

    def person(
        self,
        user_id: int,
        name: str,
        *,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = False,
    ) -> Person:
        """A Telegram user.  ``name`` is "First Last".  Until the person writes to the bot
        (or ``started=True``), the bot cannot message them (403, like Telegram)."""
        first, _, last = name.partition(" ")
        user = self.server.add_user(
            user_id,
            first,
            last or None,
            username,
            language_code,
            started=started,
        )
        return Person(self, user)

    def group(self, chat_id: int, title: str, *, type: str = "supergroup") -> Group:
        """A group the bot is not yet in (see :meth:`add_bot_to`)."""
        if chat_id not in self.server.chats:
            self.server.add_group(chat_id, title, type=type)
        return Group(self, chat_id, title)

    async def add_bot_to(self, group: Group, *, by: Person, as_admin: bool = False) -> None:
        """``by`` adds the bot to ``group`` (my_chat_member + new_chat_members updates).

        ``by`` becomes the group's creator unless a status was set for them already.
        """
        if by.id not in group.record.member_status:
            group.set_status(by, "creator")
        self.server.add_bot_to_group(
            group.id, by.id, status="administrator" if as_admin else "member"
        )
        await self.settle()

    async def remove_bot_from(self, group: Group, *, by: Person) -> None:
        self.server.remove_bot_from_group(group.id, by.id)
        await self.settle()

    def calls(self, method: str) -> list[ApiCall]:
        """Recorded Bot API calls of ``method`` (e.g. ``"sendMessage"``)."""
        return self.server.calls_to(method)


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    """A fresh fake Bot API server per test; fails the test if the fake itself crashed."""
    server = FakeBotAPI()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if server.internal_errors:
        raise AssertionError(f"the fake Bot API crashed: {server.internal_errors}")
