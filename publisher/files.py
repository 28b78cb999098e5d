"""The one way a file leaves warta for a public target.

Originals stay in the blob store byte for byte (they are the archive). What the public
sees is made here, once per original: a photo's web sizes (:mod:`publisher.renditions`:
upright, bounded, stripped of every metadata block, so a photo an officer sent "as a
file" does not publish where it was taken) are kept in the blob store; MP4 videos keep
their pictures but lose their metadata boxes (``publisher.mp4meta``). Every target
takes its files through :class:`PublicFiles`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from bot.ports.blobs import BlobNotFoundError, BlobStore, hash_stream
from bot.ports.targets import ArticleMedia, PublishError
from publisher.documents import CLEANED_TYPES, UncleanableDocument, clean_document
from publisher.mp4meta import NotMp4, strip_mp4_file
from publisher.posters import NoPoster, poster_jpeg
from publisher.renditions import (
    JPEG_QUALITY,
    SIDES,
    WEBP_METHOD,
    WEBP_QUALITY,
    Rendition,
    UnsafeImage,
    Watermark,
    WatermarkUnreadable,
    make_renditions,
)


@dataclass(frozen=True)
class PublicFile:
    """A public copy, in memory (``content``: a photo's rendition, a document) or on
    disk (``path``: a video's cleaned copy, which may be large). Targets that can
    stream take the path; :meth:`read` gives the bytes to those that cannot."""

    mime_type: str
    file_name: str
    size: int
    sha256: str
    content: bytes | None = field(default=None, repr=False)
    path: Path | None = None

    @classmethod
    def of(cls, data: bytes, mime_type: str, file_name: str) -> PublicFile:
        digest = hashlib.sha256(data).hexdigest()
        return cls(mime_type, file_name, len(data), digest, content=data)

    async def read(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.path is not None
        return await asyncio.to_thread(self.path.read_bytes)


_IMAGE_TYPES = {
    "image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff",
    "image/heic", "image/heif",
}  # fmt: skip
_MP4_TYPES = {"video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp"}


def is_mp4(media: ArticleMedia) -> bool:
    if media.kind == "video" and not media.mime_type:
        return True  # Telegram's videos are MP4
    return (media.mime_type or "").lower() in _MP4_TYPES


def needs_cleaning(media: ArticleMedia) -> bool:
    """Whether the public copy differs from the original (so the original, or Telegram's
    copy of it, must never be re-sent)."""
    if media.kind == "document" and (media.mime_type or "").lower() in CLEANED_TYPES:
        return True
    return is_image(media) or is_mp4(media)


def is_image(media: ArticleMedia) -> bool:
    if media.kind == "photo":
        return True
    return media.kind == "document" and (media.mime_type or "").lower() in _IMAGE_TYPES


@dataclass(frozen=True)
class StoredRendition:
    """One web size of a photo, kept in the blob store under ``key``."""

    side: int
    width: int
    height: int
    mime_type: str
    ext: str
    key: str
    size: int

    @property
    def is_webp(self) -> bool:
        return self.mime_type == "image/webp"


class PublicFiles:
    """Public copies of an article's files, each made once from its original.

    A photo's renditions (:mod:`publisher.renditions`) go into the blob store; which
    blobs they are is kept in ``cache_dir`` as a small index per original and recipe
    (sizes, qualities, watermark), so a changed watermark makes new ones. A video's
    cleaned copy is kept in ``cache_dir`` itself. Every target asks here, so the
    original is read once whatever the number of targets.
    """

    def __init__(
        self, blobs: BlobStore, cache_dir: Path, watermark: Watermark | None = None
    ) -> None:
        self._blobs = blobs
        self._cache_dir = cache_dir
        self._watermark = watermark
        self._recipe = recipe(watermark)
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, media: ArticleMedia) -> PublicFile:
        """The one public copy a target sends: the largest rendition of a photo, the
        cleaned copy of a video, a document as it is."""
        if media.blob_key is None:
            raise PublishError("file not downloaded yet; will retry", kind="file")
        if is_mp4(media):
            # Videos keep their pictures and sound; only the metadata boxes are blanked.
            path, size, digest = await self._cleaned_video(media)
            mime = media.mime_type or "video/mp4"
            return PublicFile(mime, media.file_name, size, digest, path=path)
        mime = (media.mime_type or "").lower()
        if media.kind == "document" and mime in CLEANED_TYPES:
            # Documents keep every page; who wrote them stays in the original only.
            cleaned = await self._cleaned_copy(
                media, "doc", partial(clean_document, mime_type=mime)
            )
            return PublicFile.of(cleaned, mime, media.file_name)
        if not is_image(media):
            original = await self._original(media.blob_key)
            return PublicFile.of(original, media.mime_type or _guess_mime(media), media.file_name)
        largest = next(r for r in await self.renditions(media) if not r.is_webp)
        stem = media.file_name.rsplit(".", 1)[0] if "." in media.file_name else media.file_name
        data = await self.read(largest)
        return PublicFile.of(data, largest.mime_type, f"{stem}.{largest.ext}")

    async def renditions(self, media: ArticleMedia) -> tuple[StoredRendition, ...]:
        """Every web size of a photo, largest first, JPEG (or PNG) before WebP: made on
        the first call, found again on every later one."""
        if media.blob_key is None:
            raise PublishError("file not downloaded yet; will retry", kind="file")
        digest = _digest(media)
        index = self._cache_dir / f"{digest}.{self._recipe}.json"
        async with self._locks.setdefault(digest, asyncio.Lock()):
            known = await asyncio.to_thread(_read_index, index)
            if known is not None:
                return known
            original = await self._original(media.blob_key)
            try:
                made = await asyncio.to_thread(make_renditions, original, SIDES, self._watermark)
            except UnsafeImage as exc:
                raise unpublishable(media, str(exc), exc.reason) from exc
            except WatermarkUnreadable as exc:
                raise PublishError(str(exc), kind="setup") from exc
            del original
            return await self._keep(made, index)

    async def poster(self, media: ArticleMedia) -> tuple[StoredRendition, ...]:
        """A video's poster (:mod:`publisher.posters`) in web sizes, made once; empty
        when the video has no picture that can be decoded (it is published all the
        same)."""
        digest = _digest(media)
        index = self._cache_dir / f"{digest}.poster.{self._recipe}.json"
        async with self._locks.setdefault(f"{digest}:poster", asyncio.Lock()):
            known = await asyncio.to_thread(_read_index, index)
            if known is not None:
                return known
            path, _, _ = await self._cleaned_video(media)
            try:
                frame = await asyncio.to_thread(poster_jpeg, path)
                made = await asyncio.to_thread(
                    make_renditions, frame, POSTER_SIDES, self._watermark
                )
            except (NoPoster, UnsafeImage):
                made = ()
            except WatermarkUnreadable as exc:
                raise PublishError(str(exc), kind="setup") from exc
            return await self._keep(made, index)

    async def _keep(self, made: tuple[Rendition, ...], index: Path) -> tuple[StoredRendition, ...]:
        """Put renditions in the blob store and note which blobs they are."""
        stored = []
        for rendition in made:
            ref = await self._blobs.put_bytes(rendition.data)
            stored.append(
                StoredRendition(
                    rendition.side, rendition.width, rendition.height,
                    rendition.mime_type, rendition.ext, ref.key, ref.size,
                )
            )  # fmt: skip
        await asyncio.to_thread(_write_index, index, stored)
        return tuple(stored)

    async def read(self, rendition: StoredRendition) -> bytes:
        return await self._original(rendition.key)

    async def _original(self, key: str) -> bytes:
        try:
            return await self._blobs.read_bytes(key)
        except BlobNotFoundError as exc:
            raise PublishError("file missing from the media store", kind="file") from exc

    async def _cleaned_video(self, media: ArticleMedia) -> tuple[Path, int, str]:
        """A video's public copy on disk, with its size and SHA-256: the original is
        copied in chunks from the store, its metadata boxes are blanked in place, and
        the copy is kept (with a note of its checksum) for every later target."""
        assert media.blob_key is not None
        digest = _digest(media)
        cached = self._cache_dir / f"{digest}.mp4"
        facts = self._cache_dir / f"{digest}.mp4.sum"
        async with self._locks.setdefault(digest, asyncio.Lock()):
            known = await asyncio.to_thread(_read_facts, cached, facts)
            if known is not None:
                return cached, *known
            await asyncio.to_thread(self._cache_dir.mkdir, parents=True, exist_ok=True)
            temp = self._cache_dir / f".{digest}.{uuid.uuid4().hex}.part"
            try:
                try:
                    await self._blobs.copy_to(media.blob_key, temp)
                except BlobNotFoundError as exc:
                    raise PublishError("file missing from the media store", kind="file") from exc
                try:
                    size, sha256 = await asyncio.to_thread(_strip_and_sum, temp)
                except NotMp4 as exc:
                    problem = f"not a readable video ({exc})"
                    raise unpublishable(media, problem, "unpublishable.video") from exc
                await asyncio.to_thread(os.replace, temp, cached)
            finally:
                await asyncio.to_thread(temp.unlink, missing_ok=True)
            await asyncio.to_thread(_store, facts, f"{sha256} {size}\n".encode())
            return cached, size, sha256

    async def _cleaned_copy(
        self, media: ArticleMedia, suffix: str, clean: Callable[[bytes], bytes]
    ) -> bytes:
        """A document's public copy, made once and kept in ``cache_dir``."""
        assert media.blob_key is not None
        cached = self._cache_dir / f"{_digest(media)}.{suffix}"
        if cached.exists():
            return await asyncio.to_thread(cached.read_bytes)
        original = await self._original(media.blob_key)
        try:
            data = await asyncio.to_thread(clean, original)
        except UncleanableDocument as exc:
            raise unpublishable(media, str(exc), exc.reason) from exc
        await asyncio.to_thread(_store, cached, data)
        return data


# A poster is shown at the video's width on the page: two sizes are enough.
POSTER_SIDES = (1280, 640)


def unpublishable(media: ArticleMedia, problem: str, reason: str) -> PublishError:
    """The error for a file no target can ever make public: set aside, not retried."""
    return PublishError(
        f"{media.file_name}: {problem}", kind="file", unpublishable=media.media_id, reason=reason
    )


def recipe(watermark: Watermark | None) -> str:
    """A short name for how renditions are made: a new one when any of it changes."""
    parts = [repr(SIDES), str(JPEG_QUALITY), str(WEBP_QUALITY), str(WEBP_METHOD)]
    if watermark is not None:
        try:
            logo = hashlib.sha256(watermark.image.read_bytes()).hexdigest()
        except OSError:
            logo = "missing"
        parts += [logo, watermark.corner, str(watermark.opacity), str(watermark.scale)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _strip_and_sum(path: Path) -> tuple[int, str]:
    strip_mp4_file(path)
    with path.open("rb") as stream:
        sha256, size = hash_stream(stream)
    return size, sha256


def _read_facts(cached: Path, facts: Path) -> tuple[int, str] | None:
    """(size, SHA-256) of a cleaned copy made before, or None when it is not whole."""
    try:
        sha256, size = facts.read_text().split()
        if cached.stat().st_size == int(size):
            return int(size), sha256
    except (OSError, ValueError):
        pass
    return None


def _digest(media: ArticleMedia) -> str:
    return (media.sha256 or media.blob_key or "").rsplit("/", 1)[-1]


def _read_index(path: Path) -> tuple[StoredRendition, ...] | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return tuple(StoredRendition(**row) for row in rows)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        return None  # a damaged index: the renditions are made again


def _write_index(path: Path, stored: list[StoredRendition]) -> None:
    _store(path, json.dumps([asdict(r) for r in stored]).encode())


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".part")
    temp.write_bytes(data)
    os.replace(temp, path)


def _guess_mime(media: ArticleMedia) -> str:
    if media.kind == "video":
        return "video/mp4"
    return "application/octet-stream"
