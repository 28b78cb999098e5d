"""The fake Bot API and the harness, exercised with a tiny PTB application of our own.

These tests prove that the e2e machinery itself is trustworthy before warta's scenarios
rely on it: the real PTB HTTP client works against the fake server, long polling delivers
and confirms updates, settle() waits for JobQueue timers, and Telegram's error replies
reach the bot as the right PTB exceptions.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, ChatMigrated, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.e2e.harness import (
    CallbackAnswer,
    FakeBotAPI,
    HandlerError,
    Harness,
    sample_jpeg,
    sample_mp4,
)

pytestmark = pytest.mark.timeout(20)

ALBUM_PHOTO = sample_jpeg(320, 240, (10, 120, 200))
ALBUM_VIDEO = sample_mp4(b"album-video")


# --------------------------------------------------------------------------------------
# A tiny bot
# --------------------------------------------------------------------------------------


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Setujui", callback_data="approve:1"),
                InlineKeyboardButton("Tolak", callback_data="reject:1"),
            ],
            [InlineKeyboardButton("Situs", url="https://example.org")],
        ]
    )
    payload = " ".join(context.args or [])
    await update.effective_message.reply_text(
        f"Halo {update.effective_user.first_name}! payload={payload}", reply_markup=keyboard
    )


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query and query.data
    action = query.data.split(":")[0]
    await query.answer(text=f"OK {query.data}", show_alert=action == "reject")
    await query.edit_message_text(f"Keputusan: {action}")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message and message.text
    reply = message.reply_to_message
    if reply and reply.from_user and reply.from_user.id == context.bot.id:
        await message.reply_text(f"Nama dicatat: {message.text}")
    else:
        await message.reply_text(f"echo: {message.text}")


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    await update.effective_message.reply_text("Siapa namamu?", reply_markup=ForceReply())


async def _media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Albums are collected for 0.2 s (JobQueue); single files are downloaded."""
    message = update.effective_message
    assert message
    if message.media_group_id:
        albums = context.bot_data.setdefault("albums", {})
        parts = albums.setdefault(message.media_group_id, [])
        parts.append(message)
        if len(parts) == 1:
            assert context.job_queue
            context.job_queue.run_once(
                _flush_album, 0.2, data=message.media_group_id, chat_id=message.chat_id
            )
        return
    media: Any = message.document or (message.photo[-1] if message.photo else None)
    assert media is not None
    try:
        file = await media.get_file()
    except BadRequest as error:
        await message.reply_text(f"gagal: {error.message}")
        return
    data = bytes(await file.download_as_bytearray())
    context.bot_data.setdefault("downloads", []).append(data)
    await message.reply_text(f"terima {len(data)} byte")


async def _flush_album(context: CallbackContext[Any, Any, Any, Any]) -> None:
    assert context.job and context.job.chat_id
    parts = context.bot_data["albums"].pop(context.job.data)
    caption = next((p.caption for p in parts if p.caption), "")
    await context.bot.send_message(
        context.job.chat_id, f"album {len(parts)} item: {caption.splitlines()[0]}"
    )


