"""The editor's tools, stale buttons, drafts, text handling, history and deadlines on cards."""

from __future__ import annotations

from pathlib import Path

from bot.core.post import compose
from tests.e2e.harness import (
    CallbackAnswer,
    ChatView,
    FakeBotAPI,
    Person,
    StoredMessage,
    sample_jpeg,
)
from tests.e2e.office import Office, card, code_in, onboard, running_office, snapshot, to_editor


def _data(message: StoredMessage, button: str, row_label: str | None = None) -> str:
    """callback_data of the button containing ``button`` (in the row whose first button
    contains ``row_label``, for the per-file rows of the media list)."""
    for row in message.buttons:
        if row_label is not None and row_label not in row[0][0]:
            continue
        for text, data in row:
            if button in text and data is not None:
                return data
    raise AssertionError(f"no button {button!r} (row {row_label!r}) in {message.buttons}")


async def _press(o: Office, who: Person, message: StoredMessage, data: str) -> CallbackAnswer:
    """Tap a button with exactly this callback_data (e.g. one from an older rendering)."""
    query = o.h.server.press_button(who.id, message.chat_id, message.message_id, data)
    await o.h.settle()
    return CallbackAnswer.from_record(o.h.server.callback_queries[query])


def _new_messages(chat: ChatView, after: int) -> list[StoredMessage]:
    return [m for m in chat.messages() if m.message_id > after]


# --------------------------------------------------------------------------------------
# 1. Editor tools
# --------------------------------------------------------------------------------------


