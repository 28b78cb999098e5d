"""The tapped card is redrawn by the tap itself, first, from what the move read; where the
move posts that chat's card anew anyway, the sender does it, once."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import bind, card, code_in, running_office


async def test_the_tapped_card_is_edited_by_the_tap_before_anything_else(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(sample_jpeg(color=(10, 120, 60)))
        await o.officer.sends("Posyandu\nPenimbangan balita di RW 03.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
        it_card = card(o.it_group, code)
        since = len(fake_bot_api.calls)
        await o.it.taps("Terima", in_chat=o.it_group, message=it_card)
        calls = [c for c in fake_bot_api.calls[since:] if c.method != "getUpdates"]
        # The answer, then the tapped card itself, before any other chat hears of it.
        assert [c.method for c in calls[:2]] == ["answerCallbackQuery", "editMessageText"]
        assert calls[1].params.get("message_id") == it_card.message_id
        assert "Diterima Tim IT oleh Budi Santoso" in card(o.it_group, code).text
        assert card(o.web_group, code)


async def test_a_group_serving_the_next_step_too_gets_the_card_once(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        # One group for the IT team and the editors.
        await bind(o.h, o.admin, o.it_group, "editor")
        await o.officer.sends_photo(sample_jpeg(color=(120, 10, 60)))
        await o.officer.sends("Senam pagi\nSenam bersama di halaman kantor.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
        it_card = card(o.it_group, code)
        since = len(fake_bot_api.calls)
        await o.it.taps("Terima", in_chat=o.it_group, message=it_card)
        # The card is posted anew at the bottom for the editors; the tap does not edit
        # the old one first only for it to be replaced.
        edits = [
            c
            for c in fake_bot_api.calls[since:]
            if c.method == "editMessageText" and c.params.get("message_id") == it_card.message_id
        ]
        assert edits == []
        shown = [m for m in o.it_group.messages() if f"{code} — " in (m.text or "")]
        assert len(shown) == 1 and shown[0].message_id != it_card.message_id
        assert "Kirim ke pejabat" in " ".join(shown[0].button_texts)
