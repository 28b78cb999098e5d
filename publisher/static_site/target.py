"""The static website as a publishing target: what publishing, taking down and
rebuilding do to the site folder, and in which order.

Each step holds the record's lock from reading the manifest to the last page, and runs
its file work in a worker thread. The order of writes is chosen so that an interrupted
step leaves something the retry can finish: a page before its manifest entry when
publishing, the files before the entry when taking down.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PIL import Image

from bot.core.i18n import DEFAULT_LANGUAGE, Translator
from bot.ports.targets import Article, ArticleMedia, PublishedRef, PublishError
from publisher.files import is_image, is_mp4
from publisher.public_media import PublicMediaFolder
from publisher.static_site.feeds import write_feeds
from publisher.static_site.record import (
    Manifest,
    Post,
    PostMedia,
    PostVariant,
    SiteRecord,
    clean_text,
    is_public_media_path,
    is_safe_slug,
    optional_text,
)
from publisher.static_site.render import Pages
from publisher.static_site.views import PostViews, SiteInfo, by_category

if TYPE_CHECKING:
    pass


class StaticSite:
    """The static website target (``name = "site"``).

    ``language`` is the language of the words warta adds to the site itself (dates,
    a photo's description when the officer gave none, feed links); the templates carry
    their own.
    """

    name = "site"

    def __init__(
        self,
        site_dir: Path,
        media: PublicMediaFolder,
        *,
        base_url: str,
        title: str,
        description: str,
        per_page: int,
        timezone: ZoneInfo,
        templates_dir: Path | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.site_dir = Path(site_dir)
        self._media = media
        self._site = SiteInfo(base_url.rstrip("/"), title, description, language)
        self._t = Translator()
        self._record = SiteRecord(self.site_dir)
        self._views = PostViews(self._site, timezone)
        self._pages = Pages(
            self.site_dir, self._site, self._views, per_page=per_page, templates_dir=templates_dir
        )

    @property
    def manifest_path(self) -> Path:
        return self._record.path

    def url_for(self, slug: str) -> str:
        return self._site.url_for(slug)

    # --- the Target port ----------------------------------------------------------------

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        if not is_safe_slug(article.slug):
            raise PublishError(
                f"article {article.key}: slug {article.slug!r} is not URL-safe", kind="setup"
            )
        async with self._record.lock:
            manifest = await asyncio.to_thread(self._record.load)
            media = tuple([await self._export(article, m, n) for n, m in enumerate(article.media)])
            old = manifest.posts.get(article.key)
            now = datetime.now(UTC)
            post = Post(
                key=article.key,
                slug=article.slug,
                title=clean_text(article.title),
                body=clean_text(article.body or ""),
                category=optional_text(article.category),
                section=optional_text(article.section),
                tags=tuple(clean_text(tag) for tag in article.tags),
                published_at=article.published_at.astimezone(UTC),
                # First appearance counts as published, not as an update.
                updated_at=now if old is not None else article.published_at.astimezone(UTC),
                media=media,
            )
            if old is not None and replace(post, updated_at=old.updated_at) == old:
                post = old  # same content: feeds keep their "updated" time
            stale_slugs = {old.slug} if old is not None else set()
            if ref is not None and is_safe_slug(ref.remote_id):
                stale_slugs.add(ref.remote_id)
            await asyncio.to_thread(self._publish_files, manifest, post, stale_slugs, now)
        return PublishedRef(remote_id=article.slug, url=self.url_for(article.slug))

    async def locate(self, article: Article) -> PublishedRef | None:
        manifest = await asyncio.to_thread(self._record.load)
        post = manifest.posts.get(article.key)
        if post is None:
            return None
        return PublishedRef(remote_id=post.slug, url=self.url_for(post.slug))

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        async with self._record.lock:
            await asyncio.to_thread(self._unpublish_files, article.key, ref.remote_id)

    async def rebuild(self) -> int:
        """Regenerate every page from the manifest; returns the number of posts."""
        async with self._record.lock:
            return await asyncio.to_thread(self._rebuild_files)

    # --- steps (blocking; run in a worker thread) ---------------------------------------

    async def _export(self, article: Article, media: ArticleMedia, index: int) -> PostMedia:
        variants: tuple[PostVariant, ...] = ()
        poster = None
        if is_image(media):
            relative, public, others = await self._media.export_photo(media)
            variants = tuple(
                PostVariant(path, r.width, r.height, r.mime_type) for path, r in others
            )
        else:
            relative, public = await self._media.export(media)
            if is_mp4(media):
                found = await self._media.export_poster(media)
                if found is not None:
                    path, frame = found
                    poster = PostVariant(path, frame.width, frame.height, frame.mime_type)
        for path in (relative, *(v.path for v in variants), *([poster.path] if poster else [])):
            if not is_public_media_path(path):
                raise PublishError(f"{media.file_name}: unexpected public path", kind="file")
        size = None
        if public.mime_type.startswith("image/"):
            size = await asyncio.to_thread(_image_size, await public.read())
        alt = media.alt or (self._photo_alt(article.title, index) if media.kind == "photo" else "")
        return PostMedia(
            kind=media.kind,
            path=relative,
            mime_type=public.mime_type,
            size=public.size,
            name=clean_text(public.file_name),
            alt=clean_text(alt),
            width=size[0] if size else None,
            height=size[1] if size else None,
            variants=variants,
            poster=poster,
        )

    def _photo_alt(self, title: str, index: int) -> str:
        """A photo's description for readers who cannot see it, when the officer gave none."""
        t = self._t
        return t("site.photo_alt", self._site.language, title=title, n=index + 1)

    def _publish_files(
        self, manifest: Manifest, post: Post, stale_slugs: set[str], now: datetime
    ) -> None:
        others = {k: p for k, p in manifest.posts.items() if k != post.key}
        assets = self._pages.write_assets()
        # The page first, the manifest second: a crash in between leaves a page that the
        # next attempt overwrites, never a manifest entry without a page.
        self._pages.write_post(post, assets)
        old = manifest.posts.get(post.key)
        # A republish that changes nothing must not make feed readers think it did.
        changed = old != post or bool(stale_slugs - {post.slug})
        updated = Manifest({**others, post.key: post}, now if changed else manifest.updated_at)
        self._record.save(updated)
        taken = {p.slug for p in updated.posts.values()}
        for slug in stale_slugs - taken:
            shutil.rmtree(self.site_dir / "berita" / slug, ignore_errors=True)
        if old is not None:
            self._drop_media(old, updated)
        self._write_lists(updated, assets)

    def _unpublish_files(self, key: str, remote_id: str) -> None:
        manifest = self._record.load()
        post = manifest.posts.get(key)
        remaining = Manifest(
            {k: p for k, p in manifest.posts.items() if k != key},
            datetime.now(UTC) if post is not None else manifest.updated_at,
        )
        taken = {p.slug for p in remaining.posts.values()}
        slugs = {post.slug} if post is not None else set()
        if is_safe_slug(remote_id):
            slugs.add(remote_id)
        # Files go before the manifest entry: if this is interrupted, the entry is still
        # there and the retry finds what is left to remove.
        for slug in slugs - taken:
            shutil.rmtree(self.site_dir / "berita" / slug, ignore_errors=True)
        if post is None:
            return  # already gone (a retry, or never published here)
        self._drop_media(post, remaining)
        self._record.save(remaining)
        self._write_lists(remaining, self._pages.write_assets())

    def _drop_media(self, old: Post, manifest: Manifest) -> None:
        """Remove the public copies ``old`` used that no post in ``manifest`` uses."""
        in_use = manifest.media_paths()
        used_folders = {path.rsplit("/", 1)[0] for path in in_use}
        for media in old.media:
            if media.path in in_use:
                continue
            if media.folder in used_folders:
                # The same original in another post under another name: keep the folder.
                for path in media.paths:
                    (self.site_dir / path).unlink(missing_ok=True)
            else:
                shutil.rmtree(self.site_dir / media.folder, ignore_errors=True)

    def _rebuild_files(self) -> int:
        manifest = self._record.load()
        assets = self._pages.write_assets()
        for post in manifest.posts.values():
            self._pages.write_post(post, assets)
        berita = self.site_dir / "berita"
        if berita.is_dir():
            slugs = {p.slug for p in manifest.posts.values()}
            for entry in berita.iterdir():
                if entry.is_dir() and entry.name not in slugs:
                    shutil.rmtree(entry, ignore_errors=True)
        self._write_lists(manifest, assets)
        return len(manifest.posts)

    def _write_lists(self, manifest: Manifest, assets: str) -> None:
        """Everything drawn from the whole manifest: list pages, feeds, sitemap."""
        posts = manifest.newest_first()
        groups = by_category(posts)
        self._pages.write_lists(posts, groups, assets)
        write_feeds(
            self.site_dir, self._site, self._views, self._t, posts, groups, manifest.updated_at
        )


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            return int(width), int(height)
    except (OSError, ValueError, SyntaxError):
        return None
