"""An officer tidies a draft before handing it over."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import FakeBotAPI
from tests.e2e.office import card, code_in, running_office


async def test_officer_removes_a_wrong_photo_before_handing_over(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_album(["photo", "photo", "photo"], caption="Apel pagi\nApel rutin.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Hapus berkas")
        menu = o.officer.last_message()
        assert not any("Sampul" in b for b in menu.button_texts), "the cover is the editors' call"
        drops = [b for row in menu.raw_buttons for b in row if "Buang" in b["text"]]
        assert len(drops) == 3
        fake_bot_api.press_button(
            o.officer.id, menu.chat_id, menu.message_id, drops[1]["callback_data"]
        )
        await o.h.settle()
        assert "2 foto" in card(o.officer.chat, code).text
        await o.officer.taps("Kembali")
        await o.officer.taps("Serahkan ke Tim IT")
        # Only the two remaining photos reach the IT team.
        assert len([m for m in o.it_group.messages() if m.media_group_id]) == 2
        assert "2 foto" in card(o.it_group, code).text

        # A draft with only text has no files to remove, so no such button.
        await o.officer.sends("Draf kedua\nIsi.")
        second = code_in(o.officer.last_text())
        menu = card(o.officer.chat, second)
        assert "Hapus berkas" not in str(menu.button_texts), "no files, nothing to remove"


async def test_one_webmaster_group_edits_and_publishes(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    """The SOP's webmaster group often holds editors and publishers alike."""
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.admin.sends("/ikat publisher", in_chat=o.web_group)
        assert "Grup Webmaster / Editor, Grup Publisher" in o.web_group.last_text()
        await o.officer.sends_album(["photo", "photo"], caption="Pameran investasi\nIsi.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT")
        await o.it.taps("Terima", in_chat=o.it_group)
        await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group)
        before = len(o.web_group.messages())
        await o.official.taps("Setujui", in_chat=o.officials_group)
        # One living card in the group, now the publishers' view; no second copy of
        # the photos, only the card (reposted) and the approval notice.
        cards = [m for m in o.web_group.messages() if f"{code} — " in (m.text or "").split("\n")[0]]
        assert len(cards) == 1 and "Disetujui" in cards[0].text
        new = o.web_group.messages()[before - 1 :]
        assert not [m for m in new if m.media_type == "photo"]
        assert not o.publishers_group.has(code), "the publisher step moved to the webmaster group"
