"""The SOP hand-over chain, steps 1–4, as the office lives it on Telegram."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.harness import CallbackAnswer, FakeBotAPI, sample_jpeg
from tests.e2e.office import card, code_in, running_office, snapshot, to_official


async def test_album_to_approval(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        photos = [sample_jpeg(color=(i * 40, 90, 20)) for i in range(3)]
        # Step 1: an album of three photos and a PDF, split across two polls.
        await o.officer.sends_album(
            [("photo", photos[0]), ("photo", photos[1]), ("photo", photos[2])],
            caption="Rapat koordinasi pengawasan\nKegiatan di kantor DPMPTSP hari ini.",
            split_after=2,
        )
        await o.officer.sends_document(
            "notulen.pdf", b"%PDF-1.4 notulen\n%%EOF\n", "application/pdf"
        )
        draft = o.officer.last_message()
        code = code_in(draft.text)
        assert "3 foto" in draft.text and "1 dokumen" in draft.text
        assert "Rapat koordinasi pengawasan" in draft.text
        assert "Batas" in draft.text
        # Only one living card for the draft in the officer's chat.
        assert len([m for m in o.officer.inbox() if code in m.text]) == 1

        # Every file is kept as received, checksummed, in the data folder.
        media = (await snapshot(database_url)).media
        assert len(media) == 4
        for row, original in zip(media[:3], photos, strict=True):
            assert row.sha256 == hashlib.sha256(original).hexdigest()
            assert (
                row.blob_key
                and (tmp_path / "data" / "media" / row.blob_key).read_bytes() == original
            )

        # Step 2: hand over to IT.
        answer = await o.officer.taps("Serahkan ke Tim IT")
        assert answer.answered and not answer.show_alert
        assert "Di Tim IT" in card(o.officer.chat, code).text
        albums = [m for m in o.it_group.messages() if m.media_group_id]
        assert len(albums) == 3, "the three photos arrive as one album"
        assert any(m.media_type == "document" for m in o.it_group.messages())
        it_card = card(o.it_group, code)
        assert "Rina Wati" in it_card.text and "Bidang Pengawasan" in it_card.text

        await o.it.taps("Terima", in_chat=o.it_group)
        assert "Diterima Tim IT oleh Budi Santoso" in card(o.it_group, code).text
        assert card(o.it_group, code).button_texts == ["📜 Riwayat"]

        # Step 3: the editor edits, previews and sends on.
        await o.editor.taps("Judul", in_chat=o.web_group)
        await o.editor.replies("Rapat Koordinasi Pengawasan Penanaman Modal", in_chat=o.web_group)
        await o.editor.taps("Kategori", in_chat=o.web_group)
        await o.editor.taps("Kegiatan", in_chat=o.web_group)
        web_card = card(o.web_group, code)
        assert "Rapat Koordinasi Pengawasan Penanaman Modal" in web_card.text
        assert "Kategori: Kegiatan" in web_card.text
        await o.editor.taps("Pratinjau", in_chat=o.web_group)
        preview = [m for m in o.web_group.messages() if m.media_group_id][-3:]
        assert "Rapat Koordinasi Pengawasan Penanaman Modal" in preview[0].text
        await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group)
        assert "Menunggu pejabat" in card(o.web_group, code).text

        # Step 4: the official approves in one tap.
        assert card(o.officials_group, code)
        answer = await o.official.taps("Setujui", in_chat=o.officials_group)
        assert answer.answered and not answer.show_alert
        assert "Disetujui" in card(o.officials_group, code).text
        assert o.officer.chat.has("disetujui oleh Agus Salim")
        assert o.publishers_group.has(code)

        db = await snapshot(database_url)
        assert db.items[0].state == "approved" and db.items[0].category == "Kegiatan"
        moves = [
            (e.action, e.from_state, e.to_state) for e in db.events if e.item_id == db.items[0].id
        ]
        assert [m for m in moves if m[1] != m[2]] == [
            ("created", None, "collecting"),
            ("submit", "collecting", "submitted"),
            ("accept", "submitted", "editing"),
            ("to_official", "editing", "review"),
            ("approve", "review", "approved"),
        ]


async def test_send_back_and_resubmit(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(caption="Sosialisasi perizinan")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        await o.it.taps("Kembalikan", in_chat=o.it_group)
        assert o.it_group.last().force_reply
        await o.it.replies("Foto kurang jelas, mohon kirim foto peserta.", in_chat=o.it_group)
        assert o.officer.chat.has("Foto kurang jelas")
        officer_card = card(o.officer.chat, code)
        assert "Draf" in officer_card.text and "Catatan: Foto kurang jelas" in officer_card.text
        # The reopened draft takes the next photo, and goes back to IT.
        await o.officer.sends_photo()
        assert "2 foto" in card(o.officer.chat, code).text
        await o.officer.taps("Serahkan ke Tim IT")
        assert "Terima" in str(card(o.it_group, code).button_texts)


async def test_reject_with_reason_and_request_changes(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Pelayanan OSS\nInformasi jam layanan OSS.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        # Request changes: back to the editor with a note.
        await o.official.taps("Minta perbaikan", in_chat=o.officials_group)
        await o.official.replies("Tambahkan alamat kantor.", in_chat=o.officials_group)
        assert o.web_group.has("Tambahkan alamat kantor")
        assert "Sedang disunting" in card(o.web_group, code).text
        await o.editor.taps("Isi", in_chat=o.web_group)
        await o.editor.replies("Jam layanan OSS 08.00-15.00 di Jl. Merdeka 1.", in_chat=o.web_group)
        await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group)
        # Reject needs a reason first; nothing changes until it is given.
        await o.official.taps("Tolak", in_chat=o.officials_group)
        assert "Menunggu pejabat" in card(o.officials_group, code).text
        await o.official.replies("Informasi sudah tidak berlaku.", in_chat=o.officials_group)
        assert "Ditolak" in card(o.officials_group, code).text
        assert o.officer.chat.has("Informasi sudah tidak berlaku")
        assert o.it_group.has("ditolak oleh Agus Salim")


async def test_double_approval_race_and_stale_buttons(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Berita satu\nIsi berita.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        the_card = card(o.officials_group, code)
        # Both officials tap "Setujui" on the same card before either answer arrives.
        first = fake_bot_api.press_button(
            o.official.id, the_card.chat_id, the_card.message_id, the_card.buttons[0][0][1]
        )
        second = fake_bot_api.press_button(
            o.official2.id, the_card.chat_id, the_card.message_id, the_card.buttons[0][0][1]
        )
        await o.h.settle()
        answers = [
            CallbackAnswer.from_record(fake_bot_api.callback_queries[q]) for q in (first, second)
        ]
        assert answers[0].answered and not answers[0].show_alert
        assert answers[1].show_alert and "Agus Salim" in answers[1].text
        events = (await snapshot(database_url)).events
        assert [e.action for e in events].count("approve") == 1
        assert (
            o.publishers_group.find_all(code)
            and len([m for m in o.officer.inbox() if "disetujui" in m.text]) == 1
        )


async def test_unauthorised_tap_changes_nothing(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Berita dua\nIsi.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        # The editor is in the IT group too, but accepting is the IT team's step.
        answer = await o.editor.taps("Terima", in_chat=o.it_group)
        assert answer.show_alert and "Tim IT" in answer.text
        # A stranger in the group gets an alert too.
        stranger = o.h.person(9999, "Orang Lain")
        answer = await stranger.taps("Terima", in_chat=o.it_group)
        assert answer.show_alert and "belum terdaftar" in answer.text
        assert "Di Tim IT" in card(o.it_group, code).text
        assert (await snapshot(database_url)).items[0].state == "submitted"


async def test_interrupted_hand_over_is_delivered_by_the_sweep(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        await o.officer.sends_album(["photo", "photo"], caption="Pelatihan OSS\nIsi.")
        code = code_in(o.officer.last_text())
        # Telegram fails while the files go to the IT group: the move is committed,
        # the hand-over is not complete.
        fake_bot_api.fail_next("sendMediaGroup", 500, "Internal Server Error")
        answer = await o.officer.taps("Serahkan ke Tim IT")
        # The officer's part is done and safe: the tap is acknowledged as such.
        assert answer.answered and not answer.show_alert
        assert "Di Tim IT" in card(o.officer.chat, code).text
        assert o.h.take_handler_errors()
        assert o.log_group.has("Gangguan warta")
        assert not o.it_group.find_all(code)
        item = (await snapshot(database_url)).items[0]
        assert item.state == "submitted" and item.delivered_state != "submitted"

        # A minute later the sweep finishes the hand-over, exactly once.
        o.clock.advance(minutes=6)
        sweep = o.h.app.job_queue.get_jobs_by_name("delivery-sweep")[0]
        await sweep.run(o.h.app)
        await o.h.settle()
        assert "Terima" in str(card(o.it_group, code).button_texts)
        await sweep.run(o.h.app)
        await o.h.settle()
        assert len(o.it_group.find_all(f"{code} — ")) == 1
        assert (await snapshot(database_url)).items[0].delivered_state == "submitted"


async def test_a_reason_typed_after_someone_else_moved_the_item_says_who(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        await o.officer.sends("Berita dua\nIsi berita.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        # Agus starts a rejection (the bot asks for his reason)...
        await o.official.taps("Tolak", in_chat=o.officials_group)
        question = o.officials_group.last()
        # ...while the second official approves on the same card.
        await o.official2.taps(
            "Setujui", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        before = len(o.h.take_handler_errors())
        await o.official.sends(
            "Informasi belum lengkap.", in_chat=o.officials_group, reply_to=question
        )
        assert o.h.take_handler_errors()[before:] == []
        answer = o.officials_group.last_text()
        assert "gangguan" not in answer, answer
        assert "disetujui" in answer.lower() or "Setujui" in answer, answer
        assert (await snapshot(database_url)).item(code).state == "approved"


async def test_many_simultaneous_approvals_make_one_and_every_loser_hears_who_won(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(
        fake_bot_api, tmp_path, database_url, harness_options={"raise_handler_errors": False}
    ) as o:
        await o.officer.sends("Berita tiga\nIsi berita.")
        code = code_in(o.officer.last_text())
        await to_official(o, code)
        the_card = card(o.officials_group, code)
        approve = the_card.buttons[0][0][1]
        before = len(o.h.take_handler_errors())
        queries = [
            fake_bot_api.press_button(
                (o.official if n % 2 else o.official2).id,
                the_card.chat_id,
                the_card.message_id,
                approve,
            )
            for n in range(12)
        ]
        await o.h.settle()
        answers = [CallbackAnswer.from_record(fake_bot_api.callback_queries[q]) for q in queries]
        assert all(a.answered for a in answers)
        assert not any("gangguan" in (a.text or "") for a in answers), answers
        assert sum(not a.show_alert for a in answers) == 1
        assert o.h.take_handler_errors()[before:] == []
        events = (await snapshot(database_url)).events
        assert [e.action for e in events].count("approve") == 1
