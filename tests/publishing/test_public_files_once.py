"""Each original is read once for all targets: its cleaned copy is kept by content."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.ports.targets import ArticleMedia, PublishError
from publisher.files import PublicFiles
from publisher.public_media import PublicMediaFolder
from publisher.renditions import Watermark
from storage.blobs import LocalBlobStore
from tests.fakebotapi.samples import sample_jpeg, sample_phone_mp4

MIB = 1024 * 1024


class CountingStore(LocalBlobStore):
    """The local store, noting every key read."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reads: list[str] = []

    async def read_bytes(self, key: str) -> bytes:
        self.reads.append(key)
        return await super().read_bytes(key)

    async def copy_to(self, key: str, target: Path) -> None:
        self.reads.append(key)
        await super().copy_to(key, target)


async def _media(store: LocalBlobStore, kind: str, data: bytes, name: str) -> ArticleMedia:
    ref = await store.put_bytes(data)
    mime = "video/mp4" if kind == "video" else "image/jpeg"
    return ArticleMedia(kind, ref.key, ref.sha256, mime, name)  # type: ignore[arg-type]


async def test_three_targets_read_a_photo_and_a_video_once_each(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "media")
    photo = await _media(store, "photo", sample_jpeg(1600, 1200, gps=True), "p.jpg")
    video = await _media(store, "video", sample_phone_mp4(), "v.mp4")
    copies = []
    for _target in ("site", "wordpress", "channel"):
        files = PublicFiles(store, tmp_path / "renditions")  # each target has its own
        copies.append((await files.get(photo), await files.get(video)))
    originals = {photo.blob_key, video.blob_key}
    assert sorted(k for k in store.reads if k in originals) == sorted(originals)
    # The photo's further reads are of its largest rendition, made once.
    renditions = await PublicFiles(store, tmp_path / "renditions").renditions(photo)
    assert {k for k in store.reads if k not in originals} == {renditions[0].key}
    assert all(c == copies[0] for c in copies)
    photo_copy, video_copy = copies[0]
    assert b"PhoneMaker" not in await photo_copy.read() and photo_copy.mime_type == "image/jpeg"
    # The video's copy is a file (it may be large), without where it was filmed.
    assert video_copy.path is not None and video_copy.content is None
    assert b"+06.1234+106.8456/" not in await video_copy.read()
    assert video_copy.size == video_copy.path.stat().st_size


async def test_renditions_live_in_the_blob_store_and_a_new_watermark_makes_new_ones(
    tmp_path: Path,
) -> None:
    store = CountingStore(tmp_path / "media")
    photo = await _media(store, "photo", sample_jpeg(2400, 1800, gps=True), "p.jpg")
    files = PublicFiles(store, tmp_path / "renditions")
    made = await files.renditions(photo)
    assert [(r.width, r.ext) for r in made] == [
        (1920, "jpg"), (1920, "webp"), (1280, "jpg"), (1280, "webp"),
        (640, "jpg"), (640, "webp"), (320, "jpg"), (320, "webp"),
    ]  # fmt: skip
    for rendition in made:
        data = await store.read_bytes(rendition.key)
        assert len(data) == rendition.size and b"PhoneMaker" not in data
    # Another PublicFiles (another target, or after a restart) finds them again.
    assert await PublicFiles(store, tmp_path / "renditions").renditions(photo) == made
    assert store.reads.count(str(photo.blob_key)) == 1
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (50, 50), (255, 255, 255, 255)).save(logo)
    marked = PublicFiles(store, tmp_path / "renditions", watermark=Watermark(logo))
    stamped = await marked.renditions(photo)
    assert {r.key for r in stamped}.isdisjoint(r.key for r in made)
    assert store.reads.count(str(photo.blob_key)) == 2


async def test_a_video_that_cannot_be_read_is_never_published_as_it_came(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "media")
    cut = sample_phone_mp4()[:-5]  # its metadata cannot be found, so it cannot be removed
    video = await _media(store, "video", cut, "v.mp4")
    video = replace(video, media_id=7)
    with pytest.raises(PublishError) as caught:
        await PublicFiles(store, tmp_path / "renditions").get(video)
    assert (caught.value.unpublishable, caught.value.reason) == (7, "unpublishable.video")
    assert not list((tmp_path / "renditions").glob("*.mp4*"))  # nothing half made is kept


async def test_a_64_mib_video_is_made_public_with_memory_flat(tmp_path: Path) -> None:
    # A phone video's boxes around 64 MiB of pictures: its location sits in udta.
    head = sample_phone_mp4()
    at = head.index(b"mdat") - 4
    big = tmp_path / "big.mp4"
    with big.open("wb") as out:
        out.write(head[:at])
        out.write((1).to_bytes(4, "big") + b"mdat" + (16 + 64 * MIB).to_bytes(8, "big"))
        for _ in range(64):
            out.write(bytes(range(256)) * (MIB // 256))
    store = CountingStore(tmp_path / "media")
    ref = await store.put_file(big)
    video = ArticleMedia("video", ref.key, ref.sha256, "video/mp4", "v.mp4")
    site = tmp_path / "site"
    folder = PublicMediaFolder(site, "https://kota.example", PublicFiles(store, tmp_path / "r"))

    tracemalloc.start()
    try:
        relative, public = await folder.export(video)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert public.size == (site / relative).stat().st_size == ref.size
    with (site / relative).open("rb") as copy:
        assert b"+06.1234+106.8456/" not in copy.read(at + 16)
    # Chunks and box headers, never the video (reading it whole would be 64 MiB or more).
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"
