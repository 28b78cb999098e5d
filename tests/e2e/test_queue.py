"""/antrian: what waits at each step, late first, for the people who hold it.

The office clock starts on Thursday 26 November 2026 at 09.00 WIB.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import FakeBotAPI
from tests.e2e.office import Office, card, code_in, running_office


async def draft(o: Office, text: str) -> str:
    await o.officer.sends(text)
    return code_in(o.officer.last_text())


async def hand_over(o: Office, code: str) -> None:
    await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))


async def test_the_it_group_sees_its_step_late_first_and_opens_a_card(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        early = await draft(o, "Jadwal layanan\nLayanan buka pukul 08.00.")
        await hand_over(o, early)  # 09.00: late at 12.00
        o.clock.advance(hours=2)
        later = await draft(o, "Kerja bakti\nWarga RW 05 membersihkan saluran.")
        await hand_over(o, later)  # 11.00: late at 14.00
        draft_only = await draft(o, "Pasar murah\nDi balai kota.")
        o.clock.advance(hours=2)  # 13.00

        await o.it.sends("/antrian", in_chat=o.it_group)
        text = o.it_group.last_text()
        lines = text.split("\n")
        assert lines[0] == "📋 Antrian · Kam, 26 Nov 13.00 WIB"
        assert "📥 Di Tim IT (2)" in lines
        first = lines.index("📥 Di Tim IT (2)")
        assert lines[first + 1] == f"⚠️ {early} · Jadwal layanan — terlambat 1 j kerja"
        assert lines[first + 2] == f"⏰ {later} · Kerja bakti — 1 j kerja lagi"
        assert draft_only not in text  # a draft is not the IT team's
        assert o.it_group.last().button_texts == [early, later]

        # A button puts that item's card at the bottom of the group, as the IT team's.
        await o.it.taps(later, in_chat=o.it_group)
        last = o.it_group.last()
        assert f"{later} — " in (last.text or "").split("\n")[0]
        assert "✅ Terima" in last.button_texts
        await o.it.taps("Terima", in_chat=o.it_group, message=last)

        # The editors' group sees its own step only.
        await o.editor.sends("/antrian", in_chat=o.web_group)
        text = o.web_group.last_text()
        assert "✏️ Sedang disunting (1)" in text and later in text and early not in text


async def test_in_private_each_sees_the_steps_of_their_roles(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        submitted = await draft(o, "Jadwal layanan\nLayanan buka pukul 08.00.")
        await hand_over(o, submitted)
        mine = await draft(o, "Kerja bakti\nWarga RW 05 membersihkan saluran.")

        # The officer: their own draft (step 1 is theirs), not the IT team's step.
        await o.officer.sends("/antrian")
        text = o.officer.last_text()
        assert "📝 Draf — dikumpulkan petugas (1)" in text
        assert f"⏰ {mine} · Kerja bakti · Rina Wati — 10 j 30 mnt kerja lagi" in text
        assert submitted not in text

        # An official sees every step.
        await o.official.sends("/antrian")
        text = o.official.last_text()
        assert "📝 Draf — dikumpulkan petugas (1)" in text and "📥 Di Tim IT (1)" in text

        # The editor has nothing waiting.
        await o.editor.sends("/antrian")
        assert "Tidak ada naskah yang menunggu di langkah Anda." in o.editor.last_text()

        # English, for someone who chose it.
        await o.official.sends("/bahasa")
        await o.official.taps("English")
        await o.official.sends("/queue")
        assert "📋 Queue" in o.official.last_text()


async def test_an_unbound_group_and_a_stranger_get_a_polite_answer(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        other = o.h.group(-100999, "Grup lain")
        await o.h.add_bot_to(other, by=o.it)
        await o.it.sends("/antrian", in_chat=other)
        assert "belum diikat ke satu langkah" in other.last_text()
        stranger = o.h.person(4242, "Orang Asing")
        await stranger.sends("/antrian")
        assert "Antrian" not in stranger.last_text()
        assert "Bapak/Ibu belum terdaftar" in stranger.last_text()
