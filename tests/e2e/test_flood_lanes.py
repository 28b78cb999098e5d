"""A flood wait in one group stays in that group's lane.

Telegram answers 429 ("retry after N") when a chat gets too much; such an answer means
nothing was sent. The IT group here is refused four times in a row while the bot hands
over an item whose files take two calls (a photo, then a document), and meanwhile a
publisher publishes another item: the channel gets it while the IT group waits, the
publishing sweep does not wait for the IT group either, and when the sweep tries the
hand-over again only what had not gone is sent, so every message arrives once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import CHANNEL_ID, approved, card, code_in, publishing_office

FLOOD = "Too Many Requests: retry after 1"


def calls(server: FakeBotAPI, method: str, chat_id: int, since: int = 0) -> list[Any]:
    return [
        c for c in server.calls[since:] if c.method == method and str(c.chat_id) == str(chat_id)
    ]


def button(message: Any, text: str) -> str:
    found = [data for label, data in (b for row in message.buttons for b in row) if text in label]
    assert len(found) == 1 and found[0] is not None, message.button_texts
    return str(found[0])


async def test_a_flooded_group_holds_up_neither_publishing_nor_its_own_files(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    server = fake_bot_api
    options = {"raise_handler_errors": False}
    async with publishing_office(server, tmp_path, database_url, harness_options=options) as o:
        published = await approved(o, title="Pasar murah")
        await o.officer.sends_photo(sample_jpeg(color=(200, 40, 40)))
        await o.officer.sends_document(
            "notulen.pdf", b"%PDF-1.4 notulen\n%%EOF\n", "application/pdf"
        )
        await o.officer.sends("Rapat koordinasi\nNotulen terlampir.")
        code = code_in(o.officer.last_text())
        it = o.it_group.id
        server.fail_next("sendDocument", 429, FLOOD, {"retry_after": 1}, times=4, chat_id=it)

        # The hand-over and a publication at the same moment.
        since = len(server.calls)
        officer_card = card(o.officer.chat, code)
        publisher_card = card(o.publishers_group, published)
        server.press_button(
            o.officer.id, o.officer.id, officer_card.message_id, button(officer_card, "Serahkan")
        )
        server.press_button(
            o.publisher.id,
            o.publishers_group.id,
            publisher_card.message_id,
            button(publisher_card, "Terbitkan sekarang"),
        )
        assert await server.wait_until(
            lambda: any(c.error_code == 429 for c in calls(server, "sendDocument", it)), 10
        )
        # The publishing sweep runs while the IT group waits, and does not wait for it.
        sweep = o.h.app.job_queue.get_jobs_by_name("publish-sweep")[0]
        await sweep.run(o.h.app)
        refused = calls(server, "sendDocument", it, since)
        assert len(refused) < 4, "the publishing sweep waited for the flooded group"
        await o.h.settle()

        channel = [c for c in server.api_calls() if str(c.chat_id) == str(CHANNEL_ID)]
        assert channel and channel[0].ok
        floods = [c for c in calls(server, "sendDocument", it) if c.error_code == 429]
        assert len(floods) == 4
        # The IT team hears once that its group is missing the item, in one line.
        assert [type(e).__name__ for e in o.h.take_handler_errors()] == ["DeliveryTrouble"]
        assert channel[0].at < floods[-1].at, "publishing waited for the IT group"

        # Told four times to wait, the files' second call failed; the sweep tries again
        # and sends only the document: the photo is not sent twice.
        deliveries = o.h.app.job_queue.get_jobs_by_name("delivery-sweep")[0]
        await deliveries.run(o.h.app)
        await o.h.settle()
        assert [c.ok for c in calls(server, "sendPhoto", it, since)] == [True]
        assert [c.ok for c in calls(server, "sendDocument", it, since)] == [False] * 4 + [True]
        it_card = card(o.it_group, code)
        assert "Terima" in str(it_card.button_texts)
        assert len([m for m in o.it_group.messages() if f"{code} — " in (m.text or "")]) == 1


async def test_a_tapped_card_that_cannot_be_edited_at_once_is_redrawn_by_the_sender(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    server = fake_bot_api
    async with publishing_office(server, tmp_path, database_url) as o:
        await o.officer.sends_photo(sample_jpeg(color=(40, 40, 200)))
        await o.officer.sends("Kerja bakti\nWarga membersihkan saluran.")
        code = code_in(o.officer.last_text())
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
        # The tap's own edit of its card fails; the move is made and answered anyway.
        server.fail_next("editMessageText", 500, "Internal Server Error", chat_id=o.it_group.id)
        answer = await o.it.taps("Terima", in_chat=o.it_group, message=card(o.it_group, code))
        assert answer.answered and not answer.show_alert
        edits = calls(server, "editMessageText", o.it_group.id)
        assert [c.ok for c in edits[-2:]] == [False, True]
        assert "Diterima Tim IT oleh Budi Santoso" in card(o.it_group, code).text
        assert card(o.web_group, code)
