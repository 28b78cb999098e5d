"""What the templates and the feeds see: a post in words and addresses.

The record keeps a post as data (UTC times, site-relative paths, plain text); readers
need it as the office says it: a date in the site's language and time zone, sizes like
"1,2 MB", the body as safe HTML, and both relative links (pages, so one folder works
on any host or path prefix) and absolute ones (canonical links, Open Graph, feeds).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from markupsafe import Markup

from bot.core.timefmt import zone_label
from publisher.html import excerpt, text_to_html
from publisher.static_site.record import Post, PostMedia

# How a post's date reads on its page: "Kamis, 26 November 2026 10.15 WIB".
_DATE_PATTERNS = {"id": "EEEE, d MMMM y HH.mm", "en": "EEEE, d MMMM y HH:mm"}
# The category page of a name with no letters or digits in it ("—", say). Part of the
# site's addresses, like "berita/" and "kategori/": never translated, so links stay put.
_FALLBACK_SLUG = "lainnya"


@dataclass(frozen=True)
class SiteInfo:
    """The site as a whole: its address, its name and the language it speaks."""

    base_url: str  # without the trailing slash
    title: str
    description: str
    language: str

    def url_for(self, slug: str) -> str:
        return f"{self.base_url}/berita/{slug}/"


@dataclass(frozen=True)
class MediaView:
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
    # A photo's sizes for ``srcset`` as (src, width): its own format (the largest is
    # ``src``) and WebP; empty for a photo published before renditions, or not a photo.
    srcset: tuple[tuple[str, int], ...] = ()
    webp_srcset: tuple[tuple[str, int], ...] = ()
    # A video's poster (src, width, height): also the video's shape on the page.
    poster: tuple[str, int, int] | None = None


@dataclass(frozen=True)
class PostView:
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
    cover: MediaView | None
    photos: tuple[MediaView, ...]
    videos: tuple[MediaView, ...]
    documents: tuple[MediaView, ...]


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class CategoryView:
    name: str
    slug: str
    url: str
    count: int


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or _FALLBACK_SLUG


def category_folder(slug: str) -> str:
    return f"kategori/{slug}/"


def by_category(posts: Sequence[Post]) -> dict[str, tuple[str, list[Post]]]:
    """Posts by category slug (names that slug alike share a page), in the order of
    ``posts``; categories sorted by name."""
    groups: dict[str, tuple[str, list[Post]]] = {}
    for post in posts:
        if post.category:
            slug = slugify(post.category)
            groups.setdefault(slug, (post.category, []))[1].append(post)
    return dict(sorted(groups.items(), key=lambda item: item[1][0].casefold()))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{size / 1024**3:.1f} GB".replace(".", ",")


def type_label(media: PostMedia) -> str:
    if "." in media.name:
        return media.name.rsplit(".", 1)[1].upper()[:8]
    return media.mime_type.split("/")[-1].upper()[:8]


class PostViews:
    """Makes (and remembers) each post's view.

    Every publish redraws every list page, so each post's view (its body turned into
    HTML, its date in words) is made once and kept while the post is unchanged: posts
    are frozen values, so a changed post is a new key.
    """

    def __init__(self, site: SiteInfo, zone: ZoneInfo) -> None:
        self._site = site
        self._zone = zone
        self._date_pattern = _DATE_PATTERNS.get(site.language, _DATE_PATTERNS["id"])
        self._cached = functools.lru_cache(maxsize=8192)(self._make)

    def __call__(self, post: Post) -> PostView:
        return self._cached(post)

    def media(self, media: PostMedia) -> MediaView:
        src = quote(media.path, safe="/")
        return MediaView(
            kind=media.kind,
            src=src,
            url=f"{self._site.base_url}/{src}",
            alt=media.alt,
            name=media.name,
            mime_type=media.mime_type,
            size=media.size,
            size_label=size_label(media.size),
            type_label=type_label(media),
            width=media.width,
            height=media.height,
            srcset=_srcset(media, media.mime_type, ((src, media.width or 0),)),
            webp_srcset=_srcset(media, "image/webp", ()),
            poster=(
                (quote(media.poster.path, safe="/"), media.poster.width, media.poster.height)
                if media.poster is not None
                else None
            ),
        )

    def _make(self, post: Post) -> PostView:
        local = post.published_at.astimezone(self._zone)
        label = format_datetime(local, self._date_pattern, locale=self._site.language)
        views = [self.media(m) for m in post.media]
        cover = post.cover
        return PostView(
            key=post.key,
            title=post.title,
            url=post.folder,
            abs_url=self._site.url_for(post.slug),
            date_label=f"{label} {zone_label(self._zone)}",
            date_iso=local.isoformat(timespec="seconds"),
            published_iso=rfc3339(post.published_at),
            category=post.category,
            category_url=category_folder(slugify(post.category)) if post.category else None,
            section=post.section,
            tags=post.tags,
            summary=excerpt(post.body),
            # Escaped and then sanitized by nh3, so it may go into pages as it is.
            body_html=Markup(text_to_html(post.body)),
            cover=self.media(cover) if cover is not None else None,
            photos=tuple(v for v in views if v.kind == "photo"),
            videos=tuple(v for v in views if v.kind == "video"),
            documents=tuple(v for v in views if v.kind == "document"),
        )


def _srcset(
    media: PostMedia, mime_type: str, first: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    sizes = tuple(
        (quote(v.path, safe="/"), v.width) for v in media.variants if v.mime_type == mime_type
    )
    return (*first, *sizes) if sizes else ()
