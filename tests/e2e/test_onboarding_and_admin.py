"""Onboarding and administration, as the office lives it on Telegram.

Strangers are told whom to ask, invite links work once and expire, the admin manages
roles with /orang and binds team groups with /ikat, and each person reads warta in
their own language with a command menu and a /bantuan that fit their roles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.harness import FakeBotAPI
from tests.e2e.harness import Person as User
from tests.e2e.office import (
    ADMIN_ID,
    INVITE_LINK,
    admin_only_office,
    card,
    code_in,
    invite,
    onboard,
    running_office,
    snapshot,
)

STRANGER_TEXT = "Bapak/Ibu belum terdaftar. Mohon minta tautan undangan kepada admin"
STRANGER_SHORT = "Maaf, Bapak/Ibu belum terdaftar. Mohon hubungi admin."
ADMIN_ONLY = "Maaf, perintah ini hanya untuk admin."


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def chat_scope(person: User) -> dict[str, Any]:
    return {"type": "chat", "chat_id": person.id}


def menu(server: FakeBotAPI, person: User) -> dict[str, str]:
    """The command menu Telegram shows this person: command -> description."""
    return {c["command"]: c["description"] for c in server.my_commands(scope=chat_scope(person))}


# --------------------------------------------------------------------------------------
# 1. Strangers
# --------------------------------------------------------------------------------------


async def test_a_stranger_is_told_whom_to_ask_and_nothing_is_kept(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        before = await snapshot(database_url)
        stranger = o.h.person(9001, "Joko Susilo", username="joko")

        await stranger.sends("Selamat pagi, saya mau kirim foto kegiatan.")
        assert STRANGER_TEXT in stranger.last_text()
        assert "DPMPTSP & Naker Kota Pangkalpinang" in stranger.last_text()

        await stranger.sends_photo(caption="Kegiatan sosialisasi")
        assert len(stranger.inbox()) == 2
        assert STRANGER_TEXT in stranger.last_text()

        await stranger.sends("/start")
        assert STRANGER_TEXT in stranger.last_text()

        # A button: the language picker is offered to anyone, but choosing needs a role.
        await stranger.sends("/bahasa")
        answer = await stranger.taps("English")
        assert answer.answered and answer.show_alert
        assert answer.text == STRANGER_SHORT

        # A button in a group: the admin's /ikat choices, tapped by the stranger.
        group = o.h.group(-100201, "Grup Kantor")
        await o.h.add_bot_to(group, by=o.admin)
        await o.admin.sends("/ikat", in_chat=group)
        answer = await stranger.taps("Grup Tim IT", in_chat=group)
        assert answer.show_alert and answer.text == STRANGER_SHORT

        # Someone whose Telegram is not set to Indonesian still gets the office's language.
        no_language = o.h.person(9002, "Tanpa Bahasa", language_code=None)
        await no_language.sends("halo")
        assert STRANGER_TEXT in no_language.last_text()

        after = await snapshot(database_url)
        assert set(after.people) == {ADMIN_ID}
        assert after.items == [] and after.team_chats == {}
        assert [e.id for e in after.events] == [e.id for e in before.events]
        media_dir = tmp_path / "data" / "media"
        assert not media_dir.exists() or not [p for p in media_dir.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------------------
# 2. Invite links
# --------------------------------------------------------------------------------------


async def test_invite_links_work_once_and_expire(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        token = await invite(o.admin, "it")
        assert "Tautan undangan untuk Tim IT" in o.admin.last_text()
        # Made on Thursday 09.00 WIB, valid for 72 hours.
        assert "Berlaku sekali, sampai Minggu, 29 Nov 2026 09.00 WIB" in o.admin.last_text()
        budi = o.h.person(2002, "Budi Santoso", username="budi")
        await budi.opens_link(token)
        assert "Selamat datang, Budi Santoso! Bapak/Ibu kini terdaftar sebagai Tim IT" in (
            budi.last_text()
        )

        # The link was forwarded to someone else: refused, nothing kept for them.
        andi = o.h.person(2010, "Andi Pratama")
        await andi.opens_link(token)
        assert andi.last_text() == (
            "Tautan undangan ini sudah dipakai. Setiap tautan hanya berlaku sekali; "
            "mohon minta tautan baru kepada admin."
        )

        # Budi taps his own link again: told he already has the role.
        await budi.opens_link(token)
        assert "Bapak/Ibu Budi Santoso sudah terdaftar sebagai Tim IT" in budi.last_text()

        # An unknown token.
        await andi.opens_link("bukan-token-yang-benar")
        assert "Tautan undangan ini tidak dikenal" in andi.last_text()
        assert "minta tautan baru kepada admin" in andi.last_text()

        # A link opened after invite_ttl_hours (72 by default).
        late_token = await invite(o.admin, "editor")
        o.clock.advance(hours=72, minutes=1)
        sari = o.h.person(2003, "Sari Dewi")
        await sari.opens_link(late_token)
        assert sari.last_text() == (
            "Tautan undangan ini sudah kedaluwarsa. Mohon minta tautan baru kepada admin."
        )

        db = await snapshot(database_url)
        assert set(db.people) == {ADMIN_ID, budi.id}
        assert db.roles[budi.id] == {"it"}
        by_token = {i.token: i for i in db.invites}
        assert by_token[token].used_by == budi.id
        assert by_token[late_token].used_by is None
        grants = [e for e in db.events if e.action == "role_granted"]
        assert [(g.actor_id, g.note) for g in grants] == [(budi.id, "it")]


async def test_admin_makes_invites_by_command_reply_and_buttons(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        admin = o.admin

        # An officer's section is asked for when it is missing.
        await admin.sends("/undang petugas")
        question = admin.last_message()
        assert question.force_reply
        assert "Mohon tulis bidang/bagian petugas yang diundang" in question.text
        assert not INVITE_LINK.search(question.text)
        await admin.replies("Bidang Pelayanan Perizinan")
        created = admin.last_text()
        assert "Tautan undangan untuk Petugas · Bidang Pelayanan Perizinan" in created
        officer_link = INVITE_LINK.search(created)
        assert officer_link
        rina = o.h.person(2001, "Rina Wati")
        await rina.opens_link(officer_link.group(1))
        assert "terdaftar sebagai Petugas" in rina.last_text()

        # Without arguments: one button per role.
        await admin.sends("/undang")
        assert admin.last_text() == "Undangan untuk peran apa?"
        assert admin.last_message().button_texts == [
            "Petugas",
            "Tim IT",
            "Editor / Webmaster",
            "Pejabat",
            "Publisher",
            "Admin",
        ]
        answer = await admin.taps("Pejabat")
        assert answer.answered and not answer.show_alert
        assert "Tautan undangan untuk Pejabat" in admin.last_text()
        assert INVITE_LINK.search(admin.last_text())

        # The officer button asks for the section too.
        await admin.sends("/undang")
        await admin.taps("Petugas")
        assert admin.last_message().force_reply
        assert "bidang/bagian" in admin.last_text()
        await admin.replies("Bidang Penanaman Modal")
        assert "Tautan undangan untuk Petugas · Bidang Penanaman Modal" in admin.last_text()

        # Someone who is not an admin.
        await rina.sends("/undang it")
        assert rina.last_text() == ADMIN_ONLY
        # Not in a group, even for the admin.
        group = o.h.group(-100202, "Grup Kantor")
        await o.h.add_bot_to(group, by=admin)
        await admin.sends("/undang it", in_chat=group)
        assert group.last_text() == (
            "Demi keamanan, tautan undangan dibuat di chat pribadi dengan bot."
        )
        assert not INVITE_LINK.search(group.last_text())

        db = await snapshot(database_url)
        assert [(i.role, i.section) for i in db.invites] == [
            ("officer", "Bidang Pelayanan Perizinan"),
            ("official", None),
            ("officer", "Bidang Penanaman Modal"),
        ]
        assert db.people[rina.id].section == "Bidang Pelayanan Perizinan"
        assert db.roles[rina.id] == {"officer"}


# --------------------------------------------------------------------------------------
# 3. People and roles
# --------------------------------------------------------------------------------------


async def test_admin_grants_and_revokes_roles_from_the_people_list(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        admin, budi = o.admin, o.it
        await admin.sends("/orang")
        listing = admin.last_text()
        assert "Orang terdaftar: 7" in listing
        assert "Rina Wati · Bidang Pengawasan — Petugas" in listing
        assert "Budi Santoso — Tim IT" in listing
        assert "Admin Kominfo — Admin" in listing
        assert "Budi Santoso" in admin.last_message().button_texts

        await admin.taps("Budi Santoso")
        view = admin.last_text()
        assert "Budi Santoso (@budi)" in view and "Peran: Tim IT" in view
        assert "✅ Tim IT" in admin.last_message().button_texts

        # Grant the editor role, then take the IT role away.
        answer = await admin.taps("Editor / Webmaster")
        assert answer.text == "Tersimpan."
        assert "Peran: Tim IT, Editor / Webmaster" in admin.last_text()
        answer = await admin.taps("Tim IT")
        assert answer.text == "Tersimpan."
        assert "Peran: Editor / Webmaster" in admin.last_text()
        assert "▫️ Tim IT" in admin.last_message().button_texts

        db = await snapshot(database_url)
        assert db.roles[budi.id] == {"editor"}
        assert [e.note for e in db.events if e.action == "role_revoked"] == [f"{budi.id} it"]

        # Budi is still in the IT group, but can no longer accept there.
        await o.officer.sends("Pelayanan OSS\nJam layanan OSS.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        answer = await budi.taps("Terima", in_chat=o.it_group)
        assert answer.show_alert and answer.text == "Maaf, langkah ini hanya untuk Tim IT."
        assert "Di Tim IT" in card(o.it_group, code).text
        db = await snapshot(database_url)
        assert db.items[0].state == "submitted"
        assert [e.action for e in db.events if e.item_id == db.items[0].id][-1] == "submit"

        # "Revoke all" on a configured admin keeps them admin.
        await admin.sends("/orang")
        await admin.taps("Admin Kominfo")
        await admin.taps("Pejabat")
        assert admin.chat.has("Peran: Pejabat, Admin")
        # The person whose roles changed is told (here the admin themself).
        assert "Admin memberi Bapak/Ibu peran Pejabat" in admin.last_text()
        answer = await admin.taps("Cabut semua peran")
        assert answer.answered and answer.text == "Tersimpan."
        assert admin.chat.has("Peran: Admin\n")
        assert "telah dicabut" in admin.last_text()
        db = await snapshot(database_url)
        assert db.roles[ADMIN_ID] == {"admin"}
        await admin.sends("/undang it")
        assert INVITE_LINK.search(admin.last_text())

        # Revoking the configured admin role alone is refused with the reason.
        await admin.sends("/orang")
        await admin.taps("Admin Kominfo")
        answer = await admin.taps("Admin", message=admin.last_message())
        assert answer.show_alert and "WARTA_ADMIN_IDS" in (answer.text or "")
        db = await snapshot(database_url)
        assert db.roles[ADMIN_ID] == {"admin"}


async def test_revoke_all_leaves_a_person_with_no_roles(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        rina = await onboard(o.h, o.admin, 2001, "Rina Wati", "petugas", section="Bidang Umum")
        await o.admin.sends("/orang")
        await o.admin.taps("Rina Wati")
        await o.admin.taps("Cabut semua peran")
        assert "Peran: tanpa peran" in o.admin.last_text()
        db = await snapshot(database_url)
        assert db.roles[rina.id] == set()
        # Her menu no longer offers the officer's commands.
        assert "baru" not in menu(fake_bot_api, rina)
        # A photo from her now is not taken as material.
        await rina.sends_photo()
        assert "Peran Bapak/Ibu tidak mencakup petugas" in rina.last_text()
        assert (await snapshot(database_url)).items == []


# --------------------------------------------------------------------------------------
# 4. Team groups
# --------------------------------------------------------------------------------------


async def test_binding_team_groups(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # A group member who is not an admin cannot bind.
        await o.it.sends("/ikat log", in_chat=o.it_group)
        assert o.it_group.last_text() == ADMIN_ONLY
        # In private it is explained where to run it.
        await o.admin.sends("/ikat it")
        assert o.admin.last_text() == (
            "Perintah /ikat dijalankan di dalam grup yang ingin ditetapkan."
        )

        new_group = o.h.group(-100110, "Tim IT 2026")
        await o.h.add_bot_to(new_group, by=o.admin)
        assert "Admin dapat menetapkan fungsi grup ini dengan perintah /ikat" in (
            new_group.last_text()
        )
        await o.admin.sends("/ikat", in_chat=new_group)
        assert new_group.last_text() == "Grup ini untuk apa?"
        assert new_group.last().button_texts == [
            "Grup Tim IT",
            "Grup Webmaster / Editor",
            "Grup Pejabat",
            "Grup Publisher",
            "Grup Log (laporan teknis)",
        ]
        # Only the admin's tap counts.
        answer = await o.it.taps("Grup Tim IT", in_chat=new_group)
        assert answer.show_alert and answer.text == ADMIN_ONLY
        assert (await snapshot(database_url)).team_chats["it"] == o.it_group.id

        answer = await o.admin.taps("Grup Tim IT", in_chat=new_group)
        assert answer.answered and not answer.show_alert
        assert new_group.last_text() == "✅ Grup ini sekarang menjadi Grup Tim IT."
        db = await snapshot(database_url)
        assert db.team_chats["it"] == new_group.id
        assert set(db.team_chats.values()) == {
            new_group.id,
            o.web_group.id,
            o.officials_group.id,
            o.publishers_group.id,
            o.log_group.id,
        }

        # The next submission goes to the new group only.
        await o.officer.sends("Sosialisasi OSS\nSosialisasi perizinan berusaha.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        assert "Di Tim IT" in card(new_group, code).text
        assert not o.it_group.find_all(code)
        await o.it.taps("Terima", in_chat=new_group)
        assert "Sedang disunting" in card(o.web_group, code).text


async def test_without_groups_hand_over_goes_to_each_role_holder_in_private(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        rina = await onboard(o.h, o.admin, 2001, "Rina Wati", "petugas", section="Bidang Umum")
        budi = await onboard(o.h, o.admin, 2002, "Budi Santoso", "it")
        tono = await onboard(o.h, o.admin, 2007, "Tono Hadi", "it")
        sari = await onboard(o.h, o.admin, 2003, "Sari Dewi", "editor")

        await rina.sends("Rapat kerja\nRapat kerja tahunan.")
        code = code_in(rina.last_text())
        await rina.taps("Serahkan ke Tim IT")
        for it_member in (budi, tono):
            it_card = card(it_member.chat, code)
            assert "Di Tim IT" in it_card.text and "Rina Wati · Bidang Umum" in it_card.text
            assert "✅ Terima" in it_card.button_texts
        assert not o.admin.chat.find_all(code) and not sari.chat.find_all(code)

        answer = await budi.taps("Terima")
        assert answer.answered and not answer.show_alert
        assert "Diterima Tim IT oleh Budi Santoso" in card(tono.chat, code).text
        assert "Sedang disunting" in card(sari.chat, code).text
        db = await snapshot(database_url)
        assert db.items[0].state == "editing" and db.team_chats == {}


# --------------------------------------------------------------------------------------
# 5. Language and command menus
# --------------------------------------------------------------------------------------


async def test_a_person_switches_to_english(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        rina = o.officer
        officer_menu = menu(fake_bot_api, rina)
        assert {"baru", "draf", "riwayat", "bantuan", "bahasa"} <= set(officer_menu)
        assert not {"undang", "orang"} & set(officer_menu)
        assert officer_menu["baru"] == "Mulai draf baru"
        admin_menu = menu(fake_bot_api, o.admin)
        assert {"undang", "orang", "bantuan"} <= set(admin_menu)
        assert not {"baru", "draf"} & set(admin_menu)

        await rina.sends("/bahasa")
        assert "Pilih bahasa / Choose a language" in rina.last_text()
        answer = await rina.taps("English")
        assert answer.text == "Language set to English."
        assert rina.last_text() == "Language set to English."
        assert (await snapshot(database_url)).people[rina.id].language == "en"
        assert menu(fake_bot_api, rina)["baru"] == "Start a new draft"

        await rina.sends("/bantuan")
        assert "Your roles: Field officer" in rina.last_text()
        assert "send photos, videos, documents and text here" in rina.last_text()

        await rina.sends("Investment forum\nThe annual investment forum.")
        code = code_in(rina.last_text())
        draft = card(rina.chat, code)
        assert "Draft — being collected" in draft.text
        assert "📤 Hand over to IT" in draft.button_texts
        answer = await rina.taps("Hand over to IT")
        assert "With the IT team" in card(rina.chat, code).text
        # The team group keeps the office's language.
        assert "Di Tim IT" in card(o.it_group, code).text
        assert "✅ Terima" in card(o.it_group, code).button_texts

        # Back to Indonesian.
        await rina.sends("/language")
        await rina.taps("Bahasa Indonesia")
        assert rina.last_text() == "Bahasa diatur ke Bahasa Indonesia."
        assert menu(fake_bot_api, rina)["baru"] == "Mulai draf baru"


# --------------------------------------------------------------------------------------
# 6. /bantuan
# --------------------------------------------------------------------------------------


HELP_PART = {
    "officer": "kirim foto, video, dokumen dan teks kegiatan ke sini",
    "it": "periksa kelengkapan kiriman petugas di grup Tim IT",
    "editor": "sunting judul, isi, kategori dan media",
    "official": "saring naskah: Setujui, Minta perbaikan atau Tolak",
    "publisher": "naskah yang disetujui muncul di grup publisher",
    "admin": "/undang membuat tautan undangan per peran",
}


async def test_help_shows_each_persons_own_part_of_the_sop(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        people = {
            "officer": o.officer,
            "it": o.it,
            "editor": o.editor,
            "official": o.official,
            "publisher": o.publisher,
            "admin": o.admin,
        }
        for role, person in people.items():
            await person.sends("/bantuan")
            text = person.last_text()
            assert text.startswith("Peran Bapak/Ibu: "), text
            shown = {r for r, part in HELP_PART.items() if part in text}
            assert shown == {role}, (role, text)
            assert "/riwayat KODE menampilkan riwayat naskah" in text

        # Someone holding two roles reads both parts, in the SOP's order.
        token = await invite(o.admin, "pejabat")
        await o.editor.opens_link(token)
        assert "Selamat datang, Sari Dewi! Bapak/Ibu kini terdaftar sebagai Pejabat" in (
            o.editor.last_text()
        )
        await o.editor.sends("/help")
        text = o.editor.last_text()
        assert text.startswith("Peran Bapak/Ibu: Editor / Webmaster, Pejabat")
        assert text.index(HELP_PART["editor"]) < text.index(HELP_PART["official"])
        assert HELP_PART["officer"] not in text

        # /start without a link, for a registered person, is the same guide.
        await o.it.sends("/start")
        assert HELP_PART["it"] in o.it.last_text()


# --------------------------------------------------------------------------------------
# Known product bugs (the tests say what should happen)
# --------------------------------------------------------------------------------------


async def test_a_stranger_who_sends_cancel_is_answered(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        stranger = o.h.person(9001, "Joko Susilo")
        await stranger.sends("/batal")
        assert stranger.inbox(), "the bot did not answer /batal at all"
        assert STRANGER_TEXT in stranger.last_text()
        assert set((await snapshot(database_url)).people) == {ADMIN_ID}


async def test_a_revoked_member_reopening_their_old_link_is_not_told_they_have_the_role(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        token = await invite(o.admin, "it")
        budi = o.h.person(2002, "Budi Santoso")
        await budi.opens_link(token)
        await o.admin.sends("/orang")
        await o.admin.taps("Budi Santoso")
        await o.admin.taps("Tim IT")
        assert "Peran: tanpa peran" in o.admin.last_text()

        await budi.opens_link(token)
        assert (await snapshot(database_url)).roles[budi.id] == set()
        assert "sudah terdaftar sebagai Tim IT" not in budi.last_text()
        assert "minta tautan baru kepada admin" in budi.last_text()


async def test_a_too_long_section_is_asked_again(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with admin_only_office(fake_bot_api, tmp_path, database_url) as o:
        await o.admin.sends("/undang petugas")
        await o.admin.replies("Bidang " + "sangat panjang " * 10)
        assert "Nama bidang terlalu panjang (maksimal 100 karakter)" in o.admin.last_text()
        await o.admin.replies("Bidang Pengawasan")
        assert "Tautan undangan untuk Petugas · Bidang Pengawasan" in o.admin.last_text()
        invites = (await snapshot(database_url)).invites
        assert [(i.role, i.section) for i in invites] == [("officer", "Bidang Pengawasan")]
