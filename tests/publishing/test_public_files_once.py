"""Each original is read once for all targets: its cleaned copy is kept by content."""

from __future__ import annotations

from pathlib import Path

from publisher.files import PublicFiles
from publisher.model import ArticleMedia
from storage.blobs import LocalBlobStore
from tests.fakebotapi.samples import sample_jpeg, sample_phone_mp4


class CountingStore(LocalBlobStore):
    """The local store, counting how often an original is read."""

    reads = 0

    async def read_bytes(self, key: str) -> bytes:
        self.reads += 1
        return await super().read_bytes(key)


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
    assert store.reads == 2
    assert all(c == copies[0] for c in copies)
    assert b"GPS" not in copies[0][1].data and copies[0][0].mime_type == "image/jpeg"
