"""The Telegram channel target, driven through PTB's real ``Bot`` against the fake Bot API.

Files come from a real blob store through ``PublicFiles``, so these tests also prove that
what reaches Telegram is the public copy: photos re-encoded without EXIF/GPS, even when
the officer's own file_id is at hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import pytest
from telegram import Bot

from bot.core.text import utf16_len
from bot.ports.targets import ArticleMedia, CannotTell, MediaKind, PublishedRef, PublishError
from bot.shell.config import Settings
from bot.shell.wiring import channel_from_settings
from publisher.channel import TAKEDOWN_NOTICE, TelegramChannel, normalize_channel_id
from publisher.documents import clean_document
from publisher.files import PublicFiles
from storage.blobs import LocalBlobStore
from tests.fakebotapi import ApiCall, FakeBotAPI, StoredMessage, sample_jpeg
from tests.fakebotapi.samples import sample_mp4, sample_pdf
from tests.publishing.kit import has_exif, make_article, stored_media

pytestmark = pytest.mark.timeout(30)

CHANNEL = -1001234567890
USERNAME = "wartakota"
WEB_URL = "https://kota.example/berita/banjir-pkp-2026-0001?utm=a&b=c"
PDF = sample_pdf("Lampiran")
VIDEO = sample_mp4(b"video bytes")


@dataclass
class Env:
    fake: FakeBotAPI
    bot: Bot
    blobs: LocalBlobStore
    files: PublicFiles
    channel: TelegramChannel

    def channel_calls(self) -> list[ApiCall]:
        return [c for c in self.fake.api_calls() if c.method != "getMe"]

    def posts(self, *, include_deleted: bool = False) -> list[StoredMessage]:
        return self.fake.bot_messages(CHANNEL, include_deleted=include_deleted)

    async def media(
        self,
        kind: MediaKind,
        data: bytes,
        file_name: str,
        mime_type: str,
        telegram_file_id: str | None = None,
    ) -> ArticleMedia:
        return await stored_media(
            self.blobs, kind, data, file_name, mime_type, telegram_file_id=telegram_file_id
        )

    async def photo(self, color: tuple[int, int, int], n: int) -> ArticleMedia:
        return await self.media("photo", sample_jpeg(color=color), f"pkp-{n}.jpg", "image/jpeg")


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    fake = FakeBotAPI()
    await fake.start()
    fake.add_channel(CHANNEL, "Warta Kota", username=USERNAME)
    bot = Bot(fake.token, base_url=fake.api_url, base_file_url=fake.file_url)
    await bot.initialize()
    blobs = LocalBlobStore(tmp_path / "blobs")
    files = PublicFiles(blobs, tmp_path / "cache")
    try:
        yield Env(fake, bot, blobs, files, TelegramChannel(bot, CHANNEL, files, timeout=5))
    finally:
        await bot.shutdown()
        await fake.stop()
    assert not fake.internal_errors, fake.internal_errors


article = partial(
    make_article,
    title="Banjir surut di <Kelurahan> Sukamaju",
    number=1,
    slug="banjir-surut-pkp-2026-0001",
    body="Air mulai surut sejak pagi.\n\nWarga diminta tetap waspada & berhati-hati.",
    category="Berita",
    section="Bencana",
)


def uploads(call: ApiCall) -> dict[str, bytes]:
    return {name: upload.data for name, upload in call.files.items()}


# --------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------


async def test_album_with_caption_first_then_documents_grouped(env: Env) -> None:
    original_with_gps = sample_jpeg(color=(10, 120, 200), gps=True)
    assert has_exif(original_with_gps)
    # The officer's photo as Telegram has it (sent "as a file": metadata kept).
    officer_photo = env.fake.store_file("photo", original_with_gps)
    officer_video = env.fake.store_file("video", file_name="banjir.mp4")
    officer_pdf = env.fake.store_file("document", PDF, file_name="surat.pdf")
    officer_scan = env.fake.store_file("document", original_with_gps, file_name="scan.jpg")

    photo_gps = replace(
        await env.media("photo", original_with_gps, "pkp-1.jpg", "image/jpeg"),
        telegram_file_id=officer_photo.file_id,
    )
    photo_2 = await env.photo((0, 200, 0), 2)
    video = await env.media("video", VIDEO, "pkp-3.mp4", "video/mp4", officer_video.file_id)
    pdf_by_id = await env.media(
        "document", PDF, "surat.pdf", "application/pdf", officer_pdf.file_id
    )
    pdf_upload = await env.media("document", PDF + b"2", "lampiran.pdf", "application/pdf")
    scan = await env.media(
        "document", original_with_gps, "scan.jpg", "image/jpeg", officer_scan.file_id
    )
    item = article(media=(photo_gps, photo_2, video, pdf_by_id, pdf_upload, scan), web_url=WEB_URL)

    ref = await env.channel.publish(item, None)

    calls = env.channel_calls()
    assert [c.method for c in calls] == ["sendMediaGroup", "sendMediaGroup"]
    visual_call, document_call = calls
    assert [m["type"] for m in visual_call.params["media"]] == ["photo", "photo", "video"]
    assert [m["type"] for m in document_call.params["media"]] == ["document"] * 3

    # Photos are uploads of the public copy, never the officer's file_id.
    photo_items = visual_call.params["media"][:2]
    assert all(str(m["media"]).startswith("attach://") for m in photo_items)
    photo_bytes = [uploads(visual_call)[m["media"][len("attach://") :]] for m in photo_items]
    assert all(not has_exif(data) for data in photo_bytes)
    # So is the video: its metadata boxes (a phone's GPS position) are blanked first.
    video_item = visual_call.params["media"][2]["media"]
    assert str(video_item).startswith("attach://")
    assert uploads(visual_call)[video_item[len("attach://") :]] == VIDEO
    # Documents are uploads of their public copy too (without who wrote them), even
    # the one Telegram already has from the officer.
    docs = document_call.params["media"]
    assert all(str(d["media"]).startswith("attach://") for d in docs)
    assert officer_pdf.file_id not in str(document_call.params)
    pdf_attach = docs[1]["media"][len("attach://") :]
    assert uploads(document_call)[pdf_attach] == clean_document(PDF + b"2", "application/pdf")
    assert document_call.files[pdf_attach].filename == "lampiran.pdf"
    # An image sent as a document is re-encoded too, not re-sent by its file_id.
    assert docs[2]["media"].startswith("attach://")
    scan_upload = document_call.files[docs[2]["media"][len("attach://") :]]
    assert not has_exif(scan_upload.data)
    assert scan_upload.filename == "scan.jpg"

    posts = env.posts()
    assert [p.media_type for p in posts] == ["photo", "photo", "video"] + ["document"] * 3
    first = posts[0]
    assert first.caption == (
        "Banjir surut di <Kelurahan> Sukamaju\n\n"
        "Air mulai surut sejak pagi.\n\n"
        "Warga diminta tetap waspada & berhati-hati.\n\n"
        "Berita · Bencana\n\n"
        f"Selengkapnya: {WEB_URL}"
    )
    assert first.raw_text is not None and '<a href="' in first.raw_text
    assert "&amp;" in first.raw_text and "&lt;Kelurahan&gt;" in first.raw_text
    bold = [e for e in first.entities if e["type"] == "bold"]
    assert bold and bold[0]["offset"] == 0
    assert bold[0]["length"] == utf16_len("Banjir surut di <Kelurahan> Sukamaju")
    assert [e["type"] for e in first.entities].count("text_link") == 1
    assert all(p.caption is None for p in posts[1:])
    # Two albums: the visuals, then the documents.
    assert len({p.media_group_id for p in posts[:3]}) == 1
    assert len({p.media_group_id for p in posts[3:]}) == 1
    assert posts[0].media_group_id != posts[3].media_group_id
    # What Telegram stored for the photos has no EXIF either.
    for post in posts[:2]:
        assert post.file_id is not None
        assert not has_exif(env.fake.files[post.file_id].data)

    assert ref.remote_id == str(first.message_id)
    assert ref.url == f"https://t.me/{USERNAME}/{first.message_id}"
    assert ref.data["chat_id"] == CHANNEL
    assert ref.data["message_ids"] == [p.message_id for p in posts]


async def test_long_text_goes_into_follow_ups(env: Env) -> None:
    paragraphs = [f"Paragraf {n}: " + ("kata " * 150).strip() for n in range(1, 9)]
    body = "\n\n".join(paragraphs)
    assert len(body) > 4096
    item = article(body=body, media=(await env.photo((5, 5, 5), 1),), web_url=WEB_URL)

    ref = await env.channel.publish(item, None)

    assert [c.method for c in env.channel_calls()][:1] == ["sendPhoto"]
    posts = env.posts()
    assert posts[0].media_type == "photo"
    assert posts[0].caption == (
        f"Banjir surut di <Kelurahan> Sukamaju\n\nBerita · Bencana\n\nSelengkapnya: {WEB_URL}"
    )
    follow_ups = posts[1:]
    assert len(follow_ups) >= 2
    assert all(p.media_type == "text" for p in follow_ups)
    assert all(p.text is not None and utf16_len(p.text) <= 4096 for p in follow_ups)
    # The whole body arrives, in order, split only at whitespace.
    assert " ".join(" ".join(p.text or "" for p in follow_ups).split()) == " ".join(body.split())
    assert ref.data["message_ids"] == [p.message_id for p in posts]
    assert ref.data["text_message_ids"] == [p.message_id for p in follow_ups]


async def test_link_goes_to_last_follow_up_when_the_caption_is_full(env: Env) -> None:
    title = "Pengumuman " + "penting " * 117  # title and footer alone fill ~975 of 1024
    body = "Isi " * 400
    item = article(title=title.strip(), body=body, media=(await env.photo((1, 2, 3), 1),))
    item = replace(item, web_url=WEB_URL)

    await env.channel.publish(item, None)

    posts = env.posts()
    assert posts[0].caption == f"{title.strip()}\n\nBerita · Bencana"
    assert utf16_len(posts[0].raw_text or "") <= 1024
    last = posts[-1]
    assert last.media_type == "text"
    assert last.text is not None and last.text.endswith(f"Selengkapnya: {WEB_URL}")
    sent = env.fake.calls_to("sendMessage")[-1]
    assert sent.params["link_preview_options"]["url"] == WEB_URL


async def test_twelve_photos_make_two_albums(env: Env) -> None:
    photos = tuple([await env.photo((n * 20, 0, 0), n) for n in range(12)])

    ref = await env.channel.publish(article(media=photos), None)

    calls = env.channel_calls()
    assert [c.method for c in calls] == ["sendMediaGroup", "sendMediaGroup"]
    assert [len(c.params["media"]) for c in calls] == [10, 2]
    posts = env.posts()
    assert len(posts) == 12
    assert posts[0].caption is not None and posts[0].caption.startswith("Banjir surut")
    assert all(p.caption is None for p in posts[1:])
    assert len({p.media_group_id for p in posts[:10]}) == 1
    assert posts[10].media_group_id == posts[11].media_group_id != posts[0].media_group_id
    assert ref.data["message_ids"] == [p.message_id for p in posts]


async def test_text_only_article_is_one_message(env: Env) -> None:
    channel = TelegramChannel(env.bot, f"@{USERNAME}", env.files)

    ref = await channel.publish(article(web_url=WEB_URL), None)

    (call,) = env.channel_calls()
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == f"@{USERNAME}"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"]["url"] == WEB_URL
    (post,) = env.posts()
    assert post.text == (
        "Banjir surut di <Kelurahan> Sukamaju\n\n"
        "Air mulai surut sejak pagi.\n\n"
        "Warga diminta tetap waspada & berhati-hati.\n\n"
        "Berita · Bencana\n\n"
        f"Selengkapnya: {WEB_URL}"
    )
    assert ref == PublishedRef(
        remote_id=str(post.message_id),
        url=f"https://t.me/{USERNAME}/{post.message_id}",
        data={
            "chat_id": CHANNEL,
            "message_ids": [post.message_id],
            "text_message_ids": [post.message_id],
        },
    )


async def test_documents_only_article_text_first(env: Env) -> None:
    pdf = await env.media("document", PDF, "surat.pdf", "application/pdf")

    await env.channel.publish(article(media=(pdf,)), None)

    assert [c.method for c in env.channel_calls()] == ["sendMessage", "sendDocument"]
    text, document = env.posts()
    assert text.text is not None and text.text.startswith("Banjir surut")
    assert document.media_type == "document" and document.caption is None


async def test_already_published_posts_nothing(env: Env) -> None:
    ref = PublishedRef("7", "https://t.me/wartakota/7", {"chat_id": CHANNEL, "message_ids": [7]})
    photo = await env.photo((9, 9, 9), 1)

    assert await env.channel.publish(article(media=(photo,)), ref) is ref

    assert env.channel_calls() == []
    assert env.posts() == []


async def test_channel_cannot_be_searched(env: Env) -> None:
    with pytest.raises(CannotTell):
        await env.channel.locate(article())


async def test_file_not_downloaded_fails_before_posting(env: Env) -> None:
    photo = await env.photo((9, 9, 9), 1)
    missing = replace(photo, blob_key=None, file_name="pkp-2.jpg")

    with pytest.raises(PublishError, match="not downloaded"):
        await env.channel.publish(article(media=(photo, missing)), None)

    assert env.channel_calls() == []


# --------------------------------------------------------------------------------------
# Taking down
# --------------------------------------------------------------------------------------


async def test_unpublish_deletes_every_message(env: Env) -> None:
    photos = tuple([await env.photo((n, n, n), n) for n in range(3)])
    pdf = await env.media("document", PDF, "surat.pdf", "application/pdf")
    item = article(media=(*photos, pdf))
    ref = await env.channel.publish(item, None)
    assert len(ref.data["message_ids"]) == 4

    await env.channel.unpublish(item, ref)

    (call,) = env.fake.calls_to("deleteMessages")
    assert call.params["chat_id"] == CHANNEL
    assert call.params["message_ids"] == ref.data["message_ids"]
    assert env.posts() == []
    assert len(env.posts(include_deleted=True)) == 4


async def test_unpublish_edits_what_can_no_longer_be_deleted(env: Env) -> None:
    photos = tuple([await env.photo((n, 0, 0), n) for n in range(3)])
    item = article(media=photos, body="Isi panjang. " * 500)
    ref = await env.channel.publish(item, None)
    ids = ref.data["message_ids"]
    album, text_ids = ids[:3], ref.data["text_message_ids"]
    assert text_ids and set(text_ids) <= set(ids[3:])
    # Older than 48 hours: Telegram refuses to delete the first photo and the text.
    env.fake.forbid_deletion(CHANNEL, [album[0], text_ids[0]])
    # ...and one photo is already gone (deleted by hand in the channel).
    env.fake.chats[CHANNEL].messages[album[1]].deleted = True

    await env.channel.unpublish(item, ref)

    left = {p.message_id: p for p in env.posts()}
    assert set(left) == {album[0], text_ids[0]}
    assert left[album[0]].media_type == "photo"
    assert left[album[0]].caption == TAKEDOWN_NOTICE
    assert left[text_ids[0]].text == TAKEDOWN_NOTICE
    assert env.fake.calls_to("editMessageCaption")[0].params["message_id"] == album[0]
    assert env.fake.calls_to("editMessageText")[0].params["message_id"] == text_ids[0]

    # A second takedown (a retry) finds nothing left to do and still succeeds.
    await env.channel.unpublish(item, ref)
    assert left[album[0]].caption == TAKEDOWN_NOTICE


async def test_unpublish_without_recorded_kinds_finds_the_right_edit(env: Env) -> None:
    ref = await env.channel.publish(article(), None)
    (message_id,) = ref.data["message_ids"]
    env.fake.forbid_deletion(CHANNEL, [message_id])
    old_ref = PublishedRef(
        ref.remote_id, ref.url, {"chat_id": CHANNEL, "message_ids": [message_id]}
    )

    await env.channel.unpublish(article(), old_ref)

    (post,) = env.posts()
    assert post.text == TAKEDOWN_NOTICE


# --------------------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------------------


async def test_bot_not_admin_is_a_clear_error(env: Env) -> None:
    env.fake.add_channel(-1009999, "Kanal lain", bot_status="member")
    channel = TelegramChannel(env.bot, -1009999, env.files)

    with pytest.raises(PublishError) as caught:
        await channel.publish(article(media=(await env.photo((1, 1, 1), 1),)), None)

    assert "not an administrator" in caught.value.message
    assert not caught.value.ambiguous
    assert caught.value.kind == "permission"
    assert env.fake.token not in caught.value.message
    assert env.fake.bot_messages(-1009999) == []


async def test_unknown_channel_names_the_setting(env: Env) -> None:
    channel = TelegramChannel(env.bot, "@tidak_ada", env.files)

    with pytest.raises(PublishError, match="WARTA_CHANNEL_ID") as caught:
        await channel.publish(article(), None)

    assert not caught.value.ambiguous
    assert caught.value.kind == "not_found"


async def test_timeout_is_ambiguous(env: Env) -> None:
    channel = TelegramChannel(env.bot, CHANNEL, env.files, timeout=0.2)
    photos = (await env.photo((1, 0, 0), 1), await env.photo((0, 1, 0), 2))
    env.fake.delay_next("sendMediaGroup", 1.0)

    with pytest.raises(PublishError) as caught:
        await channel.publish(article(media=photos), None)

    assert caught.value.ambiguous and caught.value.kind == "timeout"
    assert "may have reached the channel" in caught.value.message
    # And indeed it did: the album was posted after the bot stopped waiting.
    assert await env.fake.wait_until(lambda: len(env.posts()) == 2, 5)


async def test_failure_midway_removes_what_was_posted(env: Env) -> None:
    photos = (await env.photo((1, 0, 0), 1), await env.photo((0, 1, 0), 2))
    item = article(media=photos, body="Isi panjang. " * 500)
    env.fake.fail_next("sendMessage", 400, "Bad Request: message text is empty")

    with pytest.raises(PublishError) as caught:
        await env.channel.publish(item, None)

    assert not caught.value.ambiguous
    assert "removed again" in caught.value.message
    assert env.fake.calls_to("deleteMessages")
    assert env.posts() == []
    assert len(env.posts(include_deleted=True)) == 2


async def test_flood_control_mentions_the_wait(env: Env) -> None:
    env.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 17", {"retry_after": 17})

    with pytest.raises(PublishError, match="17 seconds") as caught:
        await env.channel.publish(article(), None)

    assert not caught.value.ambiguous
    assert caught.value.kind == "busy"


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def test_channel_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARTA_CHANNEL_ID", raising=False)
    files = PublicFiles(LocalBlobStore(tmp_path / "blobs"), tmp_path / "cache")
    bot = Bot("123:abc")
    assert channel_from_settings(Settings(_env_file=None), bot, files) is None  # type: ignore[call-arg]
    channel = channel_from_settings(
        Settings(_env_file=None, channel_id="https://t.me/wartakota"),  # type: ignore[call-arg]
        bot,
        files,
    )
    assert isinstance(channel, TelegramChannel) and channel.name == "channel"
    assert normalize_channel_id("-1001234567890") == -1001234567890
    assert normalize_channel_id("wartakota") == "@wartakota"
    assert normalize_channel_id("@wartakota") == "@wartakota"
