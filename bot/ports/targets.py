"""What every publishing target receives and returns.

An :class:`Article` is the public form of one approved item, frozen at the moment it is
published: targets never read the database, so each one can be tested on its own and
the outbox worker stays the only place that knows about storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

MediaKind = Literal["photo", "video", "document"]
# What went wrong, in terms a publisher can act on (each has a translated sentence,
# ``pubfail.<kind>``); the message keeps the technical detail for the IT team.
ErrorKind = Literal[
    "timeout",  # no answer in time (the request may have arrived)
    "unreachable",  # could not connect at all
    "login",  # the account or password was refused
    "permission",  # logged in, but not allowed (not a channel admin, role too low)
    "not_found",  # the configured address or channel does not exist
    "busy",  # asked to wait (rate limit)
    "server",  # the target's own error (HTTP 5xx)
    "refused",  # the target refused what was sent (HTTP 4xx)
    "file",  # a file is not downloaded yet, missing or unreadable
    "setup",  # warta's own configuration or site files need attention
    "other",
]


@dataclass(frozen=True)
class ArticleMedia:
    kind: MediaKind
    # Blob-store key of the original (None while it is still being downloaded).
    blob_key: str | None
    sha256: str | None
    mime_type: str | None
    # A safe, public file name such as ``pkp-2026-0001-2.jpg`` or the officer's
    # document name cleaned of path parts.
    file_name: str
    size: int | None = None
    # Telegram's id of the file as received, for re-sending videos and documents to a
    # channel without uploading them again (never for images: see ``PublicFiles``).
    telegram_file_id: str | None = None
    # Alternative text for screen readers (the article title with the photo's number).
    alt: str = ""
    # The stored file's row id: names the file that cannot be made public, if any.
    media_id: int | None = None

    @property
    def is_visual(self) -> bool:
        return self.kind in ("photo", "video")


@dataclass(frozen=True)
class Article:
    # The item's code (``PKP-2026-0001``): the idempotency key on every target.
    key: str
    # URL-safe, stable for the item: ``<title words>-<code>`` in lower case.
    slug: str
    title: str
    # Plain text as the editor left it; each target escapes or sanitizes it itself
    # (see ``publisher.html``).
    body: str
    category: str | None
    section: str | None
    published_at: datetime  # aware, UTC
    # Cover first, then the others in the editor's order.
    media: tuple[ArticleMedia, ...] = ()
    tags: tuple[str, ...] = ()
    # The article's address on the office website once a website target has published
    # it (filled in by the outbox for the targets that link to it, e.g. the channel).
    web_url: str | None = None

    @property
    def visual_media(self) -> tuple[ArticleMedia, ...]:
        return tuple(m for m in self.media if m.is_visual)

    @property
    def documents(self) -> tuple[ArticleMedia, ...]:
        return tuple(m for m in self.media if m.kind == "document")


@dataclass(frozen=True)
class PublishedRef:
    """Where a target put an article: its remote id (for updates and takedowns), its
    public URL, and whatever else the target needs later (message ids, media ids)."""

    remote_id: str
    url: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class PublishError(Exception):
    """A target could not publish or remove an article this time.

    ``ambiguous`` means the request may have reached the target before the failure (a
    timeout after sending): the next attempt must first look for what it left behind.
    The message is shown to the publisher and the webmaster, so it must never contain
    credentials.
    """

    def __init__(
        self,
        message: str,
        *,
        ambiguous: bool = False,
        kind: ErrorKind = "other",
        unpublishable: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.ambiguous = ambiguous
        self.kind: ErrorKind = kind
        # A file that can never be made public (its media id) and why (a catalog key):
        # retrying cannot help, so the outbox sets it aside and publishes the rest.
        self.unpublishable = unpublishable
        self.reason = reason


class CannotTell(Exception):
    """The target has no way to look up what an interrupted attempt left behind (a
    Telegram channel cannot be searched): a person has to check before it is re-sent."""


class Target(Protocol):
    """One place an approved item is published to.

    ``publish`` creates the article, or updates it when ``ref`` says where it already
    is. ``locate`` finds a copy that an interrupted attempt left behind (so a lost
    response never becomes a duplicate); it returns None when there is none and raises
    :class:`CannotTell` when the target cannot be searched. ``unpublish`` removes the
    article and succeeds when it is already gone.
    """

    name: str

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef: ...

    async def locate(self, article: Article) -> PublishedRef | None: ...

    async def unpublish(self, article: Article, ref: PublishedRef) -> None: ...


def make_slug(title: str, key: str, limit: int = 60) -> str:
    """``<title words>-<key>`` in lower-case ASCII: readable, unique (the key is) and
    stable for the item, so every target can find an article again by it."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] or words[:limit]
    tail = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return f"{words}-{tail}" if words else tail


class PublicCopies(Protocol):
    """The public copies of an item's files (renditions, cleaned documents and videos),
    made ahead of publishing (``publisher.prepare``)."""

    async def prepare(self, article: Article) -> int:
        """Make every public copy of ``article`` not made yet; how many files are ready."""
        ...
