"""Bad input and Telegram failures: what people see, and that nothing is lost or half-done.

Officers send things the bot cannot keep (stickers, 25 MB videos, 4096-character texts),
people block the bot, groups become supergroups, Telegram says 429, 500 or "message is
not modified", and downloads fail. Each scenario checks the chats *and* the database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import DEFAULT_TOKEN, CallbackAnswer, FakeBotAPI, sample_jpeg
from tests.e2e.office import (
    Snapshot,
    card,
    code_in,
    running_office,
    snapshot,
    to_editor,
    to_official,
)

MB = 1024 * 1024
UNSUPPORTED_REPLY = "bot hanya menerima foto, video, dokumen dan teks"
POLITE_ALERT = "Maaf, terjadi gangguan"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _flat(text: str) -> str:
    return " ".join(text.split())


def _sent_to(server: FakeBotAPI, method: str, chat_id: int) -> list[Any]:
    return [c for c in server.calls_to(method) if str(c.chat_id) == str(chat_id)]


def _not_modified(server: FakeBotAPI, chat_id: int) -> bool:
    """The bot's last edit in this chat was refused as "message is not modified"."""
    edits = [c for c in server.api_calls() if c.method.startswith("editMessage")]
    last = [c for c in edits if str(c.chat_id) == str(chat_id)][-1]
    return not last.ok and "not modified" in (last.description or "")


def _all_bot_messages(server: FakeBotAPI) -> list[Any]:
    return [m for chat_id in server.chats for m in server.bot_messages(chat_id)]


def _assert_within_telegram_limits(server: FakeBotAPI) -> None:
    """No call failed over a length, every message and button fits Telegram's limits."""
    for call in server.api_calls():
        description = (call.description or "").lower()
        assert "too long" not in description and "message_too_long" not in description, call
        if call.method.lower() in ("sendmessage", "editmessagetext", "sendphoto", "sendmediagroup"):
            assert call.ok, call
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None:
                        assert 1 <= len(data.encode()) <= 64, button
        if call.method.lower() == "answercallbackquery" and call.params.get("text"):
            assert _utf16(str(call.params["text"])) <= 200, call
    for message in _all_bot_messages(server):
        if message.caption is not None:
            assert _utf16(message.caption) <= 1024, message
        elif message.data.get("text") is not None:
            assert _utf16(message.data["text"]) <= 4096, message


