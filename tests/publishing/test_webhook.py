"""The webhook target against a real local HTTP receiver that checks every signature."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from pydantic import ValidationError

from bot.ports.targets import ArticleMedia, MediaKind, PublishedRef, PublishError
from bot.shell.config import Settings
from bot.shell.wiring import webhook_from_settings
from publisher.documents import clean_document
from publisher.files import PublicFiles
from publisher.html import text_to_html
from publisher.public_media import PublicMediaFolder
from publisher.webhook import Webhook, sign, verify_signature
from storage.blobs import LocalBlobStore
from tests.fakebotapi import sample_jpeg
from tests.fakebotapi.samples import sample_pdf
from tests.publishing.kit import has_exif, make_article, stored_media

pytestmark = pytest.mark.timeout(30)

SECRET = "s3cret-for-tests-0123456789abcdef"
SITE_URL = "https://kota.example/"
PDF = sample_pdf("Lampiran", author="Budi Santoso")
PUBLIC_PDF = clean_document(PDF, "application/pdf")  # what goes out: no author
CMS_ANSWER = {"id": 4711, "url": "https://cms.kota.example/berita/4711"}


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An office CMS: verifies the signature, records, answers as told."""

    url: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    status: int = 200
    answer: Any = field(default_factory=lambda: dict(CMS_ANSWER))
    hang: asyncio.Event | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        verified = verify_signature(SECRET, body, request.headers.get("X-Warta-Signature", ""))
        self.deliveries.append(Delivery(dict(request.headers), body, verified))
        if self.hang is not None:
            await self.hang.wait()
        if not verified:
            return web.Response(status=401, text="bad signature")
        if isinstance(self.answer, str):
            return web.Response(status=self.status, text=self.answer)
        if self.answer is None:
            return web.Response(status=self.status)
        return web.json_response(self.answer, status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    app = web.Application()
    app.router.add_post("/hooks/warta", state.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}/hooks/warta?tenant=kota"
    try:
        yield state
    finally:
        if state.hang is not None:
            state.hang.set()
        await runner.cleanup()


@dataclass
class Media:
    blobs: LocalBlobStore
    folder: PublicMediaFolder
    site: Path

    async def item(self, kind: MediaKind, data: bytes, name: str, mime: str) -> ArticleMedia:
        return await stored_media(self.blobs, kind, data, name, mime, alt=f"{name} alt")


@pytest.fixture
def media(tmp_path: Path) -> Media:
    blobs = LocalBlobStore(tmp_path / "blobs")
    files = PublicFiles(blobs, tmp_path / "cache")
    site = tmp_path / "site"
    return Media(blobs, PublicMediaFolder(site, SITE_URL, files), site)


article = partial(
    make_article,
    title="Banjir surut — Kelurahan Sukamaju",
    number=1,
    slug="banjir-surut-pkp-2026-0001",
    body="Air mulai surut <pagi ini>.\n\nInfo: https://kota.example/info & posko",
    category="Berita",
    section="Bencana",
    tags=("banjir", "sukamaju"),
    web_url="https://kota.example/berita/banjir-surut-pkp-2026-0001",
)


def hook(receiver: Receiver, media: Media, **kwargs: Any) -> Webhook:
    return Webhook(receiver.url, SECRET, media.folder, **kwargs)


# --------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------


async def test_published_payload(receiver: Receiver, media: Media) -> None:
    original = sample_jpeg(80, 60, (10, 120, 200), gps=True)
    assert has_exif(original)
    photo = await media.item("photo", original, "pkp-2026-0001-1.jpg", "image/jpeg")
    pdf = await media.item("document", PDF, "surat edaran.pdf", "application/pdf")
    item = article(media=(photo, pdf))

    ref = await hook(receiver, media).publish(item, None)

    assert ref.remote_id == "4711"
    assert ref.url == CMS_ANSWER["url"]
    (delivery,) = receiver.deliveries
    assert delivery.verified
    headers = delivery.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Warta-Event"] == "published"
    body = delivery.json
    assert headers["X-Warta-Delivery"] == body["delivery"] == ref.data["delivery"]
    assert body["delivery"].startswith("PKP-2026-0001:published:")
    assert body["event"] == "published"
    sent_at = datetime.fromisoformat(body["sent_at"])
    assert int(headers["X-Warta-Timestamp"]) == int(sent_at.timestamp())
    assert abs(datetime.now(UTC) - sent_at).total_seconds() < 60
    # Compact UTF-8, non-ASCII as is.
    assert delivery.body == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert "—".encode() in delivery.body

    sent = body["article"]
    assert {k: v for k, v in sent.items() if k != "media"} == {
        "key": "PKP-2026-0001",
        "slug": "banjir-surut-pkp-2026-0001",
        "title": "Banjir surut — Kelurahan Sukamaju",
        "body": item.body,
        "body_html": text_to_html(item.body),
        "category": "Berita",
        "section": "Bencana",
        "tags": ["banjir", "sukamaju"],
        "published_at": "2026-05-04T03:00:00Z",
        "url": "https://kota.example/berita/banjir-surut-pkp-2026-0001",
    }
    assert "&lt;pagi ini&gt;" in sent["body_html"]
    assert '<a href="https://kota.example/info"' in sent["body_html"]

    sent_photo, sent_pdf = sent["media"]
    for entry in (sent_photo, sent_pdf):
        assert entry["url"].startswith("https://kota.example/media/")
        relative = entry["url"][len(SITE_URL) :]
        on_disk = (media.site / relative).read_bytes()
        assert entry["size"] == len(on_disk)
        assert entry["sha256"] == hashlib.sha256(on_disk).hexdigest()
    assert sent_photo["kind"] == "photo"
    assert sent_photo["mime_type"] == "image/jpeg"
    assert sent_photo["file_name"] == "pkp-2026-0001-1.jpg"
    assert sent_photo["alt"] == "pkp-2026-0001-1.jpg alt"
    public_photo = (media.site / sent_photo["url"][len(SITE_URL) :]).read_bytes()
    assert not has_exif(public_photo)
    assert sent_photo["sha256"] != photo.sha256  # the public copy, not the original
    assert sent_pdf == {
        "kind": "document",
        "url": sent_pdf["url"],
        "mime_type": "application/pdf",
        "file_name": "surat edaran.pdf",
        "size": len(PUBLIC_PDF),
        "sha256": hashlib.sha256(PUBLIC_PDF).hexdigest(),
        "alt": "surat edaran.pdf alt",
    }


async def test_signature_scheme(receiver: Receiver, media: Media) -> None:
    await hook(receiver, media).publish(article(), None)
    (delivery,) = receiver.deliveries
    header = delivery.headers["X-Warta-Signature"]

    # Exactly the documented scheme: hex HMAC-SHA256 of the raw body, nothing else.
    expected = hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert header == f"sha256={expected}" == sign(SECRET, delivery.body)
    assert verify_signature(SECRET, delivery.body, header)
    assert verify_signature(SECRET, delivery.body, "sha256=" + expected.upper())

    tampered = delivery.body.replace(b"Banjir surut", b"Banjir naik!")
    assert tampered != delivery.body
    assert not verify_signature(SECRET, tampered, header)
    assert not verify_signature("another-secret", delivery.body, header)
    assert not verify_signature(SECRET, delivery.body, expected)  # prefix missing
    assert not verify_signature(SECRET, delivery.body, "sha256=" + "0" * 64)
    assert not verify_signature(SECRET, delivery.body, "sha256=ünïcode")
    assert not verify_signature(SECRET, delivery.body, "")


async def test_wrong_secret_is_refused_by_the_receiver(receiver: Receiver, media: Media) -> None:
    impostor = Webhook(receiver.url, "not-the-secret", media.folder)

    with pytest.raises(PublishError, match="HTTP 401") as caught:
        await impostor.publish(article(), None)

    assert not receiver.deliveries[0].verified
    assert "not-the-secret" not in caught.value.message


async def test_delivery_id_is_stable_across_retries(receiver: Receiver, media: Media) -> None:
    webhook = hook(receiver, media)
    photo = await media.item(
        "photo", sample_jpeg(80, 60, (10, 120, 200), gps=True), "a.jpg", "image/jpeg"
    )
    item = article(media=(photo,))

    first = await webhook.publish(item, None)
    again = await webhook.publish(item, first)
    changed = await webhook.publish(replace(item, body="Isi yang diperbaiki."), first)

    ids = [d.headers["X-Warta-Delivery"] for d in receiver.deliveries]
    assert ids[0] == ids[1] == first.data["delivery"] == again.data["delivery"]
    assert ids[2] != ids[0] and ids[2].startswith("PKP-2026-0001:published:")
    assert changed.data["delivery"] == ids[2]
    assert all(d.verified for d in receiver.deliveries)


async def test_answer_without_json_keeps_the_key(receiver: Receiver, media: Media) -> None:
    receiver.status, receiver.answer = 204, None

    ref = await hook(receiver, media).publish(article(), None)

    assert ref.remote_id == "PKP-2026-0001"
    assert ref.url is None


async def test_shared_client_is_used(receiver: Receiver, media: Media) -> None:
    async with httpx.AsyncClient() as client:
        ref = await hook(receiver, media, client=client).publish(article(), None)
    assert ref.remote_id == "4711"
    assert receiver.deliveries[0].verified


async def test_locate_says_send_again(receiver: Receiver, media: Media) -> None:
    assert await hook(receiver, media).locate(article()) is None
    assert receiver.deliveries == []


# --------------------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------------------


async def test_server_error_is_a_publish_error(receiver: Receiver, media: Media) -> None:
    receiver.status, receiver.answer = 500, "Internal error\n" + "x" * 5000

    with pytest.raises(PublishError) as caught:
        await hook(receiver, media).publish(article(), None)

    message = caught.value.message
    assert message.startswith("webhook answered HTTP 500: Internal error x")
    assert len(message) < 260
    assert SECRET not in message
    assert not caught.value.ambiguous
    assert caught.value.kind == "server"


async def test_hanging_receiver_is_ambiguous(receiver: Receiver, media: Media) -> None:
    receiver.hang = asyncio.Event()

    with pytest.raises(PublishError) as caught:
        await hook(receiver, media, timeout=0.3).publish(article(), None)

    assert caught.value.ambiguous
    assert len(receiver.deliveries) == 1  # it did arrive


async def test_unreachable_receiver_is_not_ambiguous(media: Media) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = Webhook(f"http://127.0.0.1:{port}/hook", SECRET, media.folder, timeout=2)

    with pytest.raises(PublishError, match="unreachable") as caught:
        await webhook.publish(article(), None)

    assert not caught.value.ambiguous
    assert caught.value.kind == "unreachable"


# --------------------------------------------------------------------------------------
# Taking down
# --------------------------------------------------------------------------------------


async def test_unpublish_event(receiver: Receiver, media: Media) -> None:
    webhook = hook(receiver, media)
    ref = PublishedRef("4711", CMS_ANSWER["url"])

    await webhook.unpublish(article(), ref)
    await webhook.unpublish(article(), ref)

    first, second = receiver.deliveries
    assert first.verified and second.verified
    assert first.headers["X-Warta-Event"] == "unpublished"
    body = first.json
    assert body["event"] == "unpublished"
    assert body["article"] == {"key": "PKP-2026-0001", "slug": "banjir-surut-pkp-2026-0001"}
    assert body["delivery"] == first.headers["X-Warta-Delivery"]
    assert body["delivery"].startswith("PKP-2026-0001:unpublished:")
    assert second.headers["X-Warta-Delivery"] == first.headers["X-Warta-Delivery"]


async def test_unpublish_of_what_is_gone_succeeds(receiver: Receiver, media: Media) -> None:
    receiver.status, receiver.answer = 404, {"error": "not found"}
    await hook(receiver, media).unpublish(article(), PublishedRef("4711"))

    receiver.status = 503
    with pytest.raises(PublishError, match="HTTP 503"):
        await hook(receiver, media).unpublish(article(), PublishedRef("4711"))


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def test_webhook_from_settings(media: Media, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WARTA_WEBHOOK_URL", "WARTA_WEBHOOK_SECRET", "WARTA_PUBLISH_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)

    def settings(**values: Any) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    assert webhook_from_settings(settings(), media.folder) is None
    # A URL without a secret is refused when the settings are read, before any delivery.
    with pytest.raises(ValidationError, match="WARTA_WEBHOOK_SECRET"):
        settings(webhook_url="https://cms.example/hook")
    webhook = webhook_from_settings(
        settings(webhook_url="https://cms.example/hook?token=t0k3n", webhook_secret=SECRET),
        media.folder,
    )
    assert isinstance(webhook, Webhook) and webhook.name == "webhook"
    assert SECRET not in repr(webhook) and "t0k3n" not in repr(webhook)
