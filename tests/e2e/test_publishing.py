"""SOP steps 5–7 on Telegram: the publisher publishes, schedules or holds; the outbox
brings the item to the static website and the public channel; officials take it down.

WordPress has its own scenarios (``test_publishing_wordpress.py``), run against a real
WordPress.
"""

from __future__ import annotations

import asyncio
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.cli import main
from tests.e2e.harness import (
    DEFAULT_TOKEN,
    PHONE_MP4_SAMPLES,
    CallbackAnswer,
    FakeBotAPI,
    Harness,
    sample_jpeg,
    sample_phone_mp4,
)
from tests.e2e.office import (
    ADMIN_ID,
    CHANNEL_ID,
    Office,
    approved,
    card,
    channel_posts,
    code_in,
    snapshot,
    to_official,
)
from tests.e2e.office import publish_sweep as sweep
from tests.e2e.office import publishing_office as office


def site(o: Office) -> Path:
    return Path(o.h.settings.data_dir) / "site"


async def test_publish_now_reaches_site_and_channel_once(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        publisher_card = card(o.publishers_group, code)
        assert "Terbitkan sekarang" in " ".join(publisher_card.button_texts)
        assert "Jadwalkan" in " ".join(publisher_card.button_texts)

        # A double tap (two publishers at once, or one impatient thumb): one publication.
        data = next(
            d
            for text, d in (b for row in publisher_card.buttons for b in row)
            if "Terbitkan" in text
        )
        group, message_id = o.publishers_group.id, publisher_card.message_id
        first = fake_bot_api.press_button(o.publisher.id, group, message_id, data)
        second = fake_bot_api.press_button(o.publisher.id, group, message_id, data)
        await o.h.settle()
        answers = [
            CallbackAnswer.from_record(fake_bot_api.callback_queries[q]) for q in (first, second)
        ]
        assert all(a.answered for a in answers)
        assert [a.show_alert for a in answers].count(True) == 1
        assert any("Dedi Kurnia" in (a.text or "") for a in answers if a.show_alert)

        # The card shows each target with its link.
        text = card(o.publishers_group, code).text
        assert "Diterbitkan" in text or "Terbit" in text
        assert "✅ Situs web" in text and "✅ Kanal Telegram" in text
        slug = "banjir-di-sukamaju-" + code.lower()
        page = site(o) / "berita" / slug / "index.html"
        assert page.exists()
        html = page.read_text()
        assert "Banjir di Sukamaju" in html
        assert '<a href="https://www.kota.go.id/banjir"' in html
        # Feeds and the sitemap list it.
        rss = ET.fromstring((site(o) / "feed.xml").read_bytes())
        assert [i.findtext("title") for i in rss.iter("item")] == ["Banjir di Sukamaju"]
        feed = json.loads((site(o) / "feed.json").read_text())
        assert [i["title"] for i in feed["items"]] == ["Banjir di Sukamaju"]
        assert slug in (site(o) / "sitemap.xml").read_text()

        # The channel: one photo with the caption and the link to the article.
        posts = channel_posts(fake_bot_api)
        assert len(posts) == 1
        assert "Banjir di Sukamaju" in (posts[0].text or "")
        assert f"/berita/{slug}/" in (posts[0].raw_text or "")

        # The webmaster group and the officer are told, with the links.
        confirmation = o.web_group.find("sudah terbit")
        assert code in confirmation.text and f"/berita/{slug}/" in confirmation.text
        assert o.officer.chat.has("sudah terbit")

        await sweep(o)
        assert len(channel_posts(fake_bot_api)) == 1
        db = await snapshot(database_url)
        assert db.item(code).state == "published"
        events = [e.action for e in db.events_of(code)]
        assert events.count("publish") == 1
        # What went out where is part of the supervision record.
        out = [e.note for e in db.events_of(code) if e.action == "target_published"]
        assert out == [
            f"site — http://127.0.0.1:8080/berita/{slug}/",
            "channel — https://t.me/wartakota/1",
        ]
        await o.publisher.sends(f"/riwayat {code}", in_chat=o.publishers_group)
        history = o.publishers_group.last_text()
        assert (
            "Tayang di" in history
            and f"Situs web — http://127.0.0.1:8080/berita/{slug}/" in history
        )
        # The card still names the publisher's move, not the outbox's bookkeeping.
        assert "Diterbitkan oleh Dedi Kurnia" in card(o.publishers_group, code).text


async def test_only_publishers_may_publish(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        answer = await o.official.taps(
            "Terbitkan sekarang", in_chat=o.publishers_group, message=card(o.publishers_group, code)
        )
        assert answer.show_alert and "Publisher" in answer.text
        # The schedule menu is not opened for them either.
        menu = await o.official.taps(
            "Jadwalkan", in_chat=o.publishers_group, message=card(o.publishers_group, code)
        )
        assert menu.show_alert and "Publisher" in menu.text
        assert "Ketik tanggal" not in str(card(o.publishers_group, code).button_texts)
        assert (await snapshot(database_url)).item(code).state == "approved"
        assert channel_posts(fake_bot_api) == []


async def test_photo_sent_as_file_loses_its_gps_before_publishing(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        # A phone photo as sent "as a file": EXIF with the camera and the GPS position.
        original = sample_jpeg(80, 60, (10, 120, 200), gps=True, maker="Phone Maker")
        await o.officer.sends_document("IMG_2041.jpg", original, "image/jpeg")
        video = sample_phone_mp4(b"+02.1290+106.1130/")
        await o.officer.sends_video(video)
        await o.officer.sends("Posko kesehatan dibuka\nPemeriksaan gratis bagi warga.")
        code = code_in(o.officer.last_message().text)
        await to_official(o, code)
        await o.official.taps("Setujui", in_chat=o.officials_group)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)

        # The original is kept as received (the archive)...
        media = (await snapshot(database_url)).media_of(code)
        kept = Path(o.h.settings.data_dir) / "media" / str(media[0].blob_key)
        assert kept.read_bytes() == original
        # ...but no public copy carries EXIF: not the site's, not the channel's.
        public = list((site(o) / "media").rglob("*.jpg"))
        assert public, "the site has the image"
        for path in public:
            data = path.read_bytes()
            assert b"Exif" not in data and not Image.open(io.BytesIO(data)).getexif()
        # The video keeps its pictures but not where it was filmed, on the site...
        site_videos = [p.read_bytes() for p in (site(o) / "media").rglob("*.mp4")]
        assert len(site_videos) == 1 and len(site_videos[0]) == len(video)
        assert b"+02.1290+106.1130/" not in site_videos[0]
        assert PHONE_MP4_SAMPLES in site_videos[0]
        uploads = [
            f
            for call in fake_bot_api.calls
            if str(call.params.get("chat_id")) == str(CHANNEL_ID)
            for f in call.files.values()
        ]
        # ...and on the channel: both were uploaded as cleaned copies, not by file id.
        assert len(uploads) == 2
        for upload in uploads:
            assert b"Exif" not in upload.data and b"+02.1290+106.1130/" not in upload.data


async def test_hold_back_with_a_reason(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await o.publisher.taps("Tahan", in_chat=o.publishers_group)
        prompt = o.publishers_group.last()
        assert "alasan" in prompt.text and prompt.force_reply
        await o.publisher.replies("Foto memuat wajah anak-anak", in_chat=o.publishers_group)
        assert "Tidak ditayangkan" in card(o.publishers_group, code).text or "Ditolak" in (
            card(o.publishers_group, code).text
        )
        assert o.officer.chat.has("Foto memuat wajah anak-anak")
        await sweep(o)
        assert channel_posts(fake_bot_api) == []
        assert not (site(o) / "berita").exists() or not any((site(o) / "berita").iterdir())
        assert (await snapshot(database_url)).item(code).state == "rejected"


async def test_schedule_by_typing_then_publish_after_a_restart(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        await o.publisher.taps("Ketik tanggal", in_chat=o.publishers_group)
        assert "Tulis tanggal dan jam (WIB)" in o.publishers_group.last_text()
        # Something unreadable first: a polite explanation and the question again.
        await o.publisher.replies("kapan-kapan", in_chat=o.publishers_group)
        assert o.publishers_group.last().force_reply
        # The office clock says Thursday 26 Nov, 09.00 WIB.
        await o.publisher.replies("besok 08.00", in_chat=o.publishers_group)
        text = card(o.publishers_group, code).text
        assert "Terjadwal" in text and "27 Nov" in text and "08.00" in text
        item = (await snapshot(database_url)).item(code)
        assert item.publish_at is not None and item.publish_at.hour == 1  # 08.00 WIB in UTC
        clock = o.clock

    # warta is stopped overnight and started again after the scheduled time.
    clock.advance(hours=23, minutes=30)
    restarted = Harness.for_warta(
        fake_bot_api,
        tmp_path / "data",
        database_url,
        admin_ids=[ADMIN_ID],
        clock=clock,
        channel_id=str(CHANNEL_ID),
    )
    async with restarted as h:
        job = h.app.job_queue.get_jobs_by_name("publish-sweep")[0]
        await job.run(h.app)
        await h.settle()
    db = await snapshot(database_url)
    assert db.item(code).state == "published"
    assert [e.actor_name for e in db.events_of(code) if e.action == "publish"] == ["warta"]
    assert [e.note for e in db.events_of(code) if e.action == "publish"] == ["scheduled"]
    assert len(channel_posts(fake_bot_api)) == 1


async def test_schedule_in_everyday_words_and_cancel_back_to_the_card(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        await o.publisher.taps("Ketik tanggal", in_chat=o.publishers_group)
        # /batal from the schedule menu's question puts the card back as it was.
        await o.publisher.sends("/batal", in_chat=o.publishers_group)
        buttons = str(card(o.publishers_group, code).button_texts)
        assert "Jadwalkan" in buttons and "Ketik tanggal" not in buttons
        assert (await snapshot(database_url)).item(code).publish_at is None

        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        await o.publisher.taps("Ketik tanggal", in_chat=o.publishers_group)
        await o.publisher.replies("besok jam 15.00 pagi", in_chat=o.publishers_group)
        again = o.publishers_group.last_text()
        # The name leads, then the explanation as its own sentence.
        assert ": Jam 15.00 tidak cocok dengan «pagi»" in again, again
        assert ", Maaf" not in again and ", Jam" not in again
        # The office clock says Thursday 26 Nov, 09.00 WIB.
        await o.publisher.replies("besok jam 9 pagi", in_chat=o.publishers_group)
        text = card(o.publishers_group, code).text
        assert "Terjadwal" in text and "27 Nov" in text and "09.00" in text
        item = (await snapshot(database_url)).item(code)
        assert item.publish_at is not None and item.publish_at.hour == 2  # 09.00 WIB in UTC


async def test_schedule_quick_choice_and_cancel(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        await o.publisher.taps("1 jam", in_chat=o.publishers_group)
        assert "Terjadwal" in card(o.publishers_group, code).text
        o.clock.advance(minutes=30)
        await sweep(o)
        assert (await snapshot(database_url)).item(code).state == "approved"
        await o.publisher.taps("Batalkan jadwal", in_chat=o.publishers_group)
        assert "Terjadwal" not in card(o.publishers_group, code).text
        o.clock.advance(hours=2)
        await sweep(o)
        assert (await snapshot(database_url)).item(code).state == "approved"


async def test_auto_publish_needs_no_tap(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url, auto_publish=True) as o:
        # The approval itself starts the scheduler: no waiting for its next round.
        code = await approved(o)
        db = await snapshot(database_url)
        assert db.item(code).state == "published"
        assert [e.note for e in db.events_of(code) if e.action == "publish"] == ["auto"]
        assert len(channel_posts(fake_bot_api)) == 1
        assert o.web_group.has("sudah terbit")


async def test_channel_down_retries_alerts_then_recovers(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with office(fake_bot_api, tmp_path, database_url, publish_alert_after=3) as o:
        code = await approved(o)
        # The bot lost its admin rights in the channel.
        fake_bot_api.set_member_status(CHANNEL_ID, fake_bot_api.bot_id, "left")
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        text = card(o.publishers_group, code).text
        assert "✅ Situs web" in text
        assert "🔁 Kanal Telegram" in text
        for minutes in (1, 2):
            o.clock.advance(minutes=minutes)
            await sweep(o)
        alert = o.web_group.find("belum berhasil")
        assert "Kanal Telegram" in alert.text and "3 kali" in alert.text
        # Why, in the publisher's words; the technical detail is for the IT team only.
        assert "warta tidak diberi izin" in alert.text and "Rincian untuk Tim IT" not in alert.text
        assert "Forbidden" not in alert.text
        log_alert = o.log_group.find("belum berhasil")
        assert "Rincian untuk Tim IT" in log_alert.text
        failing = card(o.publishers_group, code).text
        assert "❌ Kanal Telegram — gagal 3×: warta tidak diberi izin" in failing
        assert "Forbidden" not in failing
        assert not o.web_group.has("sudah terbit")
        # The IT team sees the same on the server.
        monkeypatch.setenv("WARTA_DATABASE_URL", database_url)
        monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
        capsys.readouterr()
        assert await asyncio.to_thread(main, ["outbox"]) == 1
        listing = capsys.readouterr().out
        assert f"{code}   channel    pending        3" in listing and "Forbidden" in listing

        # The admin fixes the channel; the publisher does not wait for the backoff.
        fake_bot_api.set_member_status(CHANNEL_ID, fake_bot_api.bot_id, "administrator")
        await o.publisher.taps("Coba lagi", in_chat=o.publishers_group)
        assert "✅ Kanal Telegram" in card(o.publishers_group, code).text
        assert len(channel_posts(fake_bot_api)) == 1
        assert o.web_group.has("sudah terbit")
        assert "Coba lagi" not in " ".join(card(o.publishers_group, code).button_texts)
        assert await asyncio.to_thread(main, ["outbox"]) == 0
        assert "outbox empty" in capsys.readouterr().out


async def test_takedown_removes_it_everywhere(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        other = await approved(o, "Pasar murah di alun-alun")
        await o.publisher.taps(
            "Terbitkan sekarang", in_chat=o.publishers_group, message=card(o.publishers_group, code)
        )
        await o.publisher.taps(
            "Terbitkan sekarang",
            in_chat=o.publishers_group,
            message=card(o.publishers_group, other),
        )
        assert len(channel_posts(fake_bot_api)) == 2
        slug = "banjir-di-sukamaju-" + code.lower()

        # Only an official may take it down, and only with a reason.
        assert "Turunkan" not in " ".join(card(o.publishers_group, code).button_texts)
        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Data korban belum terverifikasi", in_chat=o.officials_group)

        text = card(o.officials_group, code).text
        assert "Diturunkan" in text or "🚫" in text
        assert "🚫 Situs web" in text and "🚫 Kanal Telegram" in text
        assert not (site(o) / "berita" / slug).exists()
        feed = json.loads((site(o) / "feed.json").read_text())
        assert [i["title"] for i in feed["items"]] == ["Pasar murah di alun-alun"]
        assert slug not in (site(o) / "sitemap.xml").read_text()
        assert len(channel_posts(fake_bot_api)) == 1
        assert o.officer.chat.has("Data korban belum terverifikasi")
        assert o.web_group.has("sudah dihapus dari semua tujuan")
        db = await snapshot(database_url)
        assert db.item(code).state == "unpublished"
        takedown = [e for e in db.events_of(code) if e.action == "unpublish"]
        assert takedown and takedown[0].note == "Data korban belum terverifikasi"
        assert db.item(other).state == "published"


async def test_takedown_before_anything_went_out(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    # Only the channel is configured, and the bot is no admin there yet.
    async with office(fake_bot_api, tmp_path, database_url, site_enabled=False) as o:
        code = await approved(o)
        fake_bot_api.set_member_status(CHANNEL_ID, fake_bot_api.bot_id, "left")
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        assert "🔁 Kanal Telegram" in card(o.publishers_group, code).text
        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Salah sasaran", in_chat=o.officials_group)
        assert "➖ Kanal Telegram" in card(o.officials_group, code).text
        assert o.web_group.has("sudah dihapus dari semua tujuan")
        # Even once the channel works again, nothing goes out.
        fake_bot_api.set_member_status(CHANNEL_ID, fake_bot_api.bot_id, "administrator")
        o.clock.advance(hours=1)
        await sweep(o)
        assert channel_posts(fake_bot_api) == []


async def test_takedown_by_command_when_the_card_is_out_of_sight(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        # Not an official: refused, nothing asked.
        await o.editor.sends(f"/turunkan {code}")
        assert "Pejabat" in o.editor.last_text() and not o.editor.chat.last().force_reply
        await o.official2.sends("/turunkan")
        assert "/turunkan PKP-2026-0001" in o.official2.last_text()
        await o.official2.sends("/turunkan PKP-2099-0001")
        assert "tidak ditemukan" in o.official2.last_text()
        # In a private chat with the bot, the second official takes it down.
        await o.official2.sends(f"/turunkan {code.lower()}")
        assert o.official2.chat.last().force_reply
        await o.official2.replies("Informasi sudah kedaluwarsa")
        db = await snapshot(database_url)
        assert db.item(code).state == "unpublished"
        assert channel_posts(fake_bot_api) == []
        # A second takedown is refused politely: it is already down.
        await o.official2.sends(f"/turunkan {code}")
        assert not o.official2.chat.last().force_reply


async def _publish_with_the_channel_answer_lost(o: Any, fake_bot_api: FakeBotAPI) -> str:
    """Approve and publish an item whose channel post goes out but whose answer comes
    too late, so warta cannot know; the code of the item, left "uncertain"."""
    code = await approved(o)
    # Telegram posts the photo but answers too late: warta cannot know it went out.
    fake_bot_api.delay_next("sendPhoto", 1.0, chat_id=CHANNEL_ID)
    await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
    assert "🔁 Kanal Telegram" in card(o.publishers_group, code).text
    assert await fake_bot_api.wait_until(lambda: len(channel_posts(fake_bot_api)) == 1, 5)

    o.clock.advance(seconds=31)
    await sweep(o)
    # Not sent again; the publishers are asked to look.
    assert len(channel_posts(fake_bot_api)) == 1
    assert "❓ Kanal Telegram" in card(o.publishers_group, code).text
    assert o.publishers_group.has("belum pasti sudah tampil")
    return str(code)


async def test_lost_channel_answer_asks_a_person_instead_of_posting_twice(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url, publish_timeout_seconds=0.3) as o:
        code = await _publish_with_the_channel_answer_lost(o, fake_bot_api)
        o.clock.advance(hours=1)
        await sweep(o)
        assert len(channel_posts(fake_bot_api)) == 1

        # Taken down: the site copy goes; for the channel, a person is asked to check.
        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Salah foto", in_chat=o.officials_group)
        assert o.publishers_group.has("hapus sendiri bila masih ada")
        text = card(o.officials_group, code).text
        assert "🚫 Situs web" in text and "❓ Kanal Telegram" in text


async def test_a_person_confirms_an_uncertain_channel_post_and_the_officer_is_told(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with office(fake_bot_api, tmp_path, database_url, publish_timeout_seconds=0.3) as o:
        code = await _publish_with_the_channel_answer_lost(o, fake_bot_api)
        assert not o.officer.chat.has("sudah terbit")

        # The publisher looks at the channel, sees the post, and says so.
        answer = await o.publisher.taps("Sudah tampil", in_chat=o.publishers_group)
        assert answer.answered and not answer.show_alert
        text = card(o.publishers_group, code).text
        assert "✅ Kanal Telegram" in text and "❓" not in text
        assert "Sudah tampil" not in str(card(o.publishers_group, code).button_texts)
        assert o.officer.chat.has("sudah terbit")
        assert o.web_group.has("sudah terbit")
        assert len(channel_posts(fake_bot_api)) == 1
        db = await snapshot(database_url)
        confirmed = [e for e in db.events_of(code) if e.action == "confirm_out"]
        assert [e.actor_id for e in confirmed] == [o.publisher.id]

        # Nothing is left on its way: `warta outbox` is content.
        monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("WARTA_DATABASE_URL", database_url)
        monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
        capsys.readouterr()
        assert await asyncio.to_thread(main, ["outbox"]) == 0

        # Its messages are still unknown: a takedown asks people to delete it by hand.
        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Salah foto", in_chat=o.officials_group)
        assert o.publishers_group.has("hapus sendiri bila masih ada")


async def test_confirmation_lost_to_telegram_is_sent_again(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        # Telegram fails just as the webmaster group is told where the item went (a
        # sweep tries again what failed before it began; it never waits for a chat).
        fake_bot_api.fail_next(
            "sendMessage", 500, "Internal Server Error", times=1, chat_id=o.web_group.id
        )
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        assert "✅ Kanal Telegram" in card(o.publishers_group, code).text
        assert not o.web_group.has("sudah terbit")
        assert (await snapshot(database_url)).item(code).publication_notice is None

        await sweep(o)
        assert len(o.web_group.find_all("sudah terbit")) == 1
        assert (await snapshot(database_url)).item(code).publication_notice == "published"
        # Said once: later rounds stay quiet.
        await sweep(o)
        assert len(o.web_group.find_all("sudah terbit")) == 1
        assert len(o.officer.chat.find_all("sudah terbit")) == 1


async def test_tomorrow_button_shown_before_midnight_keeps_its_day(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        code = await approved(o)
        # Thursday 23.50 WIB: the publisher opens the menu...
        o.clock.now = datetime(2026, 11, 26, 16, 50, tzinfo=UTC)
        await o.publisher.taps("Jadwalkan", in_chat=o.publishers_group)
        # ...and taps "Besok 08.00" at 00.10, when "tomorrow" would already be Saturday.
        o.clock.advance(minutes=20)
        answer = await o.publisher.taps("Besok 08.00", in_chat=o.publishers_group)
        assert not answer.show_alert
        item = (await snapshot(database_url)).item(code)
        assert item.publish_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # Friday 08.00 WIB
        assert "Jumat, 27 Nov 2026 08.00" in card(o.publishers_group, code).text