def _old_button(message: Any, label: str) -> str:
    """callback_data of a button the message showed before it was edited."""
    for version in reversed([*message.history, message.data]):
        for row in (version.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"] and "callback_data" in button:
                    return str(button["callback_data"])
    raise AssertionError(f"{message!r} never showed a {label!r} button")


def _assert_consistent(rows: Snapshot, code: str) -> None:
    """State and history agree: the last move ended where the item is, no half-move."""
    item = rows.item(code)
    moves = [e for e in rows.events_of(code) if e.from_state != e.to_state]
    assert moves, "an item always has its 'created' event"
    assert moves[-1].to_state == item.state, (item.state, [(e.action, e.to_state) for e in moves])
    assert item.state in ("collecting", "submitted")
    submits = [e for e in moves if e.action == "submit"]
    assert len(submits) == (1 if item.state == "submitted" else 0)


# --------------------------------------------------------------------------------------
# 1. Things the bot cannot keep
# --------------------------------------------------------------------------------------


async def test_stickers_voice_locations_contacts_get_a_helpful_reply(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Sosialisasi OSS\nPelayanan perizinan berusaha berbasis risiko.")
        code = code_in(o.officer.last_text())
        before = await snapshot(database_url)
        replies_before = len(o.officer.inbox())

        for send in (
            o.officer.sends_sticker,
            o.officer.sends_voice,
            o.officer.sends_location,
            o.officer.sends_contact,
        ):
            await send()
            answer = o.officer.last_text()
            assert UNSUPPORTED_REPLY in answer, answer
            assert "Stiker, pesan suara, lokasi dan kontak tidak disimpan" in answer

        # One reply each, nothing else (no new card, no new draft).
        assert len(o.officer.inbox()) == replies_before + 4
        assert "Sosialisasi OSS" in card(o.officer.chat, code).text
        assert "belum ada berkas" in card(o.officer.chat, code).text
        assert not fake_bot_api.calls_to("getFile")

        after = await snapshot(database_url)
        assert [i.code for i in after.items] == [code]
        item = after.item(code)
        assert item.title == "Sosialisasi OSS"
        assert item.body == "Pelayanan perizinan berusaha berbasis risiko."
        assert item.version == before.item(code).version
        assert after.media == []
        assert len(after.events) == len(before.events)


# --------------------------------------------------------------------------------------
# 2. A file over the download limit
# --------------------------------------------------------------------------------------


async def test_file_over_the_limit_is_refused_but_its_caption_is_kept(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_video(
            caption="Pelantikan pejabat baru\nAcara pelantikan di aula kantor.",
            declared_size=25 * MB,
        )
        refusal = o.officer.chat.find("20 MB")
        assert "tidak dapat diunduh" in refusal.text
        # The bot did not even try to fetch it (getFile would refuse it anyway).
        assert not fake_bot_api.calls_to("getFile")
        assert not fake_bot_api.downloads

        code = code_in(o.officer.last_text())
        draft = card(o.officer.chat, code)
        assert "Pelantikan pejabat baru" in draft.text
        assert "belum ada berkas" in draft.text

        rows = await snapshot(database_url)
        assert rows.media == []
        item = rows.item(code)
        assert item.state == "collecting"
        assert item.title == "Pelantikan pejabat baru"
        assert item.body == "Acara pelantikan di aula kantor."

        # A document over the limit is refused the same way; the draft stays as it was.
        await o.officer.sends_document(
            "laporan.pdf", b"%PDF-1.4 besar", "application/pdf", declared_size=21 * MB
        )
        assert "20 MB" in o.officer.last_text()
        assert (await snapshot(database_url)).media == []


# --------------------------------------------------------------------------------------
# 3. Over-long input
# --------------------------------------------------------------------------------------


def _long_text(title: str, length: int) -> str:
    """``title`` on the first line, then paragraphs (with HTML-special characters) up to
    exactly ``length`` characters."""
    paragraph = (
        "Tim pengawasan DPMPTSP & Naker memeriksa <PT Contoh Jaya> di Jl. Merdeka No. 1; "
        'pelaku usaha diminta melengkapi izin "PB UMKU" dalam 14 hari kerja.'
    )
    text = title
    n = 0
    while len(text) < length:
        n += 1
        text += ("\n" if n == 1 else "\n\n") + f"{n}. {paragraph}"
    text = text[:length].rstrip()
    text += "x" * (length - len(text))
    assert len(text) == length
    return text


async def test_over_long_text_fits_every_telegram_limit(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # A 4096-character message: the longest text Telegram lets an officer send.
        title = "Laporan pengawasan penanaman modal triwulan IV"
        text = _long_text(title, 4096)
        await o.officer.sends(text)
        code = code_in(o.officer.last_text())
        rows = await snapshot(database_url)
        item = rows.item(code)
        assert item.title == title
        assert item.body == text.split("\n", 1)[1].strip()

        # "Baca semua" shows the whole text, in as many messages as it takes.
        officer_card = card(o.officer.chat, code)
        assert "Baca semua" in str(officer_card.button_texts)
        shown_before = len(o.officer.inbox())
        answer = await o.officer.taps("Baca semua", message=officer_card)
        assert answer.answered and not answer.show_alert
        parts = [m.text or "" for m in o.officer.inbox()[shown_before:]]
        assert parts, "Baca semua sent nothing"
        assert _flat("\n".join(parts)) == _flat(text)

        # A second item: a photo and a 3000-character body, previewed by the editor.
        await o.officer.sends("/baru")
        second_title = "Sosialisasi perizinan berusaha"
        second = _long_text(second_title, len(second_title) + 1 + 3000)
        await o.officer.sends(second)
        code2 = code_in(o.officer.last_text())
        assert code2 != code
        photo = sample_jpeg(color=(10, 120, 200))
        await o.officer.sends_photo(photo)
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code2))
        await o.it.taps("Terima", in_chat=o.it_group, message=card(o.it_group, code2))
        web_card = card(o.web_group, code2)
        shown_before = len(o.web_group.messages())
        answer = await o.editor.taps("Pratinjau", in_chat=o.web_group, message=web_card)
        assert answer.answered and not answer.show_alert
        preview = o.web_group.messages()[shown_before:]
        assert preview[0].media_type == "photo"
        assert second_title in (preview[0].caption or "")
        follow_ups = [m.text or "" for m in preview[1:]]
        assert follow_ups, "the body should follow the photo"
        body2 = second.split("\n", 1)[1]
        assert _flat(body2) in _flat("\n".join([preview[0].caption or "", *follow_ups]))

        # One 4096-character paragraph without a line break: the title is its start,
        # and nothing typed is dropped.
        await o.officer.sends("/baru")
        words = ("Pelayanan perizinan & non-perizinan <OSS> terpadu satu pintu " * 80)[:4096]
        await o.officer.sends(words)
        code3 = code_in(o.officer.last_text())
        item3 = (await snapshot(database_url)).item(code3)
        assert item3.title and len(item3.title) <= 300 and item3.title.endswith("…")
        assert _flat(item3.body or "") == _flat(words)
        shown_before = len(o.officer.inbox())
        await o.officer.taps("Baca semua", message=card(o.officer.chat, code3))
        shown = _flat("\n".join(m.text or "" for m in o.officer.inbox()[shown_before:]))
        assert _flat(words) in shown

        _assert_within_telegram_limits(fake_bot_api)


# --------------------------------------------------------------------------------------
# 4. The officer blocks the bot
# --------------------------------------------------------------------------------------


async def test_officer_who_blocked_the_bot_does_not_stop_the_chain(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(caption="Kunjungan lapangan\nPemeriksaan lokasi usaha.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        await o.officer.blocks_bot()
        officer_messages = len(o.officer.inbox())

        answer = await o.it.taps("Terima", in_chat=o.it_group)
        assert answer.answered and not answer.show_alert
        assert "Diterima Tim IT oleh Budi Santoso" in card(o.it_group, code).text
        assert card(o.web_group, code)
        answer = await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group)
        assert answer.answered and not answer.show_alert
        answer = await o.official.taps("Setujui", in_chat=o.officials_group)
        assert answer.answered and not answer.show_alert
        assert "Disetujui" in card(o.officials_group, code).text
        assert o.it_group.has("disetujui oleh Agus Salim")
        assert o.publishers_group.has(code)
        assert len(o.officer.inbox()) == officer_messages  # nothing reached the blocked chat

        rows = await snapshot(database_url)
        assert rows.item(code).state == "approved"
        assert rows.people[o.officer.id].unreachable

        # Back again: writing to the bot makes the officer reachable.
        await o.officer.unblocks_bot()
        await o.officer.sends("/draf")
        assert len(o.officer.inbox()) > officer_messages
        assert not (await snapshot(database_url)).people[o.officer.id].unreachable


async def test_unblocking_does_not_greet_a_private_chat_as_a_group(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.blocks_bot()
        await o.officer.unblocks_bot()
        assert not o.officer.chat.has("/ikat"), o.officer.last_text()


# --------------------------------------------------------------------------------------
# 5. The IT group becomes a supergroup
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("announced", [False, True], ids=["silent", "service-message"])
async def test_it_group_migrates_to_a_supergroup(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str, announced: bool
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        old_id, new_id = o.it_group.id, -1009990101
        fake_bot_api.migrate_group(old_id, new_id, inject_updates=announced, by_user_id=o.admin.id)
        await o.h.settle()
        new_group = o.h.group(new_id, "Tim IT")
        old_visible = len(o.it_group.messages())

        await o.officer.sends_album(
            [("photo", None), ("photo", None)], caption="Rapat koordinasi\nIsi rapat."
        )
        await o.officer.sends_document(
            "notulen.pdf", b"%PDF-1.4 notulen\n%%EOF\n", "application/pdf"
        )
        code = code_in(o.officer.last_text())
        answer = await o.officer.taps("Serahkan ke Tim IT")
        assert answer.answered and not answer.show_alert

        # Files and card arrive in the supergroup; nothing more in the old group.
        assert len([m for m in new_group.messages() if m.media_group_id]) == 2
        assert any(m.media_type == "document" for m in new_group.messages())
        it_card = card(new_group, code)
        assert "Terima" in str(it_card.button_texts)
        assert len(o.it_group.messages()) == old_visible

        rows = await snapshot(database_url)
        assert rows.team_chats["it"] == new_id
        assert {c.chat_id for c in rows.cards_of(code)} == {o.officer.id, new_id}

        # The IT team works on in the supergroup.
        answer = await o.it.taps("Terima", in_chat=new_group)
        assert answer.answered and not answer.show_alert
        assert "Diterima Tim IT oleh Budi Santoso" in card(new_group, code).text
        assert card(o.web_group, code)
        if announced:
            # Told in advance: the bot never wrote to the old id after the migration.
            assert all(c.ok for c in fake_bot_api.api_calls() if str(c.chat_id) == str(old_id))


# --------------------------------------------------------------------------------------
# 6. 429 Too Many Requests
# --------------------------------------------------------------------------------------


async def test_flood_limit_is_waited_out_and_the_message_arrives(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        fake_bot_api.fail_next(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            {"retry_after": 1},
            chat_id=o.officer.id,
        )
        await o.officer.sends("/bantuan")
        assert "Petugas" in o.officer.last_text()
        first, second = _sent_to(fake_bot_api, "sendMessage", o.officer.id)[-2:]
        assert first.error_code == 429 and second.ok
        assert second.at - first.at >= 0.9

        # The same during a hand-over: the IT card still arrives.
        await o.officer.sends("Berita banjir\nPeninjauan lokasi banjir.")
        code = code_in(o.officer.last_text())
        fake_bot_api.fail_next(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            {"retry_after": 1},
            chat_id=o.it_group.id,
        )
        answer = await o.officer.taps("Serahkan ke Tim IT")
        assert answer.answered and not answer.show_alert
        assert "Terima" in str(card(o.it_group, code).button_texts)
        assert [c.error_code for c in _sent_to(fake_bot_api, "sendMessage", o.it_group.id)][
            -2:
        ] == [429, None]


# --------------------------------------------------------------------------------------
# 7. "message is not modified"
# --------------------------------------------------------------------------------------


async def _to_editor(o: Any, title: str) -> str:
    await o.officer.sends_album([("photo", None), ("photo", None)], caption=f"{title}\nIsi.")
    code = code_in(o.officer.last_text())
    await to_editor(o, code)
    return code


async def test_redrawing_an_unchanged_card_is_quiet(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        code = await _to_editor(o, "Pameran UMKM")
        web_card = card(o.web_group, code)
        await o.editor.taps("Media", in_chat=o.web_group, message=web_card)
        menu = o.web_group.find(code)
        back = next(data for text, data in menu.buttons[-1] if "Kembali" in text)
        answer = await o.editor.taps("Kembali", in_chat=o.web_group, message=menu)
        assert answer.answered and not answer.show_alert
        assert "Pratinjau" in str(card(o.web_group, code).button_texts)

        # A second tap on the old "Kembali" redraws the same card: nothing to change.
        query = fake_bot_api.press_button(o.editor.id, o.web_group.id, menu.message_id, back)
        await o.h.settle()
        answer = CallbackAnswer.from_record(fake_bot_api.callback_queries[query])
        assert answer.answered and not answer.show_alert
        assert "Pratinjau" in str(card(o.web_group, code).button_texts)
        assert _not_modified(fake_bot_api, o.web_group.id), "the redraw was not a no-op edit"

        # A stale "Terima" on the IT card: told who accepted, the card stays as it is.
        it_card = card(o.it_group, code)
        accept = _old_button(it_card, "Terima")
        rows = await snapshot(database_url)
        version_before = rows.item(code).version
        query = fake_bot_api.press_button(o.it.id, o.it_group.id, it_card.message_id, accept)
        await o.h.settle()
        answer = CallbackAnswer.from_record(fake_bot_api.callback_queries[query])
        assert answer.show_alert and "Budi Santoso" in (answer.text or "")
        assert _not_modified(fake_bot_api, o.it_group.id), "the redraw was not a no-op edit"
        rows = await snapshot(database_url)
        assert rows.item(code).version == version_before
        assert [e.action for e in rows.events_of(code)].count("accept") == 1


@pytest.mark.parametrize("menu", ["Media", "Kategori"])
async def test_double_tap_on_a_menu_button_is_quiet(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str, menu: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        code = await _to_editor(o, "Pameran UMKM")
        web_card = card(o.web_group, code)
        data = next(d for text, d in (b for row in web_card.buttons for b in row) if menu in text)
        before = len(o.h.take_handler_errors())
        first = fake_bot_api.press_button(o.editor.id, o.web_group.id, web_card.message_id, data)
        second = fake_bot_api.press_button(o.editor.id, o.web_group.id, web_card.message_id, data)
        await o.h.settle()
        errors = o.h.take_handler_errors()[before:]
        answers = [
            CallbackAnswer.from_record(fake_bot_api.callback_queries[q]) for q in (first, second)
        ]
        assert all(a.answered for a in answers)
        assert not any(a.show_alert for a in answers), answers
        assert "Kembali" in str(card(o.web_group, code).button_texts)
        assert errors == []
        assert not o.log_group.has("Gangguan warta")


# --------------------------------------------------------------------------------------
# 8. An unexpected failure during a hand-over
# --------------------------------------------------------------------------------------

FAILURES = [
    pytest.param(400, "Bad Request: MEDIA_EMPTY", id="400"),
    pytest.param(500, "Internal Server Error", id="500"),
]
#: An error text that quotes a URL with the token in it (as HTTP libraries do).
LEAKY_FAILURE = pytest.param(
    400,
    "Bad Request: failed to get HTTP URL content: "
    f"https://api.telegram.org/file/bot{DEFAULT_TOKEN}/photos/file_9.jpg",
    id="400-token-in-error",
)


async def _hand_over_with_failing_album(
    o: Any, fake_bot_api: FakeBotAPI, error_code: int, description: str
) -> tuple[str, CallbackAnswer]:
    await o.officer.sends_album(
        [("photo", None), ("photo", None)], caption="Bimtek OSS\nBimbingan teknis OSS RBA."
    )
    code = code_in(o.officer.last_text())
    fake_bot_api.fail_next("sendMediaGroup", error_code, description)
    answer = await o.officer.taps("Serahkan ke Tim IT")
    return code, answer


@pytest.mark.parametrize(("error_code", "description"), [*FAILURES, LEAKY_FAILURE])
async def test_unexpected_failure_is_reported_politely_and_leaves_no_half_move(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    error_code: int,
    description: str,
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        code, answer = await _hand_over_with_failing_album(o, fake_bot_api, error_code, description)
        errors = o.h.take_handler_errors()
        assert errors, "the injected failure should reach the error handler"
        rows = await snapshot(database_url)
        _assert_consistent(rows, code)

        # The tapper gets an answer in plain words: either the polite alert, or (the move
        # was committed before the failure) the normal confirmation — never a spinner or
        # technical detail.
        assert answer.answered, "the tap was never answered"
        if answer.show_alert:
            assert POLITE_ALERT in (answer.text or ""), answer
        else:
            assert rows.item(code).state == "submitted"
            assert answer.text == "Terkirim ke Tim IT. Terima kasih."
        assert description not in (answer.text or "")
        assert str(error_code) not in (answer.text or "")

        # The log group: the technical report, without the bot token.
        report = o.log_group.find("Gangguan warta")
        detail = description.split(": ")[1 if error_code == 400 else 0]
        assert detail.lower() in report.text.lower(), report.text
        for message in _all_bot_messages(fake_bot_api):
            assert DEFAULT_TOKEN not in (message.text or "")
            assert DEFAULT_TOKEN.split(":", 1)[1] not in (message.text or "")


@pytest.mark.parametrize(("error_code", "description"), FAILURES)
async def test_interrupted_hand_over_is_completed_by_the_sweep(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    error_code: int,
    description: str,
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        code, _ = await _hand_over_with_failing_album(o, fake_bot_api, error_code, description)
        earlier = len(o.h.take_handler_errors())
        if (await snapshot(database_url)).item(code).state == "collecting":
            # Not moved: the officer can simply hand over again.
            assert "Serahkan" in str(card(o.officer.chat, code).button_texts)
            return
        # Moved: the IT team must get the item even though the first attempt failed.
        o.clock.advance(minutes=6)
        sweep = o.h.app.job_queue.get_jobs_by_name("delivery-sweep")
        assert len(sweep) == 1, "no sweep finishes interrupted hand-overs"
        await sweep[0].run(o.h.app)
        await o.h.settle()
        assert o.h.take_handler_errors()[earlier:] == []
        assert len([m for m in o.it_group.messages() if m.media_group_id]) == 2
        assert "Terima" in str(card(o.it_group, code).button_texts)
        # Once delivered, a later sweep sends nothing again.
        sent = len(o.it_group.messages())
        o.clock.advance(minutes=6)
        await sweep[0].run(o.h.app)
        await o.h.settle()
        assert len(o.it_group.messages()) == sent
        answer = await o.it.taps("Terima", in_chat=o.it_group)
        assert answer.answered and not answer.show_alert
        assert card(o.web_group, code)


# --------------------------------------------------------------------------------------
# 9. A download that fails is retried by the sweep
# --------------------------------------------------------------------------------------


async def test_failed_download_is_fetched_by_the_sweep(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        photo = sample_jpeg(color=(200, 30, 60))
        fake_bot_api.fail_next("getFile", 500, "Internal Server Error")
        await o.officer.sends_photo(photo, caption="Apel pagi\nApel pagi pegawai.")
        code = code_in(o.officer.last_text())
        assert "1 foto" in card(o.officer.chat, code).text

        (media,) = (await snapshot(database_url)).media_of(code)
        assert media.blob_key is None and media.sha256 is None
        assert media.download_attempts == 1
        media_dir = tmp_path / "data" / "media"
        assert not [p for p in media_dir.rglob("*") if p.is_file() and "tmp" not in p.parts]

        o.clock.advance(minutes=6)
        sweep = o.h.app.job_queue.get_jobs_by_name("download-sweep")
        assert len(sweep) == 1
        await sweep[0].run(o.h.app)
        await o.h.settle()

        (media,) = (await snapshot(database_url)).media_of(code)
        assert media.sha256 == hashlib.sha256(photo).hexdigest()
        assert media.blob_key
        assert (tmp_path / "data" / "media" / media.blob_key).read_bytes() == photo
        assert media.size == len(photo)

        # Nothing left to fetch: another sweep downloads nothing.
        downloads = len(fake_bot_api.downloads)
        await sweep[0].run(o.h.app)
        await o.h.settle()
        assert len(fake_bot_api.downloads) == downloads


async def test_over_long_reasons_are_refused_and_the_longest_allowed_fits(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Berita pasar murah\nPasar murah di halaman kantor.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        # IT sends it back with a 4096-character reason: refused, asked again.
        await o.it.taps("Kembalikan", in_chat=o.it_group)
        await o.it.replies(_long_text("Mohon dilengkapi.", 4096), in_chat=o.it_group)
        assert "maksimal 1000 karakter" in o.it_group.find("terlalu panjang").text
        assert (await snapshot(database_url)).item(code).state == "submitted"
        # The longest reason allowed goes through and reaches the officer in full.
        reason = _long_text("Mohon dilengkapi.", 1000)
        await o.it.replies(reason, in_chat=o.it_group)
        assert (await snapshot(database_url)).item(code).state == "collecting"
        notice = o.officer.chat.find("dikembalikan oleh Tim IT")
        assert _flat(reason) in _flat(notice.text or "")

        # Resubmitted; the official asks for changes with the longest note allowed.
        await to_official(o, code)
        note = _long_text("Tambahkan data peserta.", 1000)
        await o.official.taps("Minta perbaikan", in_chat=o.officials_group)
        await o.official.replies(note, in_chat=o.officials_group)
        assert (await snapshot(database_url)).item(code).state == "editing"
        assert _flat(note) in _flat(o.web_group.find("meminta perbaikan").text or "")
        _assert_within_telegram_limits(fake_bot_api)


@pytest.mark.parametrize(
    "forged",
    [
        "act:accept:99999999999999999999:1",
        "act:accept:{item}:99999999999999999999",
        "card:2147483648",
        "drop:{item}:1:9223372036854775808",
        "ppl:99999999999999999999999",
        # A verb no handler knows (an old kind of button), an action that does not
        # exist, a language warta does not speak.
        "zzz:1",
        "act:fly:{item}:1",
        "lang:xx",
    ],
)
async def test_a_forged_button_with_a_huge_number_is_answered_politely(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str, forged: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        await o.officer.sends("Sosialisasi OSS\nPelayanan perizinan.")
        code = code_in(o.officer.last_text())
        the_card = card(o.officer.chat, code)
        item = (await snapshot(database_url)).item(code).id
        before = len(o.h.take_handler_errors())
        query = fake_bot_api.press_button(
            o.officer.id, o.officer.chat.id, the_card.message_id, forged.format(item=item)
        )
        await o.h.settle()
        answer = CallbackAnswer.from_record(fake_bot_api.callback_queries[query])
        assert answer.answered and "Tombol ini sudah tidak berlaku" in (answer.text or "")
        assert o.h.take_handler_errors()[before:] == []
        assert not o.log_group.has("Gangguan warta")
        assert (await snapshot(database_url)).item(code).state == "collecting"
