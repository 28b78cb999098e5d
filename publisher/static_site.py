"""The office's own website: plain HTML pages, feeds and a sitemap in one folder.

This is the target that works with nothing else installed: any web server (or
``warta site serve``) can serve the folder. The site keeps its own record of what it
shows in ``<site_dir>/.warta/posts.json`` (the manifest), so publishing one article
rewrites only that article's page plus the pages derived from the manifest (home and
category lists, feeds, sitemap), and ``rebuild`` can regenerate everything after an
office changes its templates, without the database.

Links between pages are relative, so the same folder works on ``localhost``, under a
path prefix or on the office's domain; only canonical links, Open Graph tags, feeds and
the sitemap use the absolute ``base_url``, because their readers need it.

Templates are Jinja2 with autoescaping; an office restyles the site by copying a file
from ``publisher/templates`` into its own templates folder, which takes precedence.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime as rfc2822_date
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup
from PIL import Image

from publisher.files import PublicFiles
from publisher.html import excerpt, text_to_html
from publisher.model import Article, ArticleMedia, PublishedRef, PublishError
from publisher.public_media import PublicMediaFolder

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["FEED_SIZE", "StaticSite", "make_server", "serve", "static_site_from_settings"]

SHIPPED_TEMPLATES = Path(__file__).parent / "templates"
FEED_SIZE = 20
MANIFEST_VERSION = 1
_MANIFEST = Path(".warta") / "posts.json"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Public copies as PublicMediaFolder names them; anything else in a manifest is refused
# before it can become a path to delete.
_MEDIA_PATH = re.compile(r"media/[0-9a-f]{1,64}/[^/\\]+")
# Characters XML 1.0 cannot carry at all (and lone surrogates, which cannot be encoded):
# text from Telegram may contain them, and one would make every feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


# --- the manifest -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Media:
    kind: str  # photo | video | document
    path: str  # site-relative: media/<sha16>/<name>
    mime_type: str
    size: int
    name: str
    alt: str = ""
    width: int | None = None
    height: int | None = None

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class _Post:
    key: str
    slug: str
    title: str
    body: str
    category: str | None
    section: str | None
    tags: tuple[str, ...]
    published_at: datetime
    updated_at: datetime
    media: tuple[_Media, ...]

    @property
    def folder(self) -> str:
        return f"berita/{self.slug}/"

    @property
    def cover(self) -> _Media | None:
        return next((m for m in self.media if m.kind == "photo"), None)


@dataclass(frozen=True)
class _Manifest:
    posts: dict[str, _Post]  # by article key
    updated_at: datetime | None = None

    def newest_first(self) -> list[_Post]:
        return sorted(self.posts.values(), key=lambda p: (p.published_at, p.key), reverse=True)

    def media_paths(self, *, without: str | None = None) -> set[str]:
        return {m.path for p in self.posts.values() if p.key != without for m in p.media}


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _optional(text: str | None) -> str | None:
    if not text:
        return None
    return _clean(text).strip() or None


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("naive time in manifest")
    return moment


def _media_to_json(media: _Media) -> dict[str, Any]:
    return {
        "kind": media.kind,
        "path": media.path,
        "mime_type": media.mime_type,
        "size": media.size,
        "name": media.name,
        "alt": media.alt,
        "width": media.width,
        "height": media.height,
    }


def _media_from_json(raw: dict[str, Any]) -> _Media:
    path = str(raw["path"])
    if not _MEDIA_PATH.fullmatch(path) or ".." in path:
        raise ValueError(f"unexpected media path {path!r}")
    return _Media(
        kind=str(raw["kind"]),
        path=path,
        mime_type=str(raw["mime_type"]),
        size=int(raw["size"]),
        name=str(raw["name"]),
        alt=str(raw.get("alt") or ""),
        width=int(raw["width"]) if raw.get("width") is not None else None,
        height=int(raw["height"]) if raw.get("height") is not None else None,
    )


def _post_to_json(post: _Post) -> dict[str, Any]:
    return {
        "key": post.key,
        "slug": post.slug,
        "title": post.title,
        "body": post.body,
        "category": post.category,
        "section": post.section,
        "tags": list(post.tags),
        "published_at": post.published_at.isoformat(),
        "updated_at": post.updated_at.isoformat(),
        "media": [_media_to_json(m) for m in post.media],
    }


def _post_from_json(raw: dict[str, Any]) -> _Post:
    slug = str(raw["slug"])
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"unexpected slug {slug!r}")
    return _Post(
        key=str(raw["key"]),
        slug=slug,
        title=str(raw["title"]),
        body=str(raw.get("body") or ""),
        category=str(raw["category"]) if raw.get("category") else None,
        section=str(raw["section"]) if raw.get("section") else None,
        tags=tuple(str(t) for t in raw.get("tags") or ()),
        published_at=_time(raw["published_at"]),
        updated_at=_time(raw["updated_at"]),
        media=tuple(_media_from_json(m) for m in raw.get("media") or ()),
    )


def _manifest_from_bytes(data: bytes) -> _Manifest:
    raw = json.loads(data)
    if raw.get("version") != MANIFEST_VERSION:
        raise ValueError(f"unknown manifest version {raw.get('version')!r}")
    posts = [_post_from_json(p) for p in raw.get("posts") or ()]
    updated = raw.get("updated_at")
    return _Manifest({p.key: p for p in posts}, _time(updated) if updated else None)


def _manifest_to_bytes(manifest: _Manifest) -> bytes:
    raw = {
        "version": MANIFEST_VERSION,
        "updated_at": manifest.updated_at.isoformat() if manifest.updated_at else None,
        "posts": [_post_to_json(p) for p in manifest.newest_first()],
    }
    return json.dumps(raw, ensure_ascii=False, indent=1).encode("utf-8")


# --- what templates see -----------------------------------------------------------------


@dataclass(frozen=True)
class _MediaView:
    kind: str
    src: str  # relative to the site root, URL-quoted
    url: str  # absolute
    alt: str
    name: str
    mime_type: str
    size: int
    size_label: str
    type_label: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class _PostView:
    key: str
    title: str
    url: str  # relative to the site root
    abs_url: str
    date_label: str
    date_iso: str
    published_iso: str  # UTC, for Open Graph
    category: str | None
    category_url: str | None
    section: str | None
    tags: tuple[str, ...]
    summary: str
    body_html: Markup
    cover: _MediaView | None
    photos: tuple[_MediaView, ...]
    videos: tuple[_MediaView, ...]
    documents: tuple[_MediaView, ...]


@dataclass(frozen=True)
class _Pager:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class _CategoryView:
    name: str
    slug: str
    url: str
    count: int


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "lainnya"


def _size_label(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{size / 1024**3:.1f} GB".replace(".", ",")


def _type_label(media: _Media) -> str:
    if "." in media.name:
        return media.name.rsplit(".", 1)[1].upper()[:8]
    return media.mime_type.split("/")[-1].upper()[:8]


def _chunks(posts: Sequence[_Post], size: int) -> list[Sequence[_Post]]:
    return [posts[i : i + size] for i in range(0, len(posts), size)] or [[]]


def _root(folder: str) -> str:
    """The relative way back to the site root from a page in ``folder``."""
    return "../" * len([part for part in folder.split("/") if part])


def _page_folder(prefix: str, number: int) -> str:
    return prefix if number == 1 else f"{prefix}halaman/{number}/"


# --- files ------------------------------------------------------------------------------


def _write(path: Path, data: bytes, *, durable: bool = False) -> bool:
    """Replace ``path`` atomically; unchanged content is left alone so that a sync to a
    web server (rsync, object storage) only moves the pages that really changed."""
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unique per writer, so a CLI rebuild next to the running bot never shares a temp file.
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return True


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            return int(width), int(height)
    except (OSError, ValueError, SyntaxError):
        return None


def _static_files(templates_dir: Path | None) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    folders = [SHIPPED_TEMPLATES / "static"]
    if templates_dir is not None:
        folders.append(templates_dir / "static")
    for folder in folders:  # the office's files come last and win
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.is_file() and not entry.name.startswith("."):
                    files[entry.name] = entry.read_bytes()
    return files


def _xml(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- the target -------------------------------------------------------------------------


class StaticSite:
    """The static website target (``name = "site"``)."""

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
    ) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.site_dir = Path(site_dir)
        self._media = media
        self._base_url = base_url.rstrip("/")
        self._title = title
        self._description = description
        self._per_page = per_page
        self._zone = timezone
        self._templates_dir = templates_dir
        loaders: list[FileSystemLoader] = [FileSystemLoader(SHIPPED_TEMPLATES)]
        if templates_dir is not None:
            loaders.insert(0, FileSystemLoader(templates_dir))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            # A typo in an office's template should fail the build, not publish blanks.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        # One site folder, one writer at a time: publish, unpublish and rebuild all
        # read-modify-write the manifest and the shared list pages.
        self._lock = asyncio.Lock()
        # Every publish redraws every list page, so each post's view (its body turned
        # into HTML, its date in words) is made once and kept while the post is
        # unchanged: posts are frozen values, so a changed post is a new key.
        self._view = functools.lru_cache(maxsize=8192)(self._make_view)

    @property
    def manifest_path(self) -> Path:
        return self.site_dir / _MANIFEST

    def url_for(self, slug: str) -> str:
        return f"{self._base_url}/berita/{slug}/"

    # --- the Target port ----------------------------------------------------------------

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        if not _SLUG.fullmatch(article.slug):
            raise PublishError(
                f"article {article.key}: slug {article.slug!r} is not URL-safe", kind="setup"
            )
        async with self._lock:
            manifest = await asyncio.to_thread(self._load)
            media = tuple([await self._export(article, m, n) for n, m in enumerate(article.media)])
            old = manifest.posts.get(article.key)
            now = datetime.now(UTC)
            post = _Post(
                key=article.key,
                slug=article.slug,
                title=_clean(article.title),
                body=_clean(article.body or ""),
                category=_optional(article.category),
                section=_optional(article.section),
                tags=tuple(_clean(t) for t in article.tags),
                published_at=article.published_at.astimezone(UTC),
                # First appearance counts as published, not as an update.
                updated_at=now if old is not None else article.published_at.astimezone(UTC),
                media=media,
            )
            if old is not None and replace(post, updated_at=old.updated_at) == old:
                post = old  # same content: feeds keep their "updated" time
            stale_slugs = {old.slug} if old is not None else set()
            if ref is not None and _SLUG.fullmatch(ref.remote_id):
                stale_slugs.add(ref.remote_id)
            await asyncio.to_thread(self._publish_files, manifest, post, stale_slugs, now)
        return PublishedRef(remote_id=article.slug, url=self.url_for(article.slug))

    async def locate(self, article: Article) -> PublishedRef | None:
        manifest = await asyncio.to_thread(self._load)
        post = manifest.posts.get(article.key)
        if post is None:
            return None
        return PublishedRef(remote_id=post.slug, url=self.url_for(post.slug))

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        async with self._lock:
            await asyncio.to_thread(self._unpublish_files, article.key, ref.remote_id)

    async def rebuild(self) -> int:
        """Regenerate every page from the manifest; returns the number of posts."""
        async with self._lock:
            return await asyncio.to_thread(self._rebuild_files)

    # --- steps (blocking; run in a worker thread) ---------------------------------------

    async def _export(self, article: Article, media: ArticleMedia, index: int) -> _Media:
        relative, public = await self._media.export(media)
        if not _MEDIA_PATH.fullmatch(relative) or ".." in relative:
            raise PublishError(f"{media.file_name}: unexpected public path", kind="file")
        size = None
        if public.mime_type.startswith("image/"):
            size = await asyncio.to_thread(_image_size, public.data)
        alt = media.alt or (f"{article.title} (foto {index + 1})" if media.kind == "photo" else "")
        return _Media(
            kind=media.kind,
            path=relative,
            mime_type=public.mime_type,
            size=len(public.data),
            name=_clean(public.file_name),
            alt=_clean(alt),
            width=size[0] if size else None,
            height=size[1] if size else None,
        )

    def _load(self) -> _Manifest:
        try:
            data = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return _Manifest({})
        try:
            return _manifest_from_bytes(data)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Never start over from empty: that would silently drop every post.
            raise PublishError(
                f"site manifest {self.manifest_path} is damaged: {exc}", kind="setup"
            ) from exc

    def _save(self, manifest: _Manifest) -> None:
        _write(self.manifest_path, _manifest_to_bytes(manifest), durable=True)

    def _publish_files(
        self, manifest: _Manifest, post: _Post, stale_slugs: set[str], now: datetime
    ) -> None:
        others = {k: p for k, p in manifest.posts.items() if k != post.key}
        assets = self._write_assets()
        # The page first, the manifest second: a crash in between leaves a page that the
        # next attempt overwrites, never a manifest entry without a page.
        self._write_post(post, assets)
        old = manifest.posts.get(post.key)
        # A republish that changes nothing must not make feed readers think it did.
        changed = old != post or bool(stale_slugs - {post.slug})
        updated = _Manifest({**others, post.key: post}, now if changed else manifest.updated_at)
        self._save(updated)
        taken = {p.slug for p in updated.posts.values()}
        for slug in stale_slugs - taken:
            shutil.rmtree(self.site_dir / "berita" / slug, ignore_errors=True)
        if old is not None:
            self._drop_media(old, updated)
        self._write_lists(updated, assets)

    def _unpublish_files(self, key: str, remote_id: str) -> None:
        manifest = self._load()
        post = manifest.posts.get(key)
        remaining = _Manifest(
            {k: p for k, p in manifest.posts.items() if k != key},
            datetime.now(UTC) if post is not None else manifest.updated_at,
        )
        taken = {p.slug for p in remaining.posts.values()}
        slugs = {post.slug} if post is not None else set()
        if _SLUG.fullmatch(remote_id):
            slugs.add(remote_id)
        # Files go before the manifest entry: if this is interrupted, the entry is still
        # there and the retry finds what is left to remove.
        for slug in slugs - taken:
            shutil.rmtree(self.site_dir / "berita" / slug, ignore_errors=True)
        if post is None:
            return  # already gone (a retry, or never published here)
        self._drop_media(post, remaining)
        self._save(remaining)
        self._write_lists(remaining, self._write_assets())

    def _drop_media(self, old: _Post, manifest: _Manifest) -> None:
        """Remove the public copies ``old`` used that no post in ``manifest`` uses."""
        in_use = manifest.media_paths()
        used_folders = {path.rsplit("/", 1)[0] for path in in_use}
        for media in old.media:
            if media.path in in_use:
                continue
            if media.folder in used_folders:
                # The same original in another post under another name: keep the folder.
                (self.site_dir / media.path).unlink(missing_ok=True)
            else:
                shutil.rmtree(self.site_dir / media.folder, ignore_errors=True)

    def _rebuild_files(self) -> int:
        manifest = self._load()
        assets = self._write_assets()
        for post in manifest.posts.values():
            self._write_post(post, assets)
        berita = self.site_dir / "berita"
        if berita.is_dir():
            slugs = {p.slug for p in manifest.posts.values()}
            for entry in berita.iterdir():
                if entry.is_dir() and entry.name not in slugs:
                    shutil.rmtree(entry, ignore_errors=True)
        self._write_lists(manifest, assets)
        return len(manifest.posts)

    # --- rendering ----------------------------------------------------------------------

    def _write_assets(self) -> str:
        """Copy the stylesheet (and any office static files); returns a version string
        for the stylesheet link, so browsers fetch a restyled sheet at once."""
        files = _static_files(self._templates_dir)
        for name, data in files.items():
            _write(self.site_dir / "static" / name, data)
        return hashlib.sha256(files.get("style.css", b"")).hexdigest()[:10]

    def _render(self, template: str, folder: str, assets: str, **context: Any) -> bytes:
        root = _root(folder)
        try:
            html = self._env.get_template(template).render(
                site={
                    "title": self._title,
                    "description": self._description,
                    "base_url": self._base_url,
                },
                root=root,
                home=root or "./",
                stylesheet=f"{root}static/style.css?v={assets}",
                canonical=f"{self._base_url}/{folder}",
                **context,
            )
        except TemplateError as exc:
            raise PublishError(f"site template {template}: {exc}", kind="setup") from exc
        return html.encode("utf-8")

    def _write_page(self, template: str, folder: str, assets: str, **context: Any) -> None:
        data = self._render(template, folder, assets, **context)
        _write(self.site_dir / folder / "index.html", data)

    def _write_post(self, post: _Post, assets: str) -> None:
        self._write_page("post.html", post.folder, assets, post=self._view(post))

    def _media_view(self, media: _Media) -> _MediaView:
        src = quote(media.path, safe="/")
        return _MediaView(
            kind=media.kind,
            src=src,
            url=f"{self._base_url}/{src}",
            alt=media.alt,
            name=media.name,
            mime_type=media.mime_type,
            size=media.size,
            size_label=_size_label(media.size),
            type_label=_type_label(media),
            width=media.width,
            height=media.height,
        )

    def _make_view(self, post: _Post) -> _PostView:
        local = post.published_at.astimezone(self._zone)
        label = format_datetime(local, "EEEE, d MMMM y HH.mm", locale="id")
        zone = _ZONE_LABELS.get(self._zone.key, self._zone.key)
        views = [self._media_view(m) for m in post.media]
        cover = post.cover
        return _PostView(
            key=post.key,
            title=post.title,
            url=post.folder,
            abs_url=self.url_for(post.slug),
            date_label=f"{label} {zone}",
            date_iso=local.isoformat(timespec="seconds"),
            published_iso=_rfc3339(post.published_at),
            category=post.category,
            category_url=f"kategori/{_slugify(post.category)}/" if post.category else None,
            section=post.section,
            tags=post.tags,
            summary=excerpt(post.body),
            # Escaped and then sanitized by nh3, so it may go into pages as it is.
            body_html=Markup(text_to_html(post.body)),
            cover=self._media_view(cover) if cover is not None else None,
            photos=tuple(v for v in views if v.kind == "photo"),
            videos=tuple(v for v in views if v.kind == "video"),
            documents=tuple(v for v in views if v.kind == "document"),
        )

    def _categories(self, posts: Sequence[_Post]) -> dict[str, tuple[str, list[_Post]]]:
        """Posts by category slug (names that slug alike share a page), newest first."""
        groups: dict[str, tuple[str, list[_Post]]] = {}
        for post in posts:
            if post.category:
                slug = _slugify(post.category)
                groups.setdefault(slug, (post.category, []))[1].append(post)
        return dict(sorted(groups.items(), key=lambda item: item[1][0].casefold()))

    def _write_listing(
        self,
        prefix: str,
        posts: Sequence[_Post],
        assets: str,
        template: str,
        **context: Any,
    ) -> None:
        pages = _chunks(posts, self._per_page)
        for number, chunk in enumerate(pages, start=1):
            folder = _page_folder(prefix, number)
            pager = _Pager(
                number=number,
                total=len(pages),
                prev_url=_page_folder(prefix, number - 1) if number > 1 else None,
                next_url=_page_folder(prefix, number + 1) if number < len(pages) else None,
            )
            self._write_page(
                template,
                folder,
                assets,
                posts=[self._view(p) for p in chunk],
                pager=pager,
                **context,
            )
        self._prune_pages(self.site_dir / prefix / "halaman", len(pages))

    @staticmethod
    def _prune_pages(folder: Path, keep: int) -> None:
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            if entry.is_dir() and not (entry.name.isdigit() and 2 <= int(entry.name) <= keep):
                shutil.rmtree(entry, ignore_errors=True)

    def _write_lists(self, manifest: _Manifest, assets: str) -> None:
        posts = manifest.newest_first()
        groups = self._categories(posts)
        categories = [
            _CategoryView(name, slug, f"kategori/{slug}/", len(members))
            for slug, (name, members) in groups.items()
        ]
        self._write_listing("", posts, assets, "home.html", categories=categories)
        for slug, (name, members) in groups.items():
            self._write_listing(
                f"kategori/{slug}/",
                members,
                assets,
                "category.html",
                category=_CategoryView(name, slug, f"kategori/{slug}/", len(members)),
            )
        self._write_page("categories.html", "kategori/", assets, categories=categories)
        kategori = self.site_dir / "kategori"
        for entry in kategori.iterdir():
            if entry.is_dir() and entry.name not in groups:
                shutil.rmtree(entry, ignore_errors=True)

        newest = posts[:FEED_SIZE]
        updated = manifest.updated_at or datetime(1970, 1, 1, tzinfo=UTC)
        views = [self._view(p) for p in newest]
        _write(self.site_dir / "feed.xml", self._rss(newest, views, updated))
        _write(self.site_dir / "atom.xml", self._atom(newest, views, updated))
        _write(self.site_dir / "feed.json", self._json_feed(newest, views))
        _write(self.site_dir / "sitemap.xml", self._sitemap(posts, groups, updated))
        _write(self.site_dir / "robots.txt", self._robots())

    # --- feeds --------------------------------------------------------------------------

    def _feed_html(self, view: _PostView) -> str:
        """The article for a feed reader: photos and downloads with absolute addresses
        (a reader has no page to resolve relative ones against), then the text."""
        parts: list[Markup] = []
        for photo in view.photos:
            parts.append(Markup('<p><img src="{}" alt="{}"></p>').format(photo.url, photo.alt))
        parts.append(view.body_html)
        for video in view.videos:
            parts.append(Markup('<p><a href="{}">Tonton video</a></p>').format(video.url))
        for doc in view.documents:
            parts.append(
                Markup('<p><a href="{}">Unduh dokumen: {} ({}, {})</a></p>').format(
                    doc.url, doc.name, doc.type_label, doc.size_label
                )
            )
        return str(Markup("").join(parts))

    def _rss(self, posts: Sequence[_Post], views: Sequence[_PostView], updated: datetime) -> bytes:
        rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": _ATOM})
        channel = _sub(rss, "channel")
        _sub(channel, "title", self._title)
        _sub(channel, "link", f"{self._base_url}/")
        _sub(channel, "description", self._description)
        _sub(channel, "language", "id")
        _sub(channel, "lastBuildDate", rfc2822_date(updated.astimezone(UTC)))
        _sub(channel, "generator", "warta")
        _sub(
            channel,
            "atom:link",
            href=f"{self._base_url}/feed.xml",
            rel="self",
            type="application/rss+xml",
        )
        for post, view in zip(posts, views, strict=True):
            item = _sub(channel, "item")
            _sub(item, "title", post.title)
            _sub(item, "link", view.abs_url)
            _sub(item, "guid", view.abs_url, isPermaLink="true")
            _sub(item, "pubDate", rfc2822_date(post.published_at.astimezone(UTC)))
            _sub(item, "description", self._feed_html(view))
            if post.category:
                _sub(item, "category", post.category)
            if view.cover is not None:
                _sub(
                    item,
                    "enclosure",
                    url=view.cover.url,
                    length=str(view.cover.size),
                    type=view.cover.mime_type,
                )
        return _xml(rss)

    def _atom(self, posts: Sequence[_Post], views: Sequence[_PostView], updated: datetime) -> bytes:
        feed = ET.Element("feed", {"xmlns": _ATOM, "xml:lang": "id"})
        _sub(feed, "id", f"{self._base_url}/")
        _sub(feed, "title", self._title)
        _sub(feed, "subtitle", self._description)
        _sub(feed, "updated", _rfc3339(updated))
        _sub(feed, "link", href=f"{self._base_url}/atom.xml", rel="self")
        _sub(feed, "link", href=f"{self._base_url}/", rel="alternate", type="text/html")
        _sub(_sub(feed, "author"), "name", self._title)
        _sub(feed, "generator", "warta")
        for post, view in zip(posts, views, strict=True):
            entry = _sub(feed, "entry")
            _sub(entry, "id", view.abs_url)
            _sub(entry, "title", post.title)
            _sub(entry, "link", href=view.abs_url, rel="alternate", type="text/html")
            _sub(entry, "published", _rfc3339(post.published_at))
            _sub(entry, "updated", _rfc3339(post.updated_at))
            if view.summary:
                _sub(entry, "summary", view.summary)
            _sub(entry, "content", self._feed_html(view), type="html")
            if post.category:
                _sub(entry, "category", term=post.category)
        return _xml(feed)

    def _json_feed(self, posts: Sequence[_Post], views: Sequence[_PostView]) -> bytes:
        items: list[dict[str, Any]] = []
        for post, view in zip(posts, views, strict=True):
            item: dict[str, Any] = {
                "id": view.abs_url,
                "url": view.abs_url,
                "title": post.title,
                "content_html": self._feed_html(view),
                "summary": view.summary,
                "date_published": _rfc3339(post.published_at),
                "date_modified": _rfc3339(post.updated_at),
                "tags": [t for t in (post.category, *post.tags) if t],
            }
            if view.cover is not None:
                item["image"] = view.cover.url
            attachments = [
                {
                    "url": m.url,
                    "mime_type": m.mime_type,
                    "title": m.name,
                    "size_in_bytes": m.size,
                }
                for m in (*view.videos, *view.documents)
            ]
            if attachments:
                item["attachments"] = attachments
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self._title,
            "home_page_url": f"{self._base_url}/",
            "feed_url": f"{self._base_url}/feed.json",
            "description": self._description,
            "language": "id",
            "authors": [{"name": self._title}],
            "items": items,
        }
        return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"

    def _sitemap(
        self,
        posts: Sequence[_Post],
        groups: dict[str, tuple[str, list[_Post]]],
        updated: datetime,
    ) -> bytes:
        urlset = ET.Element("urlset", {"xmlns": _SITEMAP})

        def add(loc: str, lastmod: datetime) -> None:
            url = _sub(urlset, "url")
            _sub(url, "loc", loc)
            _sub(url, "lastmod", _rfc3339(lastmod))

        add(f"{self._base_url}/", updated)
        for slug, (_name, members) in groups.items():
            add(f"{self._base_url}/kategori/{slug}/", max(p.updated_at for p in members))
        for post in posts:
            add(self.url_for(post.slug), post.updated_at)
        return _xml(urlset)

    def _robots(self) -> bytes:
        # Crawlers only read /robots.txt at a host's root: a site under a path prefix
        # still names its own folder, for the office to merge into the root file.
        prefix = urlsplit(self._base_url).path.rstrip("/")
        return (
            f"User-agent: *\nDisallow: {prefix}/.warta/\n\nSitemap: {self._base_url}/sitemap.xml\n"
        ).encode()


def static_site_from_settings(settings: Settings, files: PublicFiles) -> StaticSite:
    """The site as the operator configured it (``WARTA_SITE_*``)."""
    site_dir = settings.effective_site_dir
    return StaticSite(
        site_dir,
        PublicMediaFolder(site_dir, settings.site_url, files),
        base_url=settings.site_url,
        title=settings.site_title,
        description=settings.site_description,
        per_page=settings.site_posts_per_page,
        timezone=ZoneInfo(settings.timezone),
        templates_dir=settings.site_templates_dir,
    )


# --- serving on this computer -----------------------------------------------------------


class _SiteHandler(SimpleHTTPRequestHandler):
    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = unquote(urlsplit(self.path).path)
        # The manifest (and any editor's or server's dot-files) are not part of the site.
        if any(part.startswith(".") for part in re.split(r"[/\\]", path) if part):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """An HTTP server for the site folder, not yet running (``port=0`` picks a free one)."""
    handler = functools.partial(_SiteHandler, directory=str(site_dir))
    return ThreadingHTTPServer((host, port), handler)


def serve(
    site_dir: Path, host: str, port: int, *, announce: Callable[[str], None] | None = None
) -> None:
    """Serve the site folder until interrupted (a preview; not a production server).

    ``announce`` receives the address once the port is bound, so nothing is promised
    to the operator before the server can really answer.
    """
    server = make_server(site_dir, host, port)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
