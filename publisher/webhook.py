"""Publishing to an office's own system: a signed JSON POST to ``WARTA_WEBHOOK_URL``.

Request
    ``POST <WARTA_WEBHOOK_URL>`` with a UTF-8 JSON body (compact, non-ASCII kept as is)::

        {"event": "published", "delivery": "PKP-2026-0001:published:3f9a1c0d2b7e",
         "sent_at": "2026-05-04T03:02:01Z",
         "article": {"key": "PKP-2026-0001", "slug": "...", "title": "...",
                     "body": "plain text", "body_html": "<p>sanitized</p>",
                     "category": "...", "section": "...", "tags": ["..."],
                     "published_at": "2026-05-04T03:00:00Z", "url": "https://... or null",
                     "media": [{"kind": "photo", "url": "https://.../media/ab12.../x.jpg",
                                "mime_type": "image/jpeg", "file_name": "x.jpg",
                                "size": 12345, "sha256": "<hex of the public file>",
                                "alt": "..."}]}}

        {"event": "unpublished", "delivery": "...", "sent_at": "...",
         "article": {"key": "PKP-2026-0001", "slug": "..."}}

    ``published`` means "create or replace the article with this key"; ``unpublished``
    means "remove it" (answer 2xx, or 404/410 when it is not there). Media URLs are
    absolute and point to the public copies (images re-encoded without EXIF/GPS);
    ``sha256`` and ``size`` describe those copies, not the officer's originals.

Headers
    ``Content-Type: application/json``, ``X-Warta-Event`` (the event),
    ``X-Warta-Delivery`` (the body's ``delivery``), ``X-Warta-Timestamp`` (the body's
    ``sent_at`` as Unix seconds) and ``X-Warta-Signature``.

Signature
    ``X-Warta-Signature: sha256=<hex>`` where ``<hex>`` is the lower-case hex HMAC-SHA256
    of the raw request body bytes, keyed with ``WARTA_WEBHOOK_SECRET`` (UTF-8) — the
    body alone, nothing prepended. Verify it over the bytes exactly as received, before
    parsing the JSON, comparing in constant time (:func:`verify_signature` does this;
    in PHP: ``hash_equals('sha256=' . hash_hmac('sha256', $raw, $secret), $header)``).
    The timestamp is signed as part of the body (``sent_at``): to refuse replays, also
    reject bodies whose ``sent_at`` is more than a few minutes old. The
    ``X-Warta-Timestamp`` header is a convenience copy and is not signed by itself.

Retries and duplicates
    A failed delivery is sent again later (the outbox retries), and a delivery whose
    answer was lost (a timeout after sending) is simply sent again: :meth:`Webhook.locate`
    answers None, because re-sending is safe. ``delivery`` is ``<key>:<event>:<version>``
    where ``<version>`` is derived from the content, so it is the same on every retry of
    the same content and new when the article changes: a receiver can drop a delivery id
    it has already processed (remember ids for a day or so; they absorb retries, they do
    not order events). Since ``published`` replaces by key and ``unpublished`` removes by
    key, applying a duplicate again is harmless anyway.

Answer
    Any 2xx is success. A JSON answer may give ``{"id": "...", "url": "https://..."}``:
    the id is kept for the takedown, the URL is shown as where the article went.
    Redirects are not followed (a signed body is not forwarded elsewhere).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from bot.ports.targets import Article, ErrorKind, PublishedRef, PublishError
from publisher.html import text_to_html
from publisher.http import NEVER_SENT
from publisher.public_media import PublicMediaFolder

if TYPE_CHECKING:
    pass

__all__ = [
    "SIGNATURE_PREFIX",
    "Webhook",
    "sign",
    "verify_signature",
]

SIGNATURE_PREFIX = "sha256="
USER_AGENT = "warta-webhook/1"
# How much of an error answer is quoted back to the publisher.
_EXCERPT = 200


def sign(secret: str, body: bytes) -> str:
    """The ``X-Warta-Signature`` value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` (the received ``X-Warta-Signature``) signs ``body`` (the raw
    request body) with ``secret``; constant-time, for receivers written in Python."""
    given = (header or "").strip()
    if not given.lower().startswith(SIGNATURE_PREFIX):
        return False
    given = SIGNATURE_PREFIX + given[len(SIGNATURE_PREFIX) :].lower()
    return hmac.compare_digest(sign(secret, body).encode("ascii"), given.encode("utf-8"))


class Webhook:
    """An office's own CMS (or anything else) as a publishing target."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        media: PublicMediaFolder,
        *,
        timeout: float = 30,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret to sign its deliveries")
        self._url = url
        self._secret = secret
        self._media = media
        self._timeout = timeout
        self._client = client

    def __repr__(self) -> str:
        # Neither the secret nor the URL's path or query (which may hold a token).
        return f"Webhook({httpx.URL(self._url).host!r})"

    # ------------------------------------------------------------------ the port

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        payload = await self._article_payload(article)
        delivery = f"{article.key}:published:{_version(payload)}"
        answer = await self._deliver("published", delivery, payload)
        remote_id = answer.get("id")
        url = answer.get("url")
        fallback_id = ref.remote_id if ref is not None else article.key
        return PublishedRef(
            remote_id=str(remote_id) if remote_id not in (None, "") else fallback_id,
            url=url if isinstance(url, str) and url else None,
            data={"delivery": delivery},
        )

    async def locate(self, article: Article) -> PublishedRef | None:
        # Re-sending is safe (receivers replace by key and drop repeated delivery ids),
        # so an interrupted delivery is simply delivered again.
        return None

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        payload: dict[str, Any] = {"key": article.key, "slug": article.slug}
        version = _version({**payload, "remote_id": ref.remote_id, "url": ref.url})
        delivery = f"{article.key}:unpublished:{version}"
        await self._deliver("unpublished", delivery, payload, gone_is_fine=True)

    # ------------------------------------------------------------------ building

    async def _article_payload(self, article: Article) -> dict[str, Any]:
        media = []
        for item in article.media:
            relative, public = await self._media.export(item)
            media.append(
                {
                    "kind": item.kind,
                    "url": self._media.url(relative),
                    "mime_type": public.mime_type,
                    "file_name": public.file_name,
                    "size": public.size,
                    "sha256": public.sha256,
                    "alt": item.alt,
                }
            )
        return {
            "key": article.key,
            "slug": article.slug,
            "title": article.title,
            "body": article.body,
            "body_html": text_to_html(article.body),
            "category": article.category,
            "section": article.section,
            "tags": list(article.tags),
            "published_at": _utc_iso(article.published_at),
            "url": article.web_url,
            "media": media,
        }

    # ------------------------------------------------------------------ sending

    async def _deliver(
        self,
        event: str,
        delivery: str,
        article: dict[str, Any],
        *,
        gone_is_fine: bool = False,
    ) -> dict[str, Any]:
        """POST one signed delivery; the receiver's JSON answer (``{}`` if none)."""
        now = datetime.now(UTC).replace(microsecond=0)
        envelope = {
            "event": event,
            "delivery": delivery,
            "sent_at": _utc_iso(now),
            "article": article,
        }
        # Serialized once: the bytes signed are the bytes sent.
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Warta-Event": event,
            "X-Warta-Delivery": delivery,
            "X-Warta-Timestamp": str(int(now.timestamp())),
            "X-Warta-Signature": sign(self._secret, body),
        }
        try:
            if self._client is not None:
                response = await self._client.post(
                    self._url, content=body, headers=headers, timeout=self._timeout
                )
            else:
                async with httpx.AsyncClient(timeout=self._timeout) as client:
                    response = await client.post(self._url, content=body, headers=headers)
        except NEVER_SENT as exc:
            raise PublishError(
                f"webhook unreachable ({type(exc).__name__})", kind="unreachable"
            ) from exc
        except httpx.TimeoutException as exc:
            raise PublishError(
                "webhook did not answer in time; it may have received the delivery",
                ambiguous=True,
                kind="timeout",
            ) from exc
        except httpx.HTTPError as exc:
            raise PublishError(
                f"webhook connection failed ({type(exc).__name__}); it may have received "
                "the delivery",
                ambiguous=True,
                kind="timeout",
            ) from exc
        status = response.status_code
        if 200 <= status < 300:
            return _json_object(response)
        if gone_is_fine and status in (404, 410):
            return {}
        excerpt = _excerpt(response.text)
        raise PublishError(
            f"webhook answered HTTP {status}" + (f": {excerpt}" if excerpt else ""),
            kind=_kind_of_status(status),
        )


# ---------------------------------------------------------------------- helpers


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _version(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _excerpt(text: str) -> str:
    flat = re.sub(r"\s+", " ", "".join(c if c.isprintable() else " " for c in text)).strip()
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


def _kind_of_status(status: int) -> ErrorKind:
    if status in (401, 407):
        return "login"
    if status == 403:
        return "permission"
    if status in (404, 410):
        return "not_found"
    if status == 429:
        return "busy"
    return "server" if status >= 500 else "refused"
