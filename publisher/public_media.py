"""A public folder of an article's files, served next to the static website.

The static site links its galleries and downloads here, and the webhook hands these
URLs to an office's own CMS. Files are the public copies from :class:`PublicFiles`
(images without metadata), named ``media/<first 16 hex of the original's SHA-256>/<name>``
so the same original always lands at the same address and writing it again is a no-op.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from bot.ports.targets import ArticleMedia, PublishError
from publisher.files import PublicFile, PublicFiles, StoredRendition


class PublicMediaFolder:
    def __init__(self, root: Path, base_url: str, files: PublicFiles) -> None:
        # ``root`` is the site folder; files go under ``root/media``.
        self._root = root
        self._base_url = base_url.rstrip("/")
        self._files = files

    def _folder(self, media: ArticleMedia) -> str:
        digest = (media.sha256 or (media.blob_key or "").rsplit("/", 1)[-1])[:16]
        if not digest:
            raise PublishError("file not downloaded yet; will retry", kind="file")
        return f"media/{digest}"

    async def export(self, media: ArticleMedia) -> tuple[str, PublicFile]:
        """Write the public copy (once) and return its site-relative path and the file."""
        public = await self._files.get(media)
        relative = f"{self._folder(media)}/{public.file_name}"
        target = self._root / relative
        if not target.exists():
            if public.path is not None:
                # A video: copied file to file, never whole in memory.
                await asyncio.to_thread(_copy_atomic, target, public.path)
            else:
                await asyncio.to_thread(_write_atomic, target, await public.read())
        return relative, public

    async def export_photo(
        self, media: ArticleMedia
    ) -> tuple[str, PublicFile, list[tuple[str, StoredRendition]]]:
        """Write every rendition of a photo (once): the largest JPEG (or PNG) under the
        name :meth:`export` gives it, the others as ``<stem>-<width>w.<ext>``. Returns the
        largest's path and file, and each other rendition with its path."""
        relative, public = await self.export(media)
        folder, name = relative.rsplit("/", 1)
        stem = name.rsplit(".", 1)[0]
        made = await self._files.renditions(media)
        largest = next(r for r in made if not r.is_webp)  # the one ``export`` wrote
        others = []
        for rendition in made:
            if rendition == largest:
                continue
            path = f"{folder}/{stem}-{rendition.width}w.{rendition.ext}"
            target = self._root / path
            if not target.exists():
                data = await self._files.read(rendition)
                await asyncio.to_thread(_write_atomic, target, data)
            others.append((path, rendition))
        return relative, public, others

    async def export_poster(self, media: ArticleMedia) -> tuple[str, StoredRendition] | None:
        """Write a video's poster (its largest JPEG) beside it, once: ``<stem>-poster.jpg``;
        None when the video has none."""
        made = await self._files.poster(media)
        largest = next((r for r in made if not r.is_webp), None)
        if largest is None:
            return None
        stem = media.file_name.rsplit(".", 1)[0] if "." in media.file_name else media.file_name
        path = f"{self._folder(media)}/{stem}-poster.{largest.ext}"
        target = self._root / path
        if not target.exists():
            await asyncio.to_thread(_write_atomic, target, await self._files.read(largest))
        return path, largest

    def url(self, relative: str) -> str:
        return f"{self._base_url}/{relative}"

    async def remove(self, media: ArticleMedia) -> None:
        """Remove an article's public copy (its folder holds only this original's files)."""
        folder = self._root / self._folder(media)
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _copy_atomic(target: Path, source: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, temp)
    os.replace(temp, target)


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    temp.write_bytes(data)
    os.replace(temp, target)
