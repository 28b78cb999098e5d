"""The one way a file leaves warta for a public target.

Originals stay in the blob store byte for byte (they are the archive). What the public
sees is made here: images are decoded and re-encoded with Pillow, turned upright, bounded
in size and stripped of every metadata block (EXIF with GPS position, XMP, comments), so
a photo an officer sent "as a file" does not publish where it was taken; MP4 videos keep
their pictures but lose their metadata boxes (``publisher.mp4meta``). Every target
takes its files through :meth:`PublicFiles.get`, so later renditions work has one place
to change.
"""

from __future__ import annotations

import asyncio
import io
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from publisher.model import ArticleMedia, PublishError
from publisher.mp4meta import strip_mp4_metadata
from storage.blobs import BlobNotFoundError, BlobStore
from storage.file_checks import MAX_PIXELS as INTAKE_MAX_PIXELS

# Longest side of a web image; phones send up to 4000-8000 px, a page needs far less.
WEB_MAX_SIDE = 2048
# Refuse images that would decode to more than this many pixels (decompression bombs):
# the same bound as at intake, so a 200 MP phone photo taken in also publishes.
MAX_PIXELS = INTAKE_MAX_PIXELS
JPEG_QUALITY = 85

_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff"}


@dataclass(frozen=True)
class PublicFile:
    data: bytes
    mime_type: str
    file_name: str


class UnsafeImage(ValueError):
    """The image cannot be made public safely (unreadable, or a decompression bomb)."""


_MP4_TYPES = {"video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp"}


def is_mp4(media: ArticleMedia) -> bool:
    if media.kind == "video" and not media.mime_type:
        return True  # Telegram's videos are MP4
    return (media.mime_type or "").lower() in _MP4_TYPES


def needs_cleaning(media: ArticleMedia) -> bool:
    """Whether the public copy differs from the original (so the original, or Telegram's
    copy of it, must never be re-sent)."""
    return is_image(media) or is_mp4(media)


def is_image(media: ArticleMedia) -> bool:
    if media.kind == "photo":
        return True
    return media.kind == "document" and (media.mime_type or "").lower() in _IMAGE_TYPES


def public_image(data: bytes) -> tuple[bytes, str, str]:
    """Re-encode an image without metadata: (bytes, mime type, file extension).

    Opaque images become JPEG; images with transparency stay PNG. Orientation from EXIF
    is applied to the pixels before EXIF is dropped, so the photo stays upright.
    """
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_PIXELS and twice that; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(io.BytesIO(data)) as opened:
                # A JPEG is decoded at the smallest of 1/2, 1/4, 1/8 of its size that is
                # still larger than the web size: a 48 MP photo costs a fraction of the
                # time and memory, a 200 MP one can be opened at all.
                opened.draft("RGB", (WEB_MAX_SIDE, WEB_MAX_SIDE))
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsafeImage("image too large to decode safely") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise UnsafeImage("not a readable image") from exc
    image.thumbnail((WEB_MAX_SIDE, WEB_MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if has_alpha:
        clean = image.convert("RGBA")
        # A fresh image carries no info dict, so nothing of the original's metadata.
        bare = Image.new("RGBA", clean.size)
        bare.paste(clean)
        bare.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    clean = image.convert("RGB")
    bare = Image.new("RGB", clean.size)
    bare.paste(clean)
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg", "jpg"


class PublicFiles:
    """Public copies of an article's files, with web images cached on disk by content."""

    def __init__(self, blobs: BlobStore, cache_dir: Path) -> None:
        self._blobs = blobs
        self._cache_dir = cache_dir

    async def get(self, media: ArticleMedia) -> PublicFile:
        """The public copy. A cleaned copy (a web image, a video without its metadata)
        is made once and kept on disk by content: every further target reads it, not
        the original again."""
        if media.blob_key is None:
            raise PublishError("file not downloaded yet; will retry", kind="file")
        if is_mp4(media):
            # Videos keep their pictures and sound; only the metadata boxes are blanked.
            cleaned = await self._cleaned(media, (("mp4", "video/mp4"),), _clean_video)
            return PublicFile(cleaned[0], media.mime_type or "video/mp4", media.file_name)
        if not is_image(media):
            original = await self._original(media.blob_key)
            return PublicFile(original, media.mime_type or _guess_mime(media), media.file_name)
        data, mime, ext = await self._cleaned(media, _WEB_IMAGES, _web_image)
        stem = media.file_name.rsplit(".", 1)[0] if "." in media.file_name else media.file_name
        return PublicFile(data, mime, f"{stem}.{ext}")

    async def _original(self, key: str) -> bytes:
        try:
            return await self._blobs.read_bytes(key)
        except BlobNotFoundError as exc:
            raise PublishError("file missing from the media store", kind="file") from exc

    async def _cleaned(
        self,
        media: ArticleMedia,
        kinds: tuple[tuple[str, str], ...],
        clean: Callable[[bytes], tuple[bytes, str, str]],
    ) -> tuple[bytes, str, str]:
        assert media.blob_key is not None
        digest = (media.sha256 or media.blob_key).rsplit("/", 1)[-1]
        for ext, mime in kinds:
            cached = self._cache_dir / f"{digest}.{ext}"
            if cached.exists():
                return await asyncio.to_thread(cached.read_bytes), mime, ext
        original = await self._original(media.blob_key)
        try:
            data, mime, ext = await asyncio.to_thread(clean, original)
        except UnsafeImage as exc:
            raise PublishError(f"{media.file_name}: {exc}", kind="file") from exc
        await asyncio.to_thread(self._store, self._cache_dir / f"{digest}.{ext}", data)
        return data, mime, ext

    @staticmethod
    def _store(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(path.suffix + ".part")
        temp.write_bytes(data)
        os.replace(temp, path)


_WEB_IMAGES = (("jpg", "image/jpeg"), ("png", "image/png"))


def _web_image(original: bytes) -> tuple[bytes, str, str]:
    return public_image(original)


def _clean_video(original: bytes) -> tuple[bytes, str, str]:
    return strip_mp4_metadata(original), "video/mp4", "mp4"


def _guess_mime(media: ArticleMedia) -> str:
    if media.kind == "video":
        return "video/mp4"
    return "application/octet-stream"