async def _album(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message
    await message.reply_media_group(
        [
            InputMediaPhoto(ALBUM_PHOTO, caption="Foto <b>satu</b>", parse_mode=ParseMode.HTML),
            InputMediaVideo(ALBUM_VIDEO, filename="klip.mp4"),
        ]
    )
    try:
        await message.reply_photo(ALBUM_PHOTO, caption="x" * 1025)
    except BadRequest as error:
        await message.reply_text(f"caption ditolak: {error.message}")


async def _boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("boom from handler")


async def _added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    assert change
    if change.new_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        await context.bot.send_message(
            change.chat.id, f"Terima kasih, {change.from_user.first_name}"
        )


def tiny_app(server: FakeBotAPI) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.api_url)
        .base_file_url(server.file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("tanya", _ask))
    app.add_handler(CommandHandler("album", _album))
    app.add_handler(CommandHandler("boom", _boom))
    app.add_handler(CallbackQueryHandler(_button))
    app.add_handler(ChatMemberHandler(_added, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(MessageHandler(filters.PHOTO | filters.VIDEO | filters.Document.ALL, _media))
    return app


def harness(server: FakeBotAPI, **options: Any) -> Harness:
    return Harness(server, lambda: tiny_app(server), **options)


def _response_index(server: FakeBotAPI, update_id: int) -> int:
    """Index of the getUpdates response that delivered ``update_id``."""
    responses = [c for c in server.calls_to("getUpdates") if c.ok and c.result]
    for index, call in enumerate(responses):
        if any(u["update_id"] == update_id for u in call.result):
            return index
    raise AssertionError(f"update {update_id} was never delivered")


# --------------------------------------------------------------------------------------
# Long polling
# --------------------------------------------------------------------------------------


async def test_long_poll_wakes_on_new_update_and_confirms(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati", username="rina")
        # The bot now sits in a held getUpdates(timeout=1) …
        assert await fake_bot_api.wait_until(lambda: fake_bot_api.is_polling, 2)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await rina.sends("halo")
        # … which the new update wakes at once instead of waiting out the timeout.
        assert loop.time() - started < 0.8
        assert rina.last_text() == "echo: halo"
        update_id = fake_bot_api.injected_updates[-1]["update_id"]
        assert fake_bot_api.update_status(update_id) == "confirmed"
        polls = fake_bot_api.calls_to("getUpdates")
        assert all(c.params.get("timeout") in (0, 1) for c in polls)
        assert any(c.params.get("offset") == update_id + 1 for c in polls)
        sent = fake_bot_api.last_call("sendMessage")
        assert sent.params["chat_id"] == 1001


async def test_get_updates_semantics_over_raw_http(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.add_user(7, "Adi")
    url = f"{fake_bot_api.api_url}{fake_bot_api.token}"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
            async with http.post(f"{url}/{method}", data=params) as response:
                return response.status, await response.json()

        loop = asyncio.get_running_loop()
        started = loop.time()
        status, body = await call("getUpdates", timeout="0.3")
        assert (status, body) == (200, {"ok": True, "result": []})
        assert loop.time() - started >= 0.25  # the request was held

        ids = [fake_bot_api.send_text(7, f"pesan {i}").message_id for i in range(3)]
        assert ids == [1, 2, 3]
        _, body = await call("getUpdates", limit="2")
        first = [u["update_id"] for u in body["result"]]
        assert len(first) == 2
        _, body = await call("getUpdates", offset=str(first[-1] + 1))
        assert [u["message"]["text"] for u in body["result"]] == ["pesan 2"]
        assert fake_bot_api.update_status(first[0]) == "confirmed"
        assert not fake_bot_api.all_updates_confirmed()  # the last one is only delivered

        status, body = await call("noSuchMethod")
        assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
        assert fake_bot_api.unknown_methods == ["noSuchMethod"]
        async with http.post(f"{fake_bot_api.api_url}1:WRONG/getMe") as response:
            assert response.status == 401


async def test_album_split_across_two_polls_is_still_one_album(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati")
        parts = await rina.sends_album(
            [("photo", ALBUM_PHOTO), ("video", ALBUM_VIDEO)], caption="Judul\nIsi", split_after=1
        )
        # settle() waited for the 0.2 s album job: the summary is already there.
        assert rina.last_text() == "album 2 item: Judul"
        assert parts[0].media_group_id == parts[1].media_group_id
        ids = [u["update_id"] for u in fake_bot_api.injected_updates[-2:]]
        assert _response_index(fake_bot_api, ids[0]) < _response_index(fake_bot_api, ids[1])

        await rina.sends_album(["photo", "photo", "photo"], caption="Tanpa jeda")
        ids = [u["update_id"] for u in fake_bot_api.injected_updates[-3:]]
        assert len({_response_index(fake_bot_api, i) for i in ids}) == 1
        assert rina.last_text() == "album 3 item: Tanpa jeda"


# --------------------------------------------------------------------------------------
# Buttons, replies, files
# --------------------------------------------------------------------------------------


async def test_taps_returns_callback_answer_and_sees_edit(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati", username="rina")
        await rina.opens_link("undangan-42")
        greeting = rina.last_message()
        assert greeting.text == "Halo Rina! payload=undangan-42"
        assert greeting.buttons == [
            [("✅ Setujui", "approve:1"), ("Tolak", "reject:1")],
            [("Situs", None)],
        ]

        answer = await rina.taps("Setujui")
        assert answer == CallbackAnswer(answered=True, text="OK approve:1", show_alert=False)
        assert greeting.text == "Keputusan: approve"  # same message, edited in place
        assert greeting.buttons == [] and greeting.edited
        with pytest.raises(AssertionError, match="no button containing 'Tolak'"):
            await rina.taps("Tolak")

        await rina.sends("/tanya")
        assert rina.last_message().force_reply
        await rina.replies("Budi")
        assert rina.last_text() == "Nama dicatat: Budi"


async def test_file_download_returns_exact_bytes(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati")
        document = bytes(range(256)) * 1200
        await rina.sends_document("laporan.pdf", document, "application/pdf")
        assert rina.last_text() == f"terima {len(document)} byte"
        assert h.app.bot_data["downloads"][-1] == document

        photo = sample_jpeg(640, 480)
        message = await rina.sends_photo(photo, caption="foto")
        assert [s["width"] for s in message.data["photo"]] == [90, 320, 640]
        assert h.app.bot_data["downloads"][-1] == photo

        await rina.sends_document("besar.mp4", b"tiny", "video/mp4", declared_size=25 * 2**20)
        assert rina.last_text() == "gagal: File is too big"
        assert fake_bot_api.last_call("getFile").error_code == 400


async def test_media_group_and_caption_limit(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati")
        await rina.sends("/album")
        photo, video, refusal = rina.inbox()[-3:]
        assert (photo.media_type, video.media_type) == ("photo", "video")
        assert photo.media_group_id and photo.media_group_id == video.media_group_id
        assert photo.text == "Foto satu" and photo.raw_text == "Foto <b>satu</b>"
        assert photo.entities == [{"type": "bold", "offset": 5, "length": 4}]
        uploads = fake_bot_api.last_call("sendMediaGroup").files
        assert sorted(f.data for f in uploads.values()) == sorted([ALBUM_PHOTO, ALBUM_VIDEO])
        assert refusal.text == "caption ditolak: Message caption is too long"

        with pytest.raises(BadRequest, match="can't be mixed"):
            await h.bot.send_media_group(
                rina.id, [InputMediaPhoto(ALBUM_PHOTO), InputMediaDocument(b"doc")]
            )
        with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
            await h.bot.send_media_group(rina.id, [InputMediaPhoto(photo.file_id)] * 11)


# --------------------------------------------------------------------------------------
# Errors as PTB sees them
# --------------------------------------------------------------------------------------


# PTB warns about RetryAfter.retry_after becoming a timedelta; irrelevant here.
@pytest.mark.filterwarnings("ignore:.*retry_after.*")
async def test_error_replies_map_to_ptb_exceptions(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati", started=True)
        budi = h.person(1002, "Budi", started=True)
        bot = h.bot

        fake_bot_api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=1001)
        await bot.send_message(budi.id, "tidak terpengaruh")  # other chat: no fault
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(rina.id, "x")
        await bot.send_message(rina.id, "fault used up")

        fake_bot_api.fail_next(
            "sendMessage", 429, "Too Many Requests: retry after 7", {"retry_after": 7}, times=2
        )
        for _ in range(2):
            with pytest.raises(RetryAfter, match="Retry in 7"):
                await bot.send_message(rina.id, "x")

        fake_bot_api.block_user(rina.id)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(rina.id, "x")
        fake_bot_api.unblock_user(rina.id)

        stranger = h.person(1003, "Sari")
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await bot.send_message(stranger.id, "x")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "x")

        group = h.group(-4001, "Tim IT", type="group")
        await h.add_bot_to(group, by=rina)
        assert group.last_text() == "Terima kasih, Rina"
        fake_bot_api.migrate_group(group.id, -1009990001)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(group.id, "x")
        assert migrated.value.new_chat_id == -1009990001

        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("fooBar")
        assert fake_bot_api.unknown_methods == ["fooBar"]


async def test_button_data_and_text_validation(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati", started=True)
        bot = h.bot

        def keyboard(data: str) -> InlineKeyboardMarkup:
            return InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data=data)]])

        for data in ("x" * 65, "é" * 33):  # 65 and 66 bytes
            with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
                await bot.send_message(rina.id, "pilih", reply_markup=keyboard(data))
        assert rina.inbox() == []  # nothing was posted
        await bot.send_message(rina.id, "pilih", reply_markup=keyboard("é" * 32))  # 64 bytes

        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(rina.id, "<b>tebal", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(rina.id, "a <b> c", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(rina.id, "Selesai.", parse_mode=ParseMode.MARKDOWN_V2)
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(rina.id, "x" * 4097)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(rina.id, "   ")

        sent = await bot.send_message(rina.id, "<i>a</i> &lt; b", parse_mode=ParseMode.HTML)
        assert sent.text == "a < b"
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<i>a</i> &lt; b", rina.id, sent.message_id, parse_mode="HTML"
            )
        await bot.edit_message_text("a < b", rina.id, sent.message_id)  # entities differ: ok
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("baru", rina.id, 9999)
        assert await bot.delete_message(rina.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(rina.id, sent.message_id)


async def test_handler_exception_fails_settle(fake_bot_api: FakeBotAPI) -> None:
    async with harness(fake_bot_api) as h:
        rina = h.person(1001, "Rina Wati")
        with pytest.raises(HandlerError, match="boom from handler"):
            await rina.sends("/boom")
        await rina.sends("masih hidup")  # the error was reported once, the bot goes on
        assert rina.last_text() == "echo: masih hidup"
