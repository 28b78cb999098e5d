"""The public form of a stored item: the one place that turns rows into an Article."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from datetime import datetime

from bot.core.values import Item, Media
from bot.ports.targets import Article, ArticleMedia, MediaKind, make_slug

_KIND: dict[str, MediaKind] = {
    "photo": "photo",
    "video": "video",
    # Telegram's "animations" are silent MP4 files.
    "animation": "video",
    "document": "document",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def _ordered(item: Item) -> list[Media]:
    live = [m for m in item.media if not m.dropped]
    visual = [m for m in live if m.kind != "document"]
    documents = [m for m in live if m.kind == "document"]
    # The cover leads, as it does in the editor's preview and on the channel.
    visual.sort(key=lambda m: (m.id != item.cover_media_id, m.position))
    documents.sort(key=lambda m: m.position)
    return visual + documents


def _extension(media: Media) -> str:
    if media.file_name and "." in media.file_name:
        return media.file_name.rsplit(".", 1)[1].lower()[:8]
    guessed = mimetypes.guess_extension(media.mime_type or "") if media.mime_type else None
    if guessed:
        return guessed.lstrip(".")
    return {"photo": "jpg", "video": "mp4", "animation": "mp4"}.get(media.kind, "bin")


def public_name(slug: str, index: int, media: Media) -> str:
    """``<slug>-<n>.<ext>`` for photos and videos; documents keep a cleaned version of
    the name the officer gave them (readers download it), prefixed to stay unique."""
    if media.kind == "document" and media.file_name:
        base = media.file_name.replace("\\", "/").rsplit("/", 1)[-1]
        # Letters with accents keep their base letter: "Üsulan" reads as "Usulan".
        base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
        stem, dot, ext = base.rpartition(".")
        if not dot:
            stem, ext = base, ""
        stem = _UNSAFE_NAME.sub("-", stem).strip("-.")[:100] or f"dokumen-{index}"
        ext = _UNSAFE_NAME.sub("", ext)[:8].lower()
        return f"{stem}.{ext}" if ext else stem
    return f"{slug}-{index}.{_extension(media)}"


def article_of(item: Item, published_at: datetime, web_url: str | None = None) -> Article:
    title = (item.title or item.code).strip()
    slug = make_slug(title, item.code)
    media = []
    for index, m in enumerate(_ordered(item), start=1):
        kind = _KIND.get(m.kind, "document")
        media.append(
            ArticleMedia(
                kind=kind,
                blob_key=m.blob_key,
                sha256=m.sha256,
                mime_type=m.mime_type,
                file_name=public_name(slug, index, m),
                size=m.size,
                telegram_file_id=m.telegram_file_id,
                # The editor's description, else one made from the title.
                alt=m.alt or f"{title} — {'foto' if kind == 'photo' else 'berkas'} {index}",
                media_id=m.id,
            )
        )
    return Article(
        key=item.code,
        slug=slug,
        title=title,
        body=(item.body or "").strip(),
        category=item.category,
        section=item.section,
        published_at=published_at,
        media=tuple(media),
        tags=tuple(t for t in (item.section,) if t),
        web_url=web_url,
    )
