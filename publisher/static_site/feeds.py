"""The site for machines: RSS, Atom and JSON Feed of the newest posts, the sitemap and
``robots.txt``.

Feed readers and crawlers have no page to resolve a relative link against, so
everything here uses the absolute ``base_url``. The few words warta itself adds to a
feed entry (the links to a post's video and documents) come from the translation
catalogs, in the site's language.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime as rfc2822_date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from bot.core.i18n import Translator
from publisher.static_site.record import Post, write_if_changed
from publisher.static_site.views import PostView, PostViews, SiteInfo, category_folder, rfc3339

#: How many of the newest posts each feed carries.
FEED_SIZE = 20
_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The feeds' "updated" before anything was ever published.
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)

#: One feed entry: the post, its view and its content as HTML for a feed reader.
Entry = tuple[Post, PostView, str]


def write_feeds(
    site_dir: Path,
    site: SiteInfo,
    views: PostViews,
    t: Translator,
    posts: Sequence[Post],
    groups: dict[str, tuple[str, list[Post]]],
    updated: datetime | None,
) -> None:
    """Every feed, the sitemap and robots.txt, for ``posts`` (newest first) in the
    categories ``groups`` (:func:`~.views.by_category`); ``updated`` is the record's."""
    newest = posts[:FEED_SIZE]
    when = updated or _NEVER
    entries = [(post, views(post), feed_html(views(post), t, site.language)) for post in newest]
    write_if_changed(site_dir / "feed.xml", rss(site, entries, when))
    write_if_changed(site_dir / "atom.xml", atom(site, entries, when))
    write_if_changed(site_dir / "feed.json", json_feed(site, entries))
    write_if_changed(site_dir / "sitemap.xml", sitemap(site, posts, groups, when))
    write_if_changed(site_dir / "robots.txt", robots(site))


def feed_html(view: PostView, t: Translator, language: str) -> str:
    """The article for a feed reader: photos and downloads with absolute addresses
    (a reader has no page to resolve relative ones against), then the text."""
    parts: list[Markup] = []
    for photo in view.photos:
        parts.append(Markup('<p><img src="{}" alt="{}"></p>').format(photo.url, photo.alt))
    parts.append(view.body_html)
    for video in view.videos:
        label = t("site.feed.watch_video", language)
        parts.append(Markup('<p><a href="{}">{}</a></p>').format(video.url, label))
    for doc in view.documents:
        label = t("site.feed.download_document", language, name=doc.name)
        parts.append(
            Markup('<p><a href="{}">{} ({}, {})</a></p>').format(
                doc.url, label, doc.type_label, doc.size_label
            )
        )
    return str(Markup("").join(parts))


def rss(site: SiteInfo, entries: Sequence[Entry], updated: datetime) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": _ATOM})
    channel = _sub(root, "channel")
    _sub(channel, "title", site.title)
    _sub(channel, "link", f"{site.base_url}/")
    _sub(channel, "description", site.description)
    _sub(channel, "language", site.language)
    _sub(channel, "lastBuildDate", rfc2822_date(updated.astimezone(UTC)))
    _sub(channel, "generator", "warta")
    _sub(
        channel,
        "atom:link",
        href=f"{site.base_url}/feed.xml",
        rel="self",
        type="application/rss+xml",
    )
    for post, view, html in entries:
        item = _sub(channel, "item")
        _sub(item, "title", post.title)
        _sub(item, "link", view.abs_url)
        _sub(item, "guid", view.abs_url, isPermaLink="true")
        _sub(item, "pubDate", rfc2822_date(post.published_at.astimezone(UTC)))
        _sub(item, "description", html)
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
    return _xml(root)


def atom(site: SiteInfo, entries: Sequence[Entry], updated: datetime) -> bytes:
    feed = ET.Element("feed", {"xmlns": _ATOM, "xml:lang": site.language})
    _sub(feed, "id", f"{site.base_url}/")
    _sub(feed, "title", site.title)
    _sub(feed, "subtitle", site.description)
    _sub(feed, "updated", rfc3339(updated))
    _sub(feed, "link", href=f"{site.base_url}/atom.xml", rel="self")
    _sub(feed, "link", href=f"{site.base_url}/", rel="alternate", type="text/html")
    _sub(_sub(feed, "author"), "name", site.title)
    _sub(feed, "generator", "warta")
    for post, view, html in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", view.abs_url)
        _sub(entry, "title", post.title)
        _sub(entry, "link", href=view.abs_url, rel="alternate", type="text/html")
        _sub(entry, "published", rfc3339(post.published_at))
        _sub(entry, "updated", rfc3339(post.updated_at))
        if view.summary:
            _sub(entry, "summary", view.summary)
        _sub(entry, "content", html, type="html")
        if post.category:
            _sub(entry, "category", term=post.category)
    return _xml(feed)


def json_feed(site: SiteInfo, entries: Sequence[Entry]) -> bytes:
    items: list[dict[str, Any]] = []
    for post, view, html in entries:
        item: dict[str, Any] = {
            "id": view.abs_url,
            "url": view.abs_url,
            "title": post.title,
            "content_html": html,
            "summary": view.summary,
            "date_published": rfc3339(post.published_at),
            "date_modified": rfc3339(post.updated_at),
            "tags": [tag for tag in (post.category, *post.tags) if tag],
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
        "title": site.title,
        "home_page_url": f"{site.base_url}/",
        "feed_url": f"{site.base_url}/feed.json",
        "description": site.description,
        "language": site.language,
        "authors": [{"name": site.title}],
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def sitemap(
    site: SiteInfo,
    posts: Sequence[Post],
    groups: dict[str, tuple[str, list[Post]]],
    updated: datetime,
) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": _SITEMAP})

    def add(loc: str, lastmod: datetime) -> None:
        url = _sub(urlset, "url")
        _sub(url, "loc", loc)
        _sub(url, "lastmod", rfc3339(lastmod))

    add(f"{site.base_url}/", updated)
    for slug, (_name, members) in groups.items():
        add(f"{site.base_url}/{category_folder(slug)}", max(p.updated_at for p in members))
    for post in posts:
        add(site.url_for(post.slug), post.updated_at)
    return _xml(urlset)


def robots(site: SiteInfo) -> bytes:
    # Crawlers only read /robots.txt at a host's root: a site under a path prefix
    # still names its own folder, for the office to merge into the root file.
    prefix = urlsplit(site.base_url).path.rstrip("/")
    return (
        f"User-agent: *\nDisallow: {prefix}/.warta/\n\nSitemap: {site.base_url}/sitemap.xml\n"
    ).encode()


def _xml(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element
