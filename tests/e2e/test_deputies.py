"""/wakil: an official away, and a deputy (Plh) who approves in their name meanwhile.

The office clock starts on Thursday 26 November 2026 at 09.00 WIB.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import CallbackAnswer, FakeBotAPI, Person
from tests.e2e.office import (
    Office,
    card,
    code_in,
    reminder_sweep,
    running_office,
    snapshot,
    to_official,
)


async def item_for_review(o: Office, title: str) -> str:
    await o.officer.sends(f"{title}\nIsi berita yang cukup panjang.")
    code = code_in(o.officer.last_text())
    await to_official(o, code)
    return code


async def test_an_official_away_names_a_deputy_who_approves_as_plh(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        code = await item_for_review(o, "Pasar murah")
        # Before any absence the editor may not approve.
        answer = await o.editor.taps("Setujui", in_chat=o.officials_group)
        assert answer.show_alert and "Pejabat" in (answer.text or "")

        await o.official.sends("/wakil")
        text = o.official.last_text()
        assert "Belum ada ketidakhadiran yang tercatat." in text
        assert "Catat ketidakhadiran Agus Salim. Mulai kapan?" in text
        await o.official.taps("Hari ini")
        assert "Berapa lama Agus Salim tidak di kantor?" in o.official.last_text()
        await o.official.taps("2 hari")
        assert "Mengapa Agus Salim tidak di kantor?" in o.official.last_text()
        await o.official.taps("Dinas luar")
        choices = o.official.last_message().button_texts
        assert choices[0] == "⭐ Maya Putri"  # officials first
        assert "Agus Salim" not in " ".join(choices) and "Tanpa wakil" in choices
        await o.official.taps("Sari Dewi")
        recorded = o.official.last_text()
        assert "Agus Salim: Kam, 26 Nov – Jum, 27 Nov (Dinas luar); Plh: Sari Dewi" in recorded
        appointed = o.editor.chat.find("Plh Agus Salim")
        assert "dari Kam, 26 Nov sampai Jum, 27 Nov (Dinas luar)" in (appointed.text or "")

        # The deputy approves in the official's name.
        answer = await o.editor.taps("Setujui", in_chat=o.officials_group)
        assert not answer.show_alert
        db = await snapshot(database_url)
        assert db.item(code).state == "approved"
        [approval] = [e for e in db.events_of(code) if e.action == "approve"]
        assert (approval.actor_name, approval.actor_role) == ("Sari Dewi", "official")
        assert approval.acting_for_name == "Agus Salim"
        await o.officer.sends(f"/riwayat {code}")
        history = o.officer.chat.find(f"Riwayat {code}").text or ""
        assert "Sari Dewi sebagai Plh Agus Salim (Pejabat)" in history
        assert "Sari Dewi sebagai Plh Agus Salim" in card(o.officials_group, code).text

        # After the absence (Monday), the deputy is an editor again.
        later = await item_for_review(o, "Kerja bakti")
        o.clock.advance(days=4)
        review_card = card(o.officials_group, later)
        answer = await o.editor.taps("Setujui", in_chat=o.officials_group, message=review_card)
        assert answer.show_alert
        assert (await snapshot(database_url)).item(later).state == "review"


async def test_who_may_record_and_cancel_an_absence(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends("/wakil")
        assert "hanya pejabat atau admin" in o.officer.last_text()
        await o.official.sends("/wakil", in_chat=o.officials_group)
        assert "chat pribadi" in o.officials_group.last_text()

        # An admin records for an official, without a deputy.
        await o.admin.sends("/wakil")
        await o.admin.taps("Catat: Maya Putri")
        await o.admin.taps("Hari ini")
        await o.admin.taps("1 minggu")
        await o.admin.taps("Cuti")
        await o.admin.taps("Tanpa wakil")
        text = o.admin.last_text()
        assert "Maya Putri: Kam, 26 Nov – Rab, 2 Des (Cuti); Plh: Tanpa wakil" in text
        assert "dilaporkan kepada admin" in text

        # Another official sees only their own; the admin sees and cancels Maya's.
        await o.official.sends("/wakil")
        assert "Maya Putri" not in o.official.last_text().split("\n\n")[0]
        await o.admin.sends("/wakil")
        assert "Maya Putri: Kam, 26 Nov" in o.admin.last_text()
        await o.admin.taps("Batalkan: Maya Putri, Kam, 26 Nov")
        assert "Ketidakhadiran dibatalkan." in o.admin.last_text()
        await o.admin.sends("/wakil")
        assert "Belum ada ketidakhadiran yang tercatat." in o.admin.last_text()

        # Forged taps: an official naming themselves, or acting for someone else.
        message = o.official.last_message()
        for data, expected in (
            (f"wkd:{o.official.id}:0:1:dinas:{o.official.id}", "dirinya sendiri"),
            (f"wkd:{o.official2.id}:0:1:dinas:0", "hanya pejabat atau admin"),
        ):
            query = fake_bot_api.press_button(
                o.official.id, o.official.id, message.message_id, data
            )
            await o.h.settle()
            answer = CallbackAnswer.from_record(fake_bot_api.callback_queries[query])
            assert answer.show_alert and expected in (answer.text or "")


async def away(o: Office, who: Person, deputy: str, by: Person | None = None) -> None:
    """``who`` is away today and tomorrow on duty, with ``deputy`` acting (or nobody)."""
    recorder = by or who
    await recorder.sends("/wakil")
    if by is not None:
        name = " ".join(filter(None, (who.user["first_name"], who.user.get("last_name"))))
        await recorder.taps(f"Catat: {name}")
    await recorder.taps("Hari ini")
    await recorder.taps("2 hari")
    await recorder.taps("Dinas luar")
    await recorder.taps(deputy)
    assert "Tercatat." in recorder.last_text()


def texts(chat: object, needle: str) -> list[str]:
    return [m.text or "" for m in chat.messages() if needle in (m.text or "")]  # type: ignore[attr-defined]


async def test_the_deputy_is_reminded_and_an_unattended_absence_reaches_the_admins(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await away(o, o.official, "Sari Dewi")
        code = await item_for_review(o, "Pasar murah")  # review: remind 09.45, late 10.00
        # Handed to the officials: the deputy gets the item privately, and sees it queued.
        own_card = card(o.editor.chat, code)
        assert "Setujui" in str(own_card.button_texts)
        await o.editor.sends("/antrian")
        assert "🔎 Menunggu pejabat (1)" in o.editor.last_text()
        o.clock.advance(minutes=45)
        await reminder_sweep(o.h)
        assert len(texts(o.officials_group, f"Pengingat — {code}")) == 1
        [private] = [m for m in o.editor.chat.messages() if f"Pengingat — {code}" in (m.text or "")]
        # The deputy approves from the reminder, in the official's name.
        answer = await o.editor.taps("Setujui", message=private)
        assert not answer.show_alert
        assert (await snapshot(database_url)).item(code).state == "approved"

        # Maya is away too, with nobody acting: a late IT step reaches the admins as
        # well as the officials and Agus's deputy.
        await away(o, o.official2, "Tanpa wakil", by=o.admin)
        await o.officer.sends("Kerja bakti\nWarga RW 05 membersihkan saluran.")
        late = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, late))
        o.clock.advance(hours=3)  # 12.45: late
        await reminder_sweep(o.h)
        for chat in (o.officials_group, o.editor.chat, o.admin.chat, o.log_group):
            assert len(texts(chat, f"Terlambat — {late}")) == 1, chat
        assert texts(o.it_group, f"Terlambat — {late}") == []


async def test_an_absence_from_next_monday_lets_the_deputy_act_only_then(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.official.sends("/wakil")
        await o.official.taps("Senin depan")
        await o.official.taps("Sampai Jumat")
        await o.official.taps("Cuti")
        await o.official.taps("Sari Dewi")
        assert "Agus Salim: Sen, 30 Nov – Jum, 4 Des (Cuti); Plh: Sari Dewi" in (
            o.official.last_text()
        )
        code = await item_for_review(o, "Pasar murah")
        # Thursday: the absence has not begun; Sari is only an editor.
        answer = await o.editor.taps("Setujui", in_chat=o.officials_group)
        assert answer.show_alert
        o.clock.advance(days=4)  # Monday 30 November
        answer = await o.editor.taps(
            "Setujui", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        assert not answer.show_alert
        assert (await snapshot(database_url)).item(code).state == "approved"
