"""Hand-overs that cannot reach anyone yet, and questions that cross each other."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import (
    admin_only_office,
    bind,
    card,
    code_in,
    onboard,
    running_office,
    snapshot,
    to_official,
)


async def test_a_reply_to_a_replaced_question_is_not_applied_to_another_item(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        codes = []
        for title in ("Berita A", "Berita B"):
            await o.officer.sends(f"{title}\nIsi.")
            codes.append(code_in(o.officer.last_text()))
            await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, codes[-1]))
        a, b = codes
        await o.it.taps("Kembalikan", in_chat=o.it_group, message=card(o.it_group, a))
        question_a = o.it_group.last()
        await o.it.taps("Kembalikan", in_chat=o.it_group, message=card(o.it_group, b))
        assert "dibatalkan" in o.it_group.last_text(), "the older question is said to be gone"

        # Budi answers the first question: it must not send B back with A's reason.
        await o.it.sends("Foto A kurang jelas.", in_chat=o.it_group, reply_to=question_a.message_id)
        assert "pertanyaan yang sudah digantikan" in o.it_group.last_text()
        db = await snapshot(database_url)
        assert db.item(a).state == "submitted" and db.item(b).state == "submitted"

        # Ordinary talk in the group is not taken as the answer either.
        await o.it.sends("Sebentar, saya cek dulu.", in_chat=o.it_group)
        assert (await snapshot(database_url)).item(b).state == "submitted"

        await o.it.replies("Foto B kurang jelas.", in_chat=o.it_group)
        db = await snapshot(database_url)
        assert db.item(b).state == "collecting" and db.item(a).state == "submitted"
        assert db.item(b).last_note == "Foto B kurang jelas."


async def test_a_step_with_nobody_to_receive_it_is_flagged_and_delivered_later(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as small:
        h, admin = small.h, small.admin
        officer = await onboard(h, admin, 2001, "Rina Wati", "petugas", section="Bidang Umum")
        await officer.sends("Kerja bakti\nKerja bakti di kantor.")
        code = code_in(officer.last_text())
        await officer.taps("Serahkan ke Tim IT")
        # No IT group and no IT member yet: the admin is told, nothing is marked done.
        assert code in admin.last_text() and "/ikat" in admin.last_text()
        assert (await snapshot(database_url)).item(code).delivered_state is None

        # The admin sets up the IT group; the sweep delivers the waiting item there.
        it_group = h.group(-100201, "Tim IT")
        await bind(h, admin, it_group, "it")
        small.clock.advance(minutes=6)
        sweep = h.app.job_queue.get_jobs_by_name("delivery-sweep")[0]
        await sweep.run(h.app)
        await h.settle()
        assert "Terima" in str(card(it_group, code).button_texts)
        assert (await snapshot(database_url)).item(code).delivered_state == "submitted"
        # Nobody is warned twice: the sweep stays quiet about steps it cannot deliver.
        warnings = [m for m in admin.inbox() if code in (m.text or "") and "/ikat" in m.text]
        assert len(warnings) == 1


async def test_a_resubmission_is_delivered_again(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Rapat staf\nIsi.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        await o.it.taps("Kembalikan", in_chat=o.it_group)
        await o.it.replies("Tambahkan foto.", in_chat=o.it_group)
        # The send-back itself is announced (the officer is told) and recorded as such.
        assert (await snapshot(database_url)).item(code).delivered_state == "collecting"
        await o.officer.sends_photo()
        await o.officer.taps("Serahkan ke Tim IT")
        assert (await snapshot(database_url)).item(code).delivered_state == "submitted"
        assert "Terima" in str(card(o.it_group, code).button_texts)


async def test_long_history_keeps_the_newest_steps_and_odd_codes_are_safe(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Laporan harian\nPembukaan.")
        code = code_in(o.officer.last_text())
        for n in range(40):  # many additions make a history longer than one message
            await o.officer.sends(f"Catatan tambahan nomor {n}: " + "isi laporan " * 12)
        await o.officer.taps("Serahkan ke Tim IT")
        await o.officer.sends(f"/riwayat {code}")
        history = o.officer.chat.find("Riwayat")
        assert "Diserahkan ke Tim IT" in history.text, "the newest step is never cut off"
        assert "… (+" in history.text
        await o.officer.sends("/riwayat <PKP&>")
        assert "tidak ditemukan" in o.officer.last_text()


async def test_people_list_stays_private(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.admin.sends("/orang", in_chat=o.it_group)
        assert "chat pribadi" in o.it_group.last_text()
        assert "Budi Santoso" not in o.it_group.last_text()


async def test_caption_too_long_keeps_the_photo(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # Texts as long as Telegram allows, until the body is close to its limit.
        await o.officer.sends("Seminar\n" + "pembukaan " * 400)
        code = code_in(o.officer.last_text())
        for words in (450, 450, 450, 390):
            await o.officer.sends("lanjutan " * words)
        body_before = (await snapshot(database_url)).item(code).body
        await o.officer.sends_photo(caption="keterangan " * 90)
        assert "Berkas sudah tersimpan" in o.officer.chat.find("Berkas sudah").text
        db = await snapshot(database_url)
        assert len(db.media_of(code)) == 1 and db.item(code).body == body_before


async def test_tapping_right_after_adding_explains_kindly(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Upacara\nIsi.")
        code = code_in(o.officer.last_text())
        old = card(o.officer.chat, code)
        data = next(b for row in old.raw_buttons for b in row if "Serahkan" in b["text"])
        # The officer adds a line and taps "Serahkan" before the card is redrawn.
        fake_bot_api.send_text(o.officer.id, "Tambahan keterangan.")
        query = fake_bot_api.press_button(
            o.officer.id, old.chat_id, old.message_id, data["callback_data"]
        )
        await o.h.settle()
        answer = fake_bot_api.callback_queries[query].answer or {}
        assert "kiriman terakhir Bapak/Ibu" in answer.get("text", "")
        assert (await snapshot(database_url)).item(code).state == "collecting"


async def test_a_slow_download_does_not_hold_up_other_chats(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Berita cepat\nIsi.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        the_card = card(o.it_group, code)
        accept = next(b for row in the_card.raw_buttons for b in row if "Terima" in b["text"])

        # Another officer's big file is downloading over a slow link...
        gate = asyncio.Event()
        fake_bot_api.download_gate = gate
        fake_bot_api.send_photo(o.officer.id, sample_jpeg())
        # ...while Budi accepts in the IT group: his tap is answered without waiting.
        query = fake_bot_api.press_button(
            o.it.id, the_card.chat_id, the_card.message_id, accept["callback_data"]
        )
        for _ in range(200):
            if fake_bot_api.callback_queries[query].answered:
                break
            await asyncio.sleep(0.025)
        assert fake_bot_api.callback_queries[query].answered, "the tap waited for the download"
        assert not fake_bot_api.downloads or len(fake_bot_api.downloads) < 2
        gate.set()
        fake_bot_api.download_gate = None
        await o.h.settle()
        assert (await snapshot(database_url)).item(code).state == "editing"


async def test_an_outcome_notice_lost_to_telegram_is_sent_by_the_sweep(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        await o.officer.sends("Sidak perizinan\nIsi.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        # Telegram fails just as the officer is told of the approval.
        fake_bot_api.fail_next("sendMessage", 500, "Internal Server Error", chat_id=o.officer.id)
        await o.official.taps("Setujui", in_chat=o.officials_group)
        assert not o.officer.chat.has("disetujui oleh")
        assert (await snapshot(database_url)).item(code).delivered_state is None

        o.clock.advance(minutes=6)
        sweep = o.h.app.job_queue.get_jobs_by_name("delivery-sweep")[0]
        await sweep.run(o.h.app)
        await o.h.settle()
        assert o.officer.chat.has("disetujui oleh Agus Salim")
        assert (await snapshot(database_url)).item(code).delivered_state == "approved"
