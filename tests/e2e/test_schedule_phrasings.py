"""The publisher types when an item goes out, the way people say it; changes their mind
with /batal or "Kembali"; and is asked again in a sentence that reads well.

The office clock says Thursday 26 November 2026, 09.00 WIB (02.00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .harness import FakeBotAPI
from .office import Office, approved, card, snapshot
from .office import publishing_office as office


async def ask_for_a_time(o: Office) -> None:
    # "🗓 Jadwalkan", or "🗓 Ubah jadwal" once the item has a time.
    await o.publisher.taps("🗓", in_chat=o.publishers_group)
    await o.publisher.taps("Ketik tanggal", in_chat=o.publishers_group)
    assert o.publishers_group.last().force_reply


def is_the_schedule_menu(buttons: list[str]) -> bool:
    return any("Ketik tanggal" in b for b in buttons)


async def publish_at(database_url: str, code: str) -> datetime | None:
    moment = (await snapshot(database_url)).item(code).publish_at
    # SQLite gives naive datetimes back; they are UTC.
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_everyday_phrasings_are_understood(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await ask_for_a_time(o)
        question = o.publishers_group.last_text()
        assert "2 jam lagi" in question and "Senin depan 08.00" in question
        await o.publisher.replies("2 jam lagi", in_chat=o.publishers_group)
        assert await publish_at(database_url, code) == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
        published_card = card(o.publishers_group, code)
        assert "Terjadwal" in published_card.text and "11.00" in published_card.text

        # Rescheduling takes the other phrasings.
        for text, expected in [
            ("jam 4 sore", datetime(2026, 11, 26, 9, 0, tzinfo=UTC)),
            ("besok jam 9 pagi", datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
            ("besok 9", datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
            ("senin depan 08.00", datetime(2026, 11, 30, 1, 0, tzinfo=UTC)),
            ("lusa 08.00", datetime(2026, 11, 28, 1, 0, tzinfo=UTC)),
        ]:
            await ask_for_a_time(o)
            await o.publisher.replies(text, in_chat=o.publishers_group)
            assert o.publishers_group.has("Tersimpan"), text
            assert await publish_at(database_url, code) == expected, text
        assert "28 Nov" in card(o.publishers_group, code).text


async def test_asked_again_in_a_sentence_that_reads_well(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await ask_for_a_time(o)
        await o.publisher.replies("kapan-kapan", in_chat=o.publishers_group)
        again = o.publishers_group.last()
        assert again.force_reply
        text = again.text or ""
        assert text.startswith("Maaf, waktu itu tidak terbaca."), text
        assert "Dedi Kurnia, mohon tulis sekali lagi." in text
        assert "Kurnia, Maaf" not in text
        assert "«2 jam lagi»" in text and "«Senin depan 08.00»" in text
        assert "/batal" in text

        # An hour a part of the day makes unclear is asked about, not guessed.
        await o.publisher.replies("jam 12 malam", in_chat=o.publishers_group)
        text = o.publishers_group.last_text()
        assert text.startswith("Jam «12 malam» kurang jelas."), text
        assert o.publishers_group.last().force_reply
        assert await publish_at(database_url, code) is None

        # A morning without its hour: please give the time.
        await o.publisher.replies("besok pagi", in_chat=o.publishers_group)
        assert o.publishers_group.last_text().startswith("Mohon sertakan jamnya juga")

        await o.publisher.replies("besok jam 9 pagi", in_chat=o.publishers_group)
        assert await publish_at(database_url, code) == datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


async def test_cancel_puts_the_card_back_and_says_so(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        ordinary = card(o.publishers_group, code).button_texts
        await ask_for_a_time(o)
        assert is_the_schedule_menu(card(o.publishers_group, code).button_texts)

        await o.publisher.sends("/batal", in_chat=o.publishers_group)
        assert o.publishers_group.last_text() == (
            f"Baik, penjadwalan {code} dibatalkan; tidak ada yang berubah."
        )
        assert card(o.publishers_group, code).button_texts == ordinary
        # A late reply to the dropped question schedules nothing.
        await o.publisher.replies("2 jam lagi", in_chat=o.publishers_group)
        assert await publish_at(database_url, code) is None

        # Nothing open any more: /batal says so.
        await o.publisher.sends("/batal", in_chat=o.publishers_group)
        assert o.publishers_group.last_text() == "Tidak ada isian yang sedang ditunggu."
        assert card(o.publishers_group, code).button_texts == ordinary


async def test_back_from_the_schedule_menu_drops_the_question(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        ordinary = card(o.publishers_group, code).button_texts

        # Back without a question: the card, nothing said.
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        answer = await o.publisher.taps("Kembali", in_chat=o.publishers_group)
        assert answer.answered and not answer.text
        assert card(o.publishers_group, code).button_texts == ordinary

        # Back while the question is open: the question goes too, and the toast says so.
        await ask_for_a_time(o)
        answer = await o.publisher.taps("Kembali", message=card(o.publishers_group, code))
        assert answer.text == "Baik, pertanyaan jadwal dibatalkan."
        assert not answer.show_alert
        assert card(o.publishers_group, code).button_texts == ordinary
        await o.publisher.replies("2 jam lagi", in_chat=o.publishers_group)
        assert await publish_at(database_url, code) is None


async def test_a_quick_choice_instead_of_typing_drops_the_question(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await ask_for_a_time(o)
        await o.publisher.taps("1 jam", message=card(o.publishers_group, code))
        in_an_hour = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
        assert await publish_at(database_url, code) == in_an_hour
        assert not is_the_schedule_menu(card(o.publishers_group, code).button_texts)
        # The typed question is gone: a late answer neither reschedules nor confuses.
        await o.publisher.replies("besok 08.00", in_chat=o.publishers_group)
        assert await publish_at(database_url, code) == in_an_hour
        await o.publisher.sends("/batal", in_chat=o.publishers_group)
        assert o.publishers_group.last_text() == "Tidak ada isian yang sedang ditunggu."
