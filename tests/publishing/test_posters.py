"""A video's poster: a picture from a second in, in web sizes, made once; the website
shows it before the video plays; a video without a readable picture still publishes."""

from __future__ import annotations

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from publisher.files import PublicFiles
from publisher.posters import NoPoster, poster_frame
from publisher.public_media import PublicMediaFolder
from publisher.static_site import StaticSite
from storage.blobs import LocalBlobStore
from tests.fakebotapi.samples import sample_phone_mp4
from tests.publishing.kit import make_article, real_mp4, stored_media


def test_the_poster_is_taken_a_second_in(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(real_mp4())
    frame = poster_frame(video).convert("RGB")
    assert frame.size == (320, 240)
    red, _, blue = frame.getpixel((160, 120))  # type: ignore[misc]
    assert red > 150 and blue < 100  # red: after the first (blue) second


def test_a_short_video_gives_its_first_frame_and_a_non_video_none(tmp_path: Path) -> None:
    short = tmp_path / "short.mp4"
    short.write_bytes(real_mp4(seconds=0.5))
    assert poster_frame(short).size == (320, 240)
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(sample_phone_mp4())  # boxes in order, no pictures inside
    with pytest.raises(NoPoster):
        poster_frame(fake)


async def test_the_poster_is_made_once_in_the_blob_store(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path / "media")
    media = await stored_media(blobs, "video", real_mp4(), "v.mp4", "video/mp4")
    files = PublicFiles(blobs, tmp_path / "renditions")
    made = await files.poster(media)
    assert [(r.width, r.height, r.ext) for r in made] == [(320, 240, "jpg"), (320, 240, "webp")]
    again = await PublicFiles(blobs, tmp_path / "renditions").poster(media)
    assert again == made
    with Image.open(io.BytesIO(await files.read(made[0]))) as image:
        assert image.size == (320, 240) and "exif" not in image.info


async def test_the_site_shows_the_poster_and_publishes_a_video_without_one(
    tmp_path: Path,
) -> None:
    blobs = LocalBlobStore(tmp_path / "media")
    files = PublicFiles(blobs, tmp_path / "renditions")
    site_dir = tmp_path / "site"
    site = StaticSite(
        site_dir,
        PublicMediaFolder(site_dir, "https://kota.example", files),
        base_url="https://kota.example",
        title="Warta",
        description="",
        per_page=10,
        timezone=ZoneInfo("Asia/Jakarta"),
    )
    good = await stored_media(blobs, "video", real_mp4(), "pkp-2026-0001-1.mp4", "video/mp4")
    odd = await stored_media(blobs, "video", sample_phone_mp4(), "pkp-2026-0001-2.mp4", "video/mp4")
    article = make_article("Video kegiatan", number=1, media=(good, odd))
    await site.publish(article, None)

    page = (site_dir / "berita" / article.slug / "index.html").read_text()
    assert page.count("<video") == 2
    [poster] = list(site_dir.glob("media/*/pkp-2026-0001-1-poster.jpg"))
    relative = poster.relative_to(site_dir).as_posix()
    assert f'poster="../../{relative}" width="320" height="240"' in page
    assert len(list(site_dir.glob("media/*/*-poster.jpg"))) == 1  # none for the odd one