async def test_editor_media_cover_preview_and_title_prompt(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        photos = [sample_jpeg(color=(30 + i * 60, 120, 40)) for i in range(3)]
        await o.officer.sends_album(
            [("photo", p) for p in photos],
            caption="Rapat koordinasi pengawasan\nKegiatan di kantor DPMPTSP hari ini.",
        )
        await o.officer.sends_document(
            "notulen.pdf", b"%PDF-1.4 notulen\n%%EOF\n", "application/pdf"
        )
        code = code_in(o.officer.last_text())
        await to_editor(o, code)
        web_card = card(o.web_group, code)
        assert "3 foto · 1 dokumen" in web_card.text

        # The media list: one row per file, with drop and (for photos) cover buttons.
        answer = await o.editor.taps("Media", in_chat=o.web_group, message=web_card)
        assert answer.answered and not answer.show_alert
        listing = card(o.web_group, code)
        assert listing.message_id == web_card.message_id, "the list replaces the card's buttons"
        labels = [row[0][0] for row in listing.buttons if not row[0][0].startswith("📝")]
        assert labels[:4] == ["Foto 1", "Foto 2", "Foto 3", "Dokumen 4 notulen.pdf"]
        # Each photo's own row below it asks for its description.
        assert "📝 Deskripsi foto 2" in listing.button_texts
        assert "⬅️ Kembali" in listing.button_texts

        # Drop photo 2: counts drop everywhere, the row is marked, the original stays.
        answer = await _press(o, o.editor, listing, _data(listing, "Buang", "Foto 2"))
        assert answer.answered and not answer.show_alert
        assert answer.text and "dibuang" in answer.text
        listing = card(o.web_group, code)
        assert "2 foto · 1 dokumen" in listing.text
        assert "2 foto · 1 dokumen" in card(o.officer.chat, code).text
        assert [row[0][0] for row in listing.buttons if not row[0][0].startswith("📝")][:3] == [
            "Foto 1",
            "Foto 3",
            "Dokumen 4 notulen.pdf",
        ], "the editor stays in the media list"
        rows = await snapshot(database_url)
        media = rows.media_of(code)
        assert [m.dropped for m in media] == [False, True, False, False]
        assert len(media) == 4, "nothing is deleted"
        dropped = media[1]
        assert dropped.blob_key
        assert (tmp_path / "data" / "media" / dropped.blob_key).read_bytes() == photos[1]
        assert any(e.action == "drop_media" and e.actor_name == "Sari Dewi" for e in rows.events)

        # Photo 3 becomes the cover.
        answer = await _press(o, o.editor, listing, _data(listing, "Sampul", "Foto 3"))
        assert answer.answered and not answer.show_alert
        listing = card(o.web_group, code)
        cover_row = next(row for row in listing.buttons if "Foto 3" in row[0][0])
        assert cover_row[0][0].startswith("⭐"), cover_row
        assert not any("Sampul" in text for text, _ in cover_row)
        rows = await snapshot(database_url)
        assert rows.item(code).cover_media_id == media[2].id

        # Back to the card, then the preview: the cover leads, the caption is the post.
        await o.editor.taps("Kembali", in_chat=o.web_group, message=listing)
        web_card = card(o.web_group, code)
        assert "✏️ Judul" in web_card.button_texts and "👁 Pratinjau" in web_card.button_texts
        last_id = o.web_group.last().message_id
        await o.editor.taps("Pratinjau", in_chat=o.web_group, message=web_card)
        preview = _new_messages(o.web_group, last_id)
        album = [m for m in preview if m.media_group_id]
        assert [m.file_id for m in album] == [media[2].telegram_file_id, media[0].telegram_file_id]
        item = (await snapshot(database_url)).item(code)
        post = compose(item.title, item.body, item.category, item.section, True)
        assert album[0].raw_text == post.caption
        assert [m.file_id for m in preview if m.media_type == "document"] == [
            media[3].telegram_file_id
        ]
        assert dropped.telegram_file_id not in [m.file_id for m in preview]

        # An empty title is refused politely and the question stays open.
        await o.editor.taps("Judul", in_chat=o.web_group, message=card(o.web_group, code))
        assert o.web_group.last().force_reply
        await o.editor.replies("   ", in_chat=o.web_group)
        assert "Judul tidak boleh kosong" in o.web_group.last_text()
        assert (await snapshot(database_url)).item(code).title == "Rapat koordinasi pengawasan"
        await o.editor.replies("Rapat Koordinasi Pengawasan Penanaman Modal", in_chat=o.web_group)
        assert "Tersimpan" in o.web_group.last_text()
        assert "Rapat Koordinasi Pengawasan Penanaman Modal" in card(o.web_group, code).text

        # /batal drops the question: the next text in the group is not taken as a title.
        await o.editor.taps("Judul", in_chat=o.web_group, message=card(o.web_group, code))
        await o.editor.sends("/batal", in_chat=o.web_group)
        assert "Isian dibatalkan" in o.web_group.last_text()
        last_id = o.web_group.last().message_id
        await o.editor.sends("Judul yang tidak diminta", in_chat=o.web_group)
        assert _new_messages(o.web_group, last_id) == []
        rows = await snapshot(database_url)
        assert rows.item(code).title == "Rapat Koordinasi Pengawasan Penanaman Modal"
        await o.editor.sends("/batal", in_chat=o.web_group)
        assert "Tidak ada isian" in o.web_group.last_text()


async def test_send_to_official_needs_a_title(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # Photos only, no caption: the draft has no title, yet may be handed over.
        await o.officer.sends_album(["photo", "photo"])
        code = code_in(o.officer.last_text())
        assert "(belum ada judul)" in card(o.officer.chat, code).text
        await to_editor(o, code)
        web_card = card(o.web_group, code)
        assert "(belum ada judul)" in web_card.text
        assert not any("Kirim ke pejabat" in text for text in web_card.button_texts)

        # A forged (or remembered) "send to the official" tap is refused with a reason.
        item = (await snapshot(database_url)).item(code)
        forged = f"act:to_official:{item.id}:{item.version}"
        answer = await _press(o, o.editor, web_card, forged)
        assert answer.show_alert and answer.text and "belum berjudul" in answer.text
        rows = await snapshot(database_url)
        assert rows.item(code).state == "editing"
        assert not o.officials_group.find_all(code)

        # With a title, the button appears and works.
        await o.editor.taps("Judul", in_chat=o.web_group, message=web_card)
        await o.editor.replies("Pelatihan OSS untuk pelaku usaha", in_chat=o.web_group)
        web_card = card(o.web_group, code)
        assert "📨 Kirim ke pejabat" in web_card.button_texts
        await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group, message=web_card)
        assert "Menunggu pejabat" in card(o.officials_group, code).text


async def test_refused_title_asks_again_with_a_reply_prompt(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Berita\nIsi.")
        code = code_in(o.officer.last_text())
        await to_editor(o, code)
        await o.editor.taps("Judul", in_chat=o.web_group, message=card(o.web_group, code))
        await o.editor.replies("   ", in_chat=o.web_group)
        refusal = o.web_group.last()
        assert "Judul tidak boleh kosong" in (refusal.text or "")
        assert refusal.force_reply, "the question is asked again, with the reply box open"
        assert "/batal" in (refusal.text or ""), "and says how to cancel"


# --------------------------------------------------------------------------------------
# 2. Stale buttons
# --------------------------------------------------------------------------------------


async def test_stale_button_names_who_acted_and_changes_nothing(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # A second webmaster in the same group, whose phone still shows the old card.
        dian = await onboard(o.h, o.admin, 2008, "Dian Lestari", "editor")
        await o.officer.sends("Berita lama\nIsi berita.")
        code = code_in(o.officer.last_text())
        await to_editor(o, code)
        old = card(o.web_group, code)
        old_send = _data(old, "Kirim ke pejabat")
        old_version = int(old_send.rsplit(":", 1)[1])

        await o.editor.taps("Judul", in_chat=o.web_group, message=old)
        await o.editor.replies("Berita baru", in_chat=o.web_group)
        before = await snapshot(database_url)
        assert before.item(code).version > old_version
        edits_before = [
            c for c in o.h.calls("editMessageText") if c.params.get("message_id") == old.message_id
        ]

        # Dian taps "send to the official" on the keyboard her phone still shows.
        answer = await _press(o, dian, old, old_send)
        assert answer.answered and answer.show_alert
        assert answer.text and "Sari Dewi" in answer.text and "Judul diubah" in answer.text
        assert "Sedang disunting" in answer.text

        after = await snapshot(database_url)
        assert after.item(code).state == "editing"
        assert after.item(code).version == before.item(code).version
        assert len(after.events) == len(before.events)
        assert not o.officials_group.find_all(code)

        # The card was drawn again, with buttons carrying the current version.
        edits_after = [
            c for c in o.h.calls("editMessageText") if c.params.get("message_id") == old.message_id
        ]
        assert len(edits_after) > len(edits_before), "the card is redrawn after a stale tap"
        current = card(o.web_group, code)
        assert "Berita baru" in current.text
        assert _data(current, "Kirim ke pejabat").endswith(f":{after.item(code).version}")


# --------------------------------------------------------------------------------------
# 3. Drafts
# --------------------------------------------------------------------------------------


async def test_two_drafts_add_to_older_and_cancel_with_confirmation(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        chat = o.officer.chat
        await o.officer.sends("/baru")
        assert chat.has("Draf baru")
        first = code_in(o.officer.last_text())
        await o.officer.sends("/baru")
        second = code_in(o.officer.last_text())
        assert first != second
        rows = await snapshot(database_url)
        assert [i.state for i in rows.items] == ["collecting", "collecting"]
        assert rows.people[o.officer.id].current_draft_id == rows.item(second).id

        await o.officer.sends("/draf")
        assert chat.has("sedang berjalan: 2")
        assert f"Berkas berikutnya masuk ke draf {second}" in o.officer.last_text()
        for code in (first, second):
            draft_card = card(chat, code)
            assert "belum ada berkas" in draft_card.text
            assert "➕ Tambah berkas" in draft_card.button_texts
            assert "✖️ Batalkan draf" in draft_card.button_texts
            assert not any("Serahkan" in b for b in draft_card.button_texts), "empty draft"
            assert len([m for m in o.officer.inbox() if f"{code} — " in (m.text or "")]) == 1

        # "Add files" on the older draft: the next photo goes there, not to the newest.
        answer = await o.officer.taps("Tambah berkas", message=card(chat, first))
        assert answer.answered and answer.text and "masuk ke draf ini" in answer.text
        await o.officer.sends_photo()
        rows = await snapshot(database_url)
        assert [m.item_id for m in rows.media] == [rows.item(first).id]
        assert "1 foto" in card(chat, first).text
        assert "📤 Serahkan ke Tim IT" in card(chat, first).button_texts
        assert "belum ada berkas" in card(chat, second).text

        # Cancelling asks first; "keep" restores the card and changes nothing.
        await o.officer.taps("Batalkan draf", message=card(chat, first))
        asking = card(chat, first)
        assert asking.button_texts == ["Ya, batalkan draf ini", "Tidak, simpan draf"]
        assert (await snapshot(database_url)).item(first).state == "collecting"
        answer = await o.officer.taps("Tidak, simpan draf", message=asking)
        assert answer.answered
        kept = card(chat, first)
        assert "✖️ Batalkan draf" in kept.button_texts and "1 foto" in kept.text
        assert (await snapshot(database_url)).item(first).state == "collecting"

        # Confirmed: withdrawn, said on the card, only the history is left to tap.
        await o.officer.taps("Batalkan draf", message=kept)
        answer = await o.officer.taps("Ya, batalkan draf ini", message=card(chat, first))
        assert answer.answered and not answer.show_alert
        assert answer.text == "Draf dibatalkan."
        gone = card(chat, first)
        assert "Dibatalkan petugas" in gone.text
        assert gone.button_texts == ["📜 Riwayat"]
        rows = await snapshot(database_url)
        assert rows.item(first).state == "withdrawn"
        assert rows.item(second).state == "collecting"
        assert len(rows.media_of(first)) == 1, "the files of a cancelled draft are kept"
        withdraw = [e for e in rows.events_of(first) if e.action == "withdraw"]
        assert len(withdraw) == 1 and withdraw[0].actor_name == "Rina Wati"
        assert (withdraw[0].from_state, withdraw[0].to_state) == ("collecting", "withdrawn")

        await o.officer.sends("/draf")
        assert chat.has("sedang berjalan: 1")


# --------------------------------------------------------------------------------------
# 4. Text handling
# --------------------------------------------------------------------------------------


async def test_text_title_body_and_album_caption(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        chat = o.officer.chat
        await o.officer.sends("Pelayanan OSS\nJam layanan 08.00-15.00.")
        code = code_in(o.officer.last_text())
        await o.officer.sends("Lokasi: Mal Pelayanan Publik.")
        await o.officer.sends("Membawa KTP.")
        rows = await snapshot(database_url)
        item = rows.item(code)
        assert item.title == "Pelayanan OSS"
        assert (
            item.body == "Jam layanan 08.00-15.00.\n\nLokasi: Mal Pelayanan Publik.\n\nMembawa KTP."
        )
        draft_card = card(chat, code)
        assert "Pelayanan OSS" in draft_card.text and "Membawa KTP." in draft_card.text
        assert "belum ada berkas" in draft_card.text
        assert len([m for m in o.officer.inbox() if f"{code} — " in (m.text or "")]) == 1

        # A text-only draft can be handed over.
        answer = await o.officer.taps("Serahkan ke Tim IT", message=draft_card)
        assert answer.answered and not answer.show_alert
        assert "Di Tim IT" in card(chat, code).text
        it_card = card(o.it_group, code)
        assert "Pelayanan OSS" in it_card.text and "✅ Terima" in it_card.button_texts
        assert (await snapshot(database_url)).item(code).state == "submitted"

        # A caption on an album's first item is the next draft's title and body.
        await o.officer.sends_album(
            [("photo", None), ("photo", None)], caption="Sosialisasi OSS RBA\nPeserta 40 orang."
        )
        album_code = code_in(o.officer.last_text())
        assert album_code != code
        await o.officer.sends("Narasumber dari Kementerian Investasi.")
        rows = await snapshot(database_url)
        album_item = rows.item(album_code)
        assert album_item.title == "Sosialisasi OSS RBA"
        assert album_item.body == "Peserta 40 orang.\n\nNarasumber dari Kementerian Investasi."
        assert len(rows.media_of(album_code)) == 2
        assert rows.item(code).body == item.body, "the handed-over item took nothing more"
        album_card = card(chat, album_code)
        assert "2 foto" in album_card.text and "Sosialisasi OSS RBA" in album_card.text


# --------------------------------------------------------------------------------------
# 5. History
# --------------------------------------------------------------------------------------


def _steps_in_order(text: str, steps: list[tuple[str, str]]) -> None:
    """Each (action, "Name (Role)") appears in ``text``, in this order."""
    position = 0
    for action, who in steps:
        found = text.find(action, position)
        assert found >= 0, f"{action!r} missing (after {position}) in history:\n{text}"
        person = text.find(who, found)
        assert person >= 0, f"{who!r} missing after {action!r} in history:\n{text}"
        position = person


async def test_history_on_card_and_by_command(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        other_officer = await onboard(
            o.h, o.admin, 2007, "Tono Hadi", "petugas", section="Bidang Pelayanan"
        )
        await o.officer.sends("Berita riwayat\nIsi berita.")
        code = code_in(o.officer.last_text())
        await to_editor(o, code)
        await o.editor.taps("Judul", in_chat=o.web_group, message=card(o.web_group, code))
        await o.editor.replies("Berita Riwayat Baru", in_chat=o.web_group)
        steps = [
            ("Draf dibuat", "Rina Wati (Petugas)"),
            ("Diserahkan ke Tim IT", "Rina Wati (Petugas)"),
            ("Diterima Tim IT", "Budi Santoso (Tim IT)"),
            ("Judul diubah", "Sari Dewi (Editor / Webmaster)"),
        ]

        # The button on the officer's card.
        answer = await o.officer.taps("Riwayat", message=card(o.officer.chat, code))
        assert answer.answered and not answer.show_alert
        text = o.officer.chat.find(f"Riwayat {code}").text or ""
        assert "Posisi sekarang: Sedang disunting" in text
        _steps_in_order(text, steps)
        assert "Berita Riwayat Baru" in text

        # The button on the IT group's card.
        await o.it.taps("Riwayat", in_chat=o.it_group, message=card(o.it_group, code))
        _steps_in_order(o.it_group.find(f"Riwayat {code}").text or "", steps)

        # The command, for the owner (case-insensitive code) and for a team member.
        await o.officer.sends(f"/riwayat {code.lower()}")
        _steps_in_order(o.officer.chat.find(f"Riwayat {code}").text or "", steps)
        await o.editor.sends(f"/riwayat {code}")
        _steps_in_order(o.editor.chat.find(f"Riwayat {code}").text or "", steps)

        # Another officer, with no other role, learns nothing about it.
        await other_officer.sends(f"/riwayat {code}")
        reply = other_officer.last_text()
        assert "tidak ditemukan" in reply and "Rina Wati" not in reply
        assert not other_officer.chat.find_all(f"Riwayat {code}")

        # Unknown codes and a missing code get a polite answer.
        await o.officer.sends("/riwayat PKP-2026-0999")
        assert "Naskah PKP-2026-0999 tidak ditemukan" in o.officer.last_text()
        await o.officer.sends("/riwayat")
        assert "Ketik /riwayat diikuti kode naskah" in o.officer.last_text()


# --------------------------------------------------------------------------------------
# 6. Deadlines on cards
# --------------------------------------------------------------------------------------


async def test_deadlines_on_cards_turn_late(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("Jadwal layanan\nLayanan buka pukul 08.00.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))  # 09.00
        it_card = card(o.it_group, code)
        assert "Sejak 09.00 WIB" in it_card.text
        assert "Batas: 12.00 WIB (3 j kerja lagi)" in it_card.text
        assert "terlambat" not in it_card.text

        # Four hours later a stale tap redraws the card: now it is late.
        o.clock.advance(hours=4)
        item = (await snapshot(database_url)).item(code)
        answer = await _press(o, o.it, it_card, f"act:accept:{item.id}:{item.version - 1}")
        assert answer.show_alert
        it_card = card(o.it_group, code)
        assert "Batas: 12.00 WIB (terlambat 1 j kerja)" in it_card.text
        assert "⚠️" in it_card.text
        assert (await snapshot(database_url)).item(code).state == "submitted"

        # Accepted at 13.00: the editor's step is due at 16.00, when the office closes.
        await o.it.taps("Terima", in_chat=o.it_group, message=it_card)
        web_card = card(o.web_group, code)
        assert "Batas: 16.00 WIB (3 j kerja lagi)" in web_card.text
        # 16.35: past the deadline, but no working time has passed since.
        o.clock.advance(hours=3, minutes=35)
        await o.editor.taps("Kategori", in_chat=o.web_group, message=web_card)
        await o.editor.taps("Kembali", in_chat=o.web_group, message=card(o.web_group, code))
        assert "Batas: 16.00 WIB (lewat batas waktu)" in card(o.web_group, code).text
        # Friday 08.05: 35 minutes of working time late.
        o.clock.advance(hours=15, minutes=30)
        await o.editor.taps("Kategori", in_chat=o.web_group, message=card(o.web_group, code))
        await o.editor.taps("Kembali", in_chat=o.web_group, message=card(o.web_group, code))
        assert "Batas: Kam, 26 Nov 16.00 WIB (terlambat 35 mnt kerja)" in (
            card(o.web_group, code).text
        )
