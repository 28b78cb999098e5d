"""The article's files in the media library, each uploaded once.

Each upload is named ``<scoped slug>-<n>-<first 8 hex of its SHA-256>.<ext>`` and given
that name as its slug, where the scoped slug is the post's (``<title words>-<item
code>-<installation>``): the same file of the same article from the same installation
always has the same slug, and no other installation's file ever has it. Before uploading,
the library is searched for the slugs (one request) and what is there is reused; a
changed photo has a new hash and is uploaded anew.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from typing import Any

from bot.ports.targets import Article, ArticleMedia, PublishError
from publisher.files import PublicFiles
from publisher.wordpress.blocks import Upload, plain
from publisher.wordpress.rest import RestClient, json_list, json_object

log = logging.getLogger(__name__)

# Slugs asked for in one look-up (WordPress answers at most 100 items a page).
_CHUNK = 50


class MediaLibrary:
    def __init__(self, rest: RestClient, files: PublicFiles) -> None:
        self._rest = rest
        self._files = files

    async def upload_all(self, article: Article, slug: str, post_id: int | None) -> list[Upload]:
        """Every file of the article in the library, in the article's order: reused when
        this installation uploaded it before (alt text and caption brought up to date),
        else uploaded (attached to ``post_id`` when there is one)."""
        prepared = []
        for n, media in enumerate(article.media, start=1):
            public = await self._files.get(media)
            digest = public.sha256[:8]
            upload_slug = f"{slug}-{n}-{digest}"
            file_name = f"{upload_slug}.{_extension(public.file_name, public.mime_type)}"
            prepared.append((media, public, upload_slug, file_name))
        if not prepared:
            return []
        found = await self._by_slug([upload_slug for _, _, upload_slug, _ in prepared])
        uploads = []
        for media, public, upload_slug, file_name in prepared:
            shown = public.file_name if media.kind == "document" else media.alt or article.title
            title = plain(shown)
            # WordPress shows an attachment's caption as HTML.
            caption = "" if media.kind == "document" else plain(media.alt)
            attachment = found.get(upload_slug)
            if attachment is None:
                params = {
                    "slug": upload_slug,
                    "title": title,
                    "alt_text": media.alt,
                    "caption": caption,
                }
                if post_id is not None:
                    params["post"] = str(post_id)
                response = await self._rest.call(
                    "POST",
                    "media",
                    f"upload {public.file_name}",
                    params=params,
                    content=await public.read(),
                    headers={
                        "Content-Type": public.mime_type,
                        "Content-Disposition": f'attachment; filename="{file_name}"',
                    },
                )
                attachment = json_object(response)
                found[upload_slug] = attachment
            elif (
                _raw(attachment.get("alt_text")) != media.alt
                or _raw(attachment.get("caption")) != caption
            ):
                attachment_id = int(attachment["id"])
                attachment = json_object(
                    await self._rest.call(
                        "POST",
                        f"media/{attachment_id}",
                        f"update {public.file_name}",
                        json={"alt_text": media.alt, "caption": caption},
                    )
                )
                found[upload_slug] = attachment
            uploads.append(_as_upload(media, attachment, public.file_name))
        return uploads

    async def attach(self, uploads: list[Upload], post_id: int) -> None:
        """Tie new uploads to their post, so the media library says where each is used.
        A nicety: the post is already published, so a failure here is only logged."""
        for upload in uploads:
            try:
                await self._rest.call(
                    "POST", f"media/{upload.id}", "attach an upload", json={"post": post_id}
                )
            except PublishError as error:
                log.warning("could not attach media %s to post %s: %s", upload.id, post_id, error)

    async def _by_slug(self, slugs: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(slugs))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            response = await self._rest.call(
                "GET",
                "media",
                "look up uploaded files",
                params={
                    "slug": ",".join(chunk),
                    "context": "edit",
                    "per_page": "100",
                    "_fields": "id,slug,source_url,alt_text,caption,mime_type,media_details",
                },
            )
            for attachment in json_list(response):
                if isinstance(attachment, dict) and attachment.get("slug") in chunk:
                    found.setdefault(str(attachment["slug"]), attachment)
        return found


def _as_upload(media: ArticleMedia, attachment: dict[str, Any], file_name: str) -> Upload:
    url = str(attachment.get("source_url") or "")
    display = url
    details = attachment.get("media_details")
    sizes = details.get("sizes") if isinstance(details, dict) else None
    large = sizes.get("large") if isinstance(sizes, dict) else None
    if isinstance(large, dict) and large.get("source_url"):
        display = str(large["source_url"])
    return Upload(media, int(attachment["id"]), url, display, file_name)


def _extension(file_name: str, mime_type: str) -> str:
    if "." in file_name:
        ext = re.sub(r"[^a-z0-9]", "", file_name.rsplit(".", 1)[1].lower())[:8]
        if ext:
            return ext
    guessed = mimetypes.guess_extension(mime_type or "")
    return guessed.lstrip(".") if guessed else "bin"


def _raw(field: Any) -> str:
    """A REST field's raw text: ``{"raw": ...}`` in the edit context, else the value."""
    if isinstance(field, dict):
        return str(field.get("raw") or "")
    return str(field or "")
