"""What the publishing target tests share: articles, their files in a blob store, and
checks for the metadata a public copy must not carry."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime

from PIL import ExifTags, Image

from bot.ports.blobs import BlobStore
from bot.ports.targets import Article, ArticleMedia, MediaKind, make_slug

_numbers = itertools.count(1)
# Monday 4 May 2026, 10.00 in Jakarta: long past, so no target schedules it for later.
WHEN = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def has_exif(data: bytes) -> bool:
    """Any EXIF at all, as Pillow reads it or as the raw ``Exif`` segment."""
    with Image.open(io.BytesIO(data)) as image:
        return len(image.getexif()) > 0 or b"Exif" in data


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


async def stored_media(
    blobs: BlobStore,
    kind: MediaKind,
    data: bytes,
    file_name: str,
    mime_type: str,
    *,
    telegram_file_id: str | None = None,
    alt: str = "",
) -> ArticleMedia:
    """``data`` put in ``blobs``, as an article's file."""
    ref = await blobs.put_bytes(data)
    return ArticleMedia(
        kind=kind,
        blob_key=ref.key,
        sha256=ref.sha256,
        mime_type=mime_type,
        file_name=file_name,
        size=ref.size,
        telegram_file_id=telegram_file_id,
        alt=alt,
    )


def make_article(
    title: str = "Banjir surut di Kelurahan Sukamaju",
    *,
    number: int | None = None,
    slug: str | None = None,
    body: str = "Isi berita.",
    category: str | None = "Pengumuman",
    section: str | None = None,
    media: tuple[ArticleMedia, ...] = (),
    when: datetime = WHEN,
    tags: tuple[str, ...] = (),
    web_url: str | None = None,
) -> Article:
    """An article ``PKP-2026-<number>`` (the next unused one unless given), its slug made
    from the title as the bot makes it unless given."""
    key = f"PKP-2026-{next(_numbers) if number is None else number:04d}"
    return Article(
        key=key,
        slug=slug or make_slug(title, key),
        title=title,
        body=body,
        category=category,
        section=section,
        published_at=when,
        media=media,
        tags=tags,
        web_url=web_url,
    )


def real_mp4(seconds: float = 3.0, size: tuple[int, int] = (320, 240)) -> bytes:
    """A short, decodable MP4 (MPEG-4 Part 2, which every FFmpeg build encodes): blue
    for its first second, then red, so a poster taken one second in is red."""
    import av
    from PIL import Image

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.gop_size = 5  # key frames every half second, for seeking
        for index in range(int(seconds * 10)):
            color = (20, 40, 220) if index < 10 else (220, 30, 30)
            frame = av.VideoFrame.from_image(Image.new("RGB", size, color))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
