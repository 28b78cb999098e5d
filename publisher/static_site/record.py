"""The site's own record of what it shows: ``<site_dir>/.warta/posts.json``.

The record (the manifest) is what lets one publish rewrite only the pages it changes,
and what lets ``warta site build`` redraw the whole site without the database. It is
read and written whole, by one writer at a time (:attr:`SiteRecord.lock`), and every
file the site writes goes through :func:`write_if_changed`: atomic, so a reader never
sees half a page, and a no-op when the content is the same, so a sync to a web server
moves only the pages that really changed.

What is read back is checked before it is trusted: a slug or a media path from a
damaged or hand-edited manifest could otherwise become a path to delete.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.ports.targets import PublishError

MANIFEST_VERSION = 1
MANIFEST_FILE = Path(".warta") / "posts.json"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Public copies as PublicMediaFolder names them; anything else in a manifest is refused
# before it can become a path to delete.
_MEDIA_PATH = re.compile(r"media/[0-9a-f]{1,64}/[^/\\]+")
# Characters XML 1.0 cannot carry at all (and lone surrogates, which cannot be encoded):
# text from Telegram may contain them, and one would make every feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def is_safe_slug(slug: str) -> bool:
    """Lower-case words joined by hyphens: safe as one folder name and in a URL."""
    return _SLUG.fullmatch(slug) is not None


def is_public_media_path(path: str) -> bool:
    """``media/<hex>/<name>``, the only shape of path the site ever deletes under."""
    return _MEDIA_PATH.fullmatch(path) is not None and ".." not in path


def clean_text(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def optional_text(text: str | None) -> str | None:
    """Cleaned and stripped, or None when nothing is left."""
    if not text:
        return None
    return clean_text(text).strip() or None


@dataclass(frozen=True)
class PostVariant:
    """One more size of a post's photo, for the browser to choose (``srcset``)."""

    path: str  # site-relative, in the photo's folder
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True)
class PostMedia:
    """One public file of a post, as the record keeps it."""

    kind: str  # photo | video | document
    path: str  # site-relative: media/<sha16>/<name>
    mime_type: str
    size: int
    name: str
    alt: str = ""
    width: int | None = None
    height: int | None = None
    # A photo's other sizes and formats (its largest JPEG is ``path``), largest first.
    variants: tuple[PostVariant, ...] = ()
    # A video's poster picture, shown before it plays.
    poster: PostVariant | None = None

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]

    @property
    def paths(self) -> tuple[str, ...]:
        poster = (self.poster.path,) if self.poster is not None else ()
        return (self.path, *(v.path for v in self.variants), *poster)


@dataclass(frozen=True)
class Post:
    """One article as the site shows it (frozen: a changed post is a new value)."""

    key: str
    slug: str
    title: str
    body: str
    category: str | None
    section: str | None
    tags: tuple[str, ...]
    published_at: datetime
    updated_at: datetime
    media: tuple[PostMedia, ...]

    @property
    def folder(self) -> str:
        return f"berita/{self.slug}/"

    @property
    def cover(self) -> PostMedia | None:
        return next((m for m in self.media if m.kind == "photo"), None)


@dataclass(frozen=True)
class Manifest:
    """Every post on the site, and when the set last changed (the feeds' "updated")."""

    posts: dict[str, Post]  # by article key
    updated_at: datetime | None = None

    def newest_first(self) -> list[Post]:
        return sorted(self.posts.values(), key=lambda p: (p.published_at, p.key), reverse=True)

    def media_paths(self, *, without: str | None = None) -> set[str]:
        return {
            path
            for p in self.posts.values()
            if p.key != without
            for m in p.media
            for path in m.paths
        }


class SiteRecord:
    """The manifest file of one site folder, and the lock its one writer holds.

    Publish, unpublish and rebuild all read-modify-write the manifest and the shared
    list pages, so each holds :attr:`lock` from reading the record to the last page.
    """

    def __init__(self, site_dir: Path) -> None:
        self.path = site_dir / MANIFEST_FILE
        self.lock = asyncio.Lock()

    def load(self) -> Manifest:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Manifest({})
        try:
            return manifest_from_bytes(data)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Never start over from empty: that would silently drop every post.
            raise PublishError(
                f"site manifest {self.path} is damaged: {exc}", kind="setup"
            ) from exc

    def save(self, manifest: Manifest) -> None:
        write_if_changed(self.path, manifest_to_bytes(manifest), durable=True)


def write_if_changed(path: Path, data: bytes, *, durable: bool = False) -> bool:
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


# --- the file format ------------------------------------------------------------------


def manifest_from_bytes(data: bytes) -> Manifest:
    raw = json.loads(data)
    if raw.get("version") != MANIFEST_VERSION:
        raise ValueError(f"unknown manifest version {raw.get('version')!r}")
    posts = [_post_from_json(p) for p in raw.get("posts") or ()]
    updated = raw.get("updated_at")
    return Manifest({p.key: p for p in posts}, _time(updated) if updated else None)


def manifest_to_bytes(manifest: Manifest) -> bytes:
    raw = {
        "version": MANIFEST_VERSION,
        "updated_at": manifest.updated_at.isoformat() if manifest.updated_at else None,
        "posts": [_post_to_json(p) for p in manifest.newest_first()],
    }
    return json.dumps(raw, ensure_ascii=False, indent=1).encode("utf-8")


def _time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("naive time in manifest")
    return moment


def _media_to_json(media: PostMedia) -> dict[str, Any]:
    return {
        "kind": media.kind,
        "path": media.path,
        "mime_type": media.mime_type,
        "size": media.size,
        "name": media.name,
        "alt": media.alt,
        "width": media.width,
        "height": media.height,
        "variants": [_variant_to_json(v) for v in media.variants],
        "poster": _variant_to_json(media.poster) if media.poster is not None else None,
    }


def _variant_to_json(variant: PostVariant) -> dict[str, Any]:
    return {
        "path": variant.path,
        "width": variant.width,
        "height": variant.height,
        "mime_type": variant.mime_type,
    }


def _media_from_json(raw: dict[str, Any]) -> PostMedia:
    path = str(raw["path"])
    if not is_public_media_path(path):
        raise ValueError(f"unexpected media path {path!r}")
    return PostMedia(
        kind=str(raw["kind"]),
        path=path,
        mime_type=str(raw["mime_type"]),
        size=int(raw["size"]),
        name=str(raw["name"]),
        alt=str(raw.get("alt") or ""),
        width=int(raw["width"]) if raw.get("width") is not None else None,
        height=int(raw["height"]) if raw.get("height") is not None else None,
        variants=tuple(_variant_from_json(v) for v in raw.get("variants") or ()),
        poster=_variant_from_json(raw["poster"]) if raw.get("poster") else None,
    )


def _variant_from_json(raw: dict[str, Any]) -> PostVariant:
    path = str(raw["path"])
    if not is_public_media_path(path):
        raise ValueError(f"unexpected media path {path!r}")
    return PostVariant(path, int(raw["width"]), int(raw["height"]), str(raw["mime_type"]))


def _post_to_json(post: Post) -> dict[str, Any]:
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


def _post_from_json(raw: dict[str, Any]) -> Post:
    slug = str(raw["slug"])
    if not is_safe_slug(slug):
        raise ValueError(f"unexpected slug {slug!r}")
    return Post(
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
