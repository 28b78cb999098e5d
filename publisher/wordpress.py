"""Publishing to a WordPress site through its REST API, logged in with an Application
Password (Users → Profile → Application Passwords; WordPress 5.6 or newer).

What a published article looks like on the site
    A post with the article's slug, title, excerpt and date (``date_gmt`` is the
    article's publication time; a time in the future schedules the post). Its content is
    block-editor markup: the body as paragraphs (escaped and sanitized by
    :func:`publisher.html.text_to_html`), then the photos (one image block, or a gallery
    of all of them, each linking to the full-size file), the videos (video blocks) and
    the documents (file blocks with a download button). Every file goes to the media
    library first, as its public copy from :class:`PublicFiles` (images without
    EXIF/GPS); the first image becomes the featured image. The category is looked up by
    name, the tags are the article's tags and section; missing terms are created when
    ``create_terms`` is on, else left out (WordPress then files the post under its
    default category).

Finding things again (nothing is ever created twice)
    Each upload is named ``<article slug>-<n>-<first 8 hex of its SHA-256>.<ext>`` and
    given that name as its slug, so the same file of the same article always has the
    same slug: before uploading, the library is searched for the slugs (one request) and
    what is there is reused. A changed photo has a new hash and is uploaded anew. The
    post is found by its slug (also when trashed: WordPress renames a trashed post's
    slug to ``<slug>__trashed``), by :meth:`WordPress.locate` and by :meth:`publish`
    itself before it creates anything.

Errors
    A timeout or a dropped connection after the request went out, and a server error
    (5xx) answering a change, raise ``PublishError(ambiguous=True)``: WordPress may have
    done it. 401 means the login was refused: WordPress answers a wrong application
    password exactly as if none was sent (``rest_not_logged_in``). Error texts quote
    WordPress's own message, shortened, and never the password.

Addresses
    The REST API lives at ``<site>/wp-json/`` when the site uses pretty permalinks and at
    ``<site>/?rest_route=/`` always; the first call finds out which one answers.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx
from markupsafe import escape

from publisher.files import PublicFiles, is_image
from publisher.html import excerpt, text_to_html
from publisher.http import NEVER_SENT
from publisher.model import Article, ArticleMedia, PublishedRef, PublishError

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["WordPress", "wordpress_from_settings"]

USER_AGENT = "warta-wordpress/1"
# Every status a post can have; "any" in the REST API leaves out the trash.
_ALL_STATUSES = "publish,future,draft,pending,private,trash"
_TRASHED_SUFFIX = "__trashed"
# Statuses in which a post is not on the public site.
_NOT_PUBLIC = ("draft", "pending", "private", "trash", "auto-draft")
# How much of WordPress's error message is quoted back.
_MESSAGE_LIMIT = 160
# Label of the download button under a document.
DOWNLOAD_LABEL = "Unduh"


Method = Literal["GET", "POST", "DELETE"]
_MAYBE_DONE = {"POST": "; it may have done it", "DELETE": "; it may have done it"}


@dataclass(frozen=True)
class _Upload:
    """One article file in the media library."""

    media: ArticleMedia
    id: int
    url: str  # the full-size file
    display_url: str  # the "large" size for images when WordPress made one, else ``url``
    file_name: str  # shown as the document's link text


class WordPress:
    """A WordPress site as a publishing target."""

    name = "wordpress"

    def __init__(
        self,
        base_url: str,
        user: str,
        app_password: str,
        files: PublicFiles,
        *,
        status: str = "publish",
        create_terms: bool = True,
        takedown: str = "draft",
        timeout: float = 30,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if status not in ("publish", "draft", "pending"):
            raise ValueError("status must be 'publish', 'draft' or 'pending'")
        if takedown not in ("draft", "trash"):
            raise ValueError("takedown must be 'draft' or 'trash'")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the WordPress address must start with http:// or https://")
        self._base = base_url.rstrip("/")
        self._user = user
        self._auth = httpx.BasicAuth(user, app_password.strip())
        self._files = files
        self._status = status
        self._create_terms = create_terms
        self._takedown = takedown
        self._timeout = timeout
        self._client = client
        self._own_client: httpx.AsyncClient | None = None
        # REST API at "<site>/wp-json/" (True) or "<site>/?rest_route=" (False), found
        # out by the first call.
        self._pretty: bool | None = None

    def __repr__(self) -> str:
        return f"WordPress({self._base!r}, user={self._user!r})"

    async def aclose(self) -> None:
        if self._own_client is not None:
            await self._own_client.aclose()
            self._own_client = None

    # ------------------------------------------------------------------ the port

    async def check(self) -> str:
        """Log in and make sure the user may do what publishing needs; returns the
        user's display name. Raises :class:`PublishError` saying what is wrong."""
        me = _object(
            await self._call("GET", "users/me", "check the login", params={"context": "edit"})
        )
        shown = str(me.get("name") or me.get("username") or self._user)
        capabilities = me.get("capabilities")
        granted = capabilities if isinstance(capabilities, dict) else {}
        needed = {"edit_posts": "write posts", "upload_files": "upload files"}
        if self._status == "publish":
            needed["publish_posts"] = "publish posts"
        if self._create_terms:
            needed["manage_categories"] = "create categories and tags"
        missing = [label for capability, label in needed.items() if not granted.get(capability)]
        if missing:
            roles = ", ".join(str(r) for r in me.get("roles") or []) or "no role"
            raise PublishError(
                f"WordPress user {self._user!r} ({roles}) may not {' or '.join(missing)}: "
                "give it the Editor role",
                kind="permission",
            )
        return shown

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        existing = await self._existing(article, ref)
        post_id = int(existing["id"]) if existing is not None else None
        uploads = await self._upload_all(article, post_id)
        images = [u for u in uploads if is_image(u.media)]
        featured = images[0].id if images else 0
        fields: dict[str, Any] = {
            "title": _plain(article.title),
            "content": _content(article, uploads),
            "excerpt": _plain(excerpt(article.body)),
            "slug": article.slug,
            "date_gmt": _wp_date(article.published_at),
            "featured_media": featured,
            "tags": await self._tag_ids(article),
        }
        category = await self._category_id(article)
        if category is not None:
            fields["categories"] = [category]
        status = self._target_status(article, existing)
        if status is not None:
            fields["status"] = status
        if post_id is None:
            post = _object(await self._call("POST", "posts", "create the post", json=fields))
            await self._attach(uploads, int(post["id"]))
        else:
            post = _object(
                await self._call("POST", f"posts/{post_id}", f"update post {post_id}", json=fields)
            )
        return PublishedRef(
            remote_id=str(post["id"]),
            url=str(post.get("link") or "") or None,
            data={
                "status": str(post.get("status") or ""),
                "featured_media": featured,
                "media_ids": [u.id for u in uploads],
            },
        )

    async def _attach(self, uploads: list[_Upload], post_id: int) -> None:
        """Tie new uploads to their post, so the media library says where each is used.
        A nicety: the post is already published, so a failure here is only logged."""
        for upload in uploads:
            try:
                await self._call(
                    "POST", f"media/{upload.id}", "attach an upload", json={"post": post_id}
                )
            except PublishError as error:
                log.warning("could not attach media %s to post %s: %s", upload.id, post_id, error)

    async def locate(self, article: Article) -> PublishedRef | None:
        post = await self._find(article)
        if post is None:
            return None
        return PublishedRef(
            remote_id=str(post["id"]),
            url=str(post.get("link") or "") or None,
            data={"status": str(post.get("status") or "")},
        )

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        post_id = _post_id(ref)
        if self._takedown == "trash":
            # Trash, not delete: the webmaster can still restore it. Gone or already
            # trashed (410 rest_already_trashed) is what we wanted.
            await self._call(
                "DELETE", f"posts/{post_id}", f"trash post {post_id}", allow=(404, 410)
            )
            return
        response = await self._call(
            "GET",
            f"posts/{post_id}",
            f"look up post {post_id}",
            params={"context": "edit", "_fields": "id,status"},
            allow=(404, 410),
        )
        if response.status_code in (404, 410):
            return
        if _object(response).get("status") in _NOT_PUBLIC:
            return
        await self._call(
            "POST",
            f"posts/{post_id}",
            f"unpublish post {post_id}",
            json={"status": "draft"},
            allow=(404, 410),
        )

    # ------------------------------------------------------------------ the post

    async def _find(self, article: Article) -> dict[str, Any] | None:
        """The post with the article's slug in any status, trashed ones last."""
        response = await self._call(
            "GET",
            "posts",
            "look up the post",
            params={
                "slug": f"{article.slug},{article.slug}{_TRASHED_SUFFIX}",
                "status": _ALL_STATUSES,
                "context": "edit",
                "per_page": "10",
                "_fields": "id,link,status,slug",
            },
        )
        posts = [p for p in _list(response) if isinstance(p, dict) and "id" in p]
        if not posts:
            return None
        posts.sort(key=lambda p: (p.get("status") == "trash", int(p["id"])))
        return posts[0]

    async def _existing(self, article: Article, ref: PublishedRef | None) -> dict[str, Any] | None:
        """The post to update: ``ref``'s when it still exists, else one with the slug."""
        if ref is not None:
            post_id = _post_id(ref)
            response = await self._call(
                "GET",
                f"posts/{post_id}",
                f"look up post {post_id}",
                params={"context": "edit", "_fields": "id,link,status,slug"},
                allow=(404, 410),
            )
            if response.status_code not in (404, 410):
                return _object(response)
        return await self._find(article)

    def _target_status(self, article: Article, existing: dict[str, Any] | None) -> str | None:
        if self._status == "publish":
            return "future" if _utc(article.published_at) > datetime.now(UTC) else "publish"
        # "draft" or "pending": the webmaster publishes. A post that is already there
        # keeps what they decided; only a new (or trashed) one gets the status.
        if existing is None or existing.get("status") == "trash":
            return self._status
        return None

    # ------------------------------------------------------------------ terms

    async def _category_id(self, article: Article) -> int | None:
        if not article.category or not article.category.strip():
            return None
        return await self._term_id("categories", article.category.strip())

    async def _tag_ids(self, article: Article) -> list[int]:
        names: list[str] = []
        for name in (*article.tags, article.section):
            if name and name.strip() and name.strip().casefold() not in map(str.casefold, names):
                names.append(name.strip())
        ids = []
        for name in names:
            term = await self._term_id("tags", name)
            if term is not None and term not in ids:
                ids.append(term)
        return ids

    async def _term_id(self, taxonomy: str, name: str) -> int | None:
        """The id of the category or tag with this name (case-insensitive); created when
        missing and ``create_terms`` is on, else None."""
        kind = "category" if taxonomy == "categories" else "tag"
        response = await self._call(
            "GET",
            taxonomy,
            f"look up {kind} {name!r}",
            params={"search": name, "per_page": "100", "_fields": "id,name"},
        )
        wanted = name.casefold()
        for term in _list(response):
            if isinstance(term, dict) and html.unescape(str(term.get("name"))).casefold() == (
                wanted
            ):
                return int(term["id"])
        if not self._create_terms:
            return None
        created = await self._call(
            "POST", taxonomy, f"create {kind} {name!r}", json={"name": name}, allow=(400,)
        )
        body = _object(created)
        if created.status_code == 400:
            # Created meanwhile, or a name WordPress's search does not find as typed.
            data = body.get("data")
            if body.get("code") == "term_exists" and isinstance(data, dict):
                return int(data["term_id"])
            raise self._error(created, f"create {kind} {name!r}", "POST")
        return int(body["id"])

    # ------------------------------------------------------------------ media

    async def _upload_all(self, article: Article, post_id: int | None) -> list[_Upload]:
        prepared = []
        for n, media in enumerate(article.media, start=1):
            public = await self._files.get(media)
            digest = hashlib.sha256(public.data).hexdigest()[:8]
            slug = f"{article.slug}-{n}-{digest}"
            prepared.append(
                (media, public, slug, f"{slug}.{_extension(public.file_name, public.mime_type)}")
            )
        if not prepared:
            return []
        found = await self._media_by_slug([slug for _, _, slug, _ in prepared])
        uploads = []
        for media, public, slug, file_name in prepared:
            shown = public.file_name if media.kind == "document" else media.alt or article.title
            title = _plain(shown)
            # WordPress shows an attachment's caption as HTML.
            caption = "" if media.kind == "document" else _plain(media.alt)
            attachment = found.get(slug)
            if attachment is None:
                params = {"slug": slug, "title": title, "alt_text": media.alt, "caption": caption}
                if post_id is not None:
                    params["post"] = str(post_id)
                response = await self._call(
                    "POST",
                    "media",
                    f"upload {public.file_name}",
                    params=params,
                    content=public.data,
                    headers={
                        "Content-Type": public.mime_type,
                        "Content-Disposition": f'attachment; filename="{file_name}"',
                    },
                )
                attachment = _object(response)
                found[slug] = attachment
            elif (
                _raw(attachment.get("alt_text")) != media.alt
                or _raw(attachment.get("caption")) != caption
            ):
                attachment_id = int(attachment["id"])
                attachment = _object(
                    await self._call(
                        "POST",
                        f"media/{attachment_id}",
                        f"update {public.file_name}",
                        json={"alt_text": media.alt, "caption": caption},
                    )
                )
                found[slug] = attachment
            uploads.append(_as_upload(media, attachment, public.file_name))
        return uploads

    async def _media_by_slug(self, slugs: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(slugs))
        for start in range(0, len(unique), 50):
            chunk = unique[start : start + 50]
            response = await self._call(
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
            for attachment in _list(response):
                if isinstance(attachment, dict) and attachment.get("slug") in chunk:
                    found.setdefault(str(attachment["slug"]), attachment)
        return found

    # ------------------------------------------------------------------ HTTP

    def _http(self) -> httpx.AsyncClient:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            self._own_client = httpx.AsyncClient(
                timeout=self._timeout,
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )
        return self._own_client

    async def _send(
        self,
        method: Method,
        url: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            return await self._http().request(
                method,
                url,
                params=params,
                json=json,
                content=content,
                headers=headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except NEVER_SENT as exc:
            raise PublishError(
                f"WordPress unreachable at {self._base} ({type(exc).__name__})",
                kind="unreachable",
            ) from exc
        except httpx.TimeoutException as exc:
            raise PublishError(
                f"WordPress did not answer within {self._timeout:g} s ({what})"
                + _MAYBE_DONE.get(method, ""),
                ambiguous=True,
                kind="timeout",
            ) from exc
        except httpx.HTTPError as exc:
            raise PublishError(
                f"WordPress connection failed ({what}: {type(exc).__name__})"
                + _MAYBE_DONE.get(method, ""),
                ambiguous=True,
                kind="timeout",
            ) from exc

    async def _pretty_urls(self) -> bool:
        """Whether the REST API answers at ``/wp-json/`` (else ``?rest_route=``)."""
        if self._pretty is not None:
            return self._pretty
        redirect = None
        for pretty, url, params in (
            (True, f"{self._base}/wp-json/", None),
            (False, f"{self._base}/", {"rest_route": "/"}),
        ):
            response = await self._send("GET", url, "find the REST API", params=params)
            if response.is_redirect:
                redirect = redirect or response.headers.get("location")
                continue
            if response.status_code == 401 or response.status_code >= 500:
                raise self._error(response, "read the REST API index", "GET")
            if response.status_code == 200 and _is_rest_index(response):
                self._pretty = pretty
                return pretty
        if redirect:
            raise PublishError(
                f"WordPress at {self._base} redirects to {redirect}: "
                "set the WordPress address to the site's own address",
                kind="setup",
            )
        raise PublishError(
            f"no WordPress REST API at {self._base} (tried /wp-json/ and ?rest_route=/)",
            kind="not_found",
        )

    async def _call(
        self,
        method: Method,
        route: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
    ) -> httpx.Response:
        """One REST call on ``wp/v2/<route>``; a non-2xx answer not in ``allow`` raises."""
        if await self._pretty_urls():
            url, query = f"{self._base}/wp-json/wp/v2/{route}", dict(params or {})
        else:
            # httpx replaces a URL's query by ``params``, so rest_route goes in there.
            url, query = f"{self._base}/", {"rest_route": f"/wp/v2/{route}", **(params or {})}
        response = await self._send(
            method, url, what, params=query, json=json, content=content, headers=headers
        )
        if response.is_success or response.status_code in allow:
            return response
        raise self._error(response, what, method)

    def _error(self, response: httpx.Response, what: str, method: str) -> PublishError:
        status = response.status_code
        code, message = _wp_error(response)
        said = f"{code}: {message}" if code and message else code or message
        if status == 401:
            hint = (
                "; over plain http:// WordPress turns application passwords off unless its "
                "WP_ENVIRONMENT_TYPE is 'local'"
                if self._base.startswith("http://")
                else ""
            )
            return PublishError(
                f"WordPress refused the login for user {self._user!r}"
                + (f" ({code})" if code else "")
                + f": the user name or application password is wrong{hint}",
                kind="login",
            )
        if status == 403:
            return PublishError(
                f"WordPress user {self._user!r} may not {what}"
                + (f": {message}" if message else ""),
                kind="permission",
            )
        return PublishError(
            f"WordPress could not {what}: HTTP {status}" + (f" {said}" if said else ""),
            ambiguous=status >= 500 and method != "GET",
            kind="server" if status >= 500 else "busy" if status == 429 else "refused",
        )


# ---------------------------------------------------------------------- content


def _content(article: Article, uploads: list[_Upload]) -> str:
    """The post's block-editor markup."""
    blocks = [
        _block("paragraph", {}, paragraph)
        for paragraph in re.findall(r"<p>.*?</p>", text_to_html(article.body), re.DOTALL)
    ]
    images = [u for u in uploads if is_image(u.media)]
    if len(images) == 1:
        blocks.append(_image_block(images[0]))
    elif images:
        inner = "\n\n".join(_image_block(u) for u in images)
        blocks.append(
            _block(
                "gallery",
                {"linkTo": "media"},
                '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
                f"{inner}</figure>",
            )
        )
    for upload in uploads:
        url = escape(upload.url)
        if upload.media.kind == "video":
            blocks.append(
                _block(
                    "video",
                    {"id": upload.id},
                    f'<figure class="wp-block-video"><video controls src="{url}"></video></figure>',
                )
            )
        elif upload.media.kind == "document" and not is_image(upload.media):
            anchor = f"wp-block-file--media-{upload.id}"
            blocks.append(
                _block(
                    "file",
                    {"id": upload.id, "href": upload.url},
                    f'<div class="wp-block-file"><a id="{anchor}" href="{url}">'
                    f"{escape(upload.file_name)}</a>"
                    f'<a href="{url}" class="wp-block-file__button wp-element-button" download '
                    f'aria-describedby="{anchor}">{DOWNLOAD_LABEL}</a></div>',
                )
            )
    return "\n\n".join(blocks)


def _image_block(upload: _Upload) -> str:
    size = "large" if upload.display_url != upload.url else "full"
    return _block(
        "image",
        {"id": upload.id, "sizeSlug": size, "linkDestination": "media"},
        f'<figure class="wp-block-image size-{size}"><a href="{escape(upload.url)}">'
        f'<img src="{escape(upload.display_url)}" alt="{escape(upload.media.alt)}" '
        f'class="wp-image-{upload.id}"/></a></figure>',
    )


def _block(name: str, attributes: dict[str, Any], inner: str) -> str:
    """``<!-- wp:name {attrs} -->inner<!-- /wp:name -->`` with attributes escaped the way
    the block editor serializes them (no ``--``, ``<``, ``>``, ``&`` or quotes)."""
    attrs = ""
    if attributes:
        encoded = json.dumps(attributes, separators=(",", ":"), ensure_ascii=False)
        for raw, safe in (
            ("--", "\\u002d\\u002d"),
            ("<", "\\u003c"),
            (">", "\\u003e"),
            ("&", "\\u0026"),
            ('\\"', "\\u0022"),
        ):
            encoded = encoded.replace(raw, safe)
        attrs = f" {encoded}"
    return f"<!-- wp:{name}{attrs} -->\n{inner}\n<!-- /wp:{name} -->"


def _as_upload(media: ArticleMedia, attachment: dict[str, Any], file_name: str) -> _Upload:
    url = str(attachment.get("source_url") or "")
    display = url
    details = attachment.get("media_details")
    sizes = details.get("sizes") if isinstance(details, dict) else None
    large = sizes.get("large") if isinstance(sizes, dict) else None
    if isinstance(large, dict) and large.get("source_url"):
        display = str(large["source_url"])
    return _Upload(media, int(attachment["id"]), url, display, file_name)


# ---------------------------------------------------------------------- helpers


def _plain(text: str) -> str:
    """Plain text for a field WordPress outputs as HTML (title, excerpt): no tags."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _wp_date(moment: datetime) -> str:
    """``date_gmt`` as WordPress takes it: UTC without an offset."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _extension(file_name: str, mime_type: str) -> str:
    if "." in file_name:
        ext = re.sub(r"[^a-z0-9]", "", file_name.rsplit(".", 1)[1].lower())[:8]
        if ext:
            return ext
    guessed = mimetypes.guess_extension(mime_type or "")
    return guessed.lstrip(".") if guessed else "bin"


def _post_id(ref: PublishedRef) -> int:
    try:
        return int(ref.remote_id)
    except ValueError:
        raise PublishError(f"not a WordPress post id: {ref.remote_id!r}") from None


def _raw(field: Any) -> str:
    """A REST field's raw text: ``{"raw": ...}`` in the edit context, else the value."""
    if isinstance(field, dict):
        return str(field.get("raw") or "")
    return str(field or "")


def _is_rest_index(response: httpx.Response) -> bool:
    try:
        index = response.json()
    except ValueError:
        return False
    return isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or [])


def _object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PublishError(
            f"WordPress answered HTTP {response.status_code} without the expected JSON object"
        )
    return data


def _list(response: httpx.Response) -> list[Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, list):
        raise PublishError(f"WordPress answered HTTP {response.status_code} without a JSON list")
    return data


def _wp_error(response: httpx.Response) -> tuple[str, str]:
    """WordPress's error ``code`` and ``message`` (tags stripped, shortened)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    code = message = ""
    if isinstance(data, dict):
        code = str(data.get("code") or "")
        message = str(data.get("message") or "")
    message = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", message)).split())
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return code[:60], message


def wordpress_from_settings(settings: Settings, files: PublicFiles) -> WordPress | None:
    """The WordPress target when its address, user and application password are all
    set, else None."""
    # The same test as ``publisher.wiring.target_names``, so the two always agree.
    if not (settings.wordpress_url and settings.wordpress_user and settings.wordpress_app_password):
        return None
    return WordPress(
        settings.wordpress_url,
        settings.wordpress_user.strip(),
        settings.wordpress_app_password.get_secret_value(),
        files,
        status=settings.wordpress_status,
        create_terms=settings.wordpress_create_terms,
        takedown=settings.wordpress_takedown,
        timeout=settings.publish_timeout_seconds,
    )
