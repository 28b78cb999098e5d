"""The WordPress target: publish, locate and unpublish one article as one post."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from bot.ports.targets import Article, PublishedRef, PublishError
from publisher.files import PublicFiles, is_image
from publisher.html import excerpt
from publisher.wordpress.blocks import content, plain
from publisher.wordpress.media import MediaLibrary
from publisher.wordpress.rest import RestClient, json_list, json_object
from publisher.wordpress.scope import InstallationSource, Scope
from publisher.wordpress.terms import Terms

if TYPE_CHECKING:
    pass

# Every status a post can have; "any" in the REST API leaves out the trash.
_ALL_STATUSES = "publish,future,draft,pending,private,trash"
_TRASHED_SUFFIX = "__trashed"
# Statuses in which a post is not on the public site.
_NOT_PUBLIC = ("draft", "pending", "private", "trash", "auto-draft")
_POST_FIELDS = "id,link,status,slug"


class WordPress:
    """A WordPress site as a publishing target.

    ``installation`` is this installation's id, or what reads it (the database has it
    only once start-up upgraded the schema); without it the target can :meth:`check`
    the login but refuses to publish.
    """

    name = "wordpress"

    def __init__(
        self,
        base_url: str,
        user: str,
        app_password: str,
        files: PublicFiles,
        *,
        installation: str | InstallationSource | None = None,
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
        self._rest = RestClient(base_url, user, app_password, timeout=timeout, client=client)
        self._scope = Scope(installation)
        self._media = MediaLibrary(self._rest, files)
        self._terms = Terms(self._rest, create=create_terms)
        self._status = status
        self._create_terms = create_terms
        self._takedown = takedown

    def __repr__(self) -> str:
        return f"WordPress({self._rest.base!r}, user={self._rest.user!r})"

    async def aclose(self) -> None:
        await self._rest.aclose()

    # ------------------------------------------------------------------ the port

    async def check(self) -> str:
        """Log in and make sure the user may do what publishing needs; returns the
        user's display name. Raises :class:`PublishError` saying what is wrong."""
        user = self._rest.user
        me = json_object(
            await self._rest.call("GET", "users/me", "check the login", params={"context": "edit"})
        )
        shown = str(me.get("name") or me.get("username") or user)
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
                f"WordPress user {user!r} ({roles}) may not {' or '.join(missing)}: "
                "give it the Editor role",
                kind="permission",
            )
        return shown

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        """Update ``ref``'s post, or create a new one: without a ref (a first attempt,
        or a retry whose look-up found nothing) no existing post is looked for, let
        alone taken over."""
        slug = await self._scope.slug(article)
        existing = await self._post(ref) if ref is not None else None
        post_id = int(existing["id"]) if existing is not None else None
        uploads = await self._media.upload_all(article, slug, post_id)
        images = [u for u in uploads if is_image(u.media)]
        featured = images[0].id if images else 0
        fields: dict[str, Any] = {
            "title": plain(article.title),
            "content": content(article, uploads),
            "excerpt": plain(excerpt(article.body)),
            "slug": _kept_slug(existing, article) or slug,
            "date_gmt": _wp_date(article.published_at),
            "featured_media": featured,
            "tags": await self._terms.tag_ids(article),
        }
        category = await self._terms.category_id(article)
        if category is not None:
            fields["categories"] = [category]
        status = self._target_status(article, existing)
        if status is not None:
            fields["status"] = status
        if post_id is None:
            post = json_object(
                await self._rest.call("POST", "posts", "create the post", json=fields)
            )
            await self._media.attach(uploads, int(post["id"]))
        else:
            post = json_object(
                await self._rest.call(
                    "POST", f"posts/{post_id}", f"update post {post_id}", json=fields
                )
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

    async def locate(self, article: Article) -> PublishedRef | None:
        """This installation's post of the article (also when trashed), or None: what an
        interrupted attempt may have left. Another installation's post with the same
        item code and title has another slug and is never found."""
        post = await self._find(await self._scope.slug(article))
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
            await self._rest.call(
                "DELETE", f"posts/{post_id}", f"trash post {post_id}", allow=(404, 410)
            )
            return
        response = await self._rest.call(
            "GET",
            f"posts/{post_id}",
            f"look up post {post_id}",
            params={"context": "edit", "_fields": "id,status"},
            allow=(404, 410),
        )
        if response.status_code in (404, 410):
            return
        if json_object(response).get("status") in _NOT_PUBLIC:
            return
        await self._rest.call(
            "POST",
            f"posts/{post_id}",
            f"unpublish post {post_id}",
            json={"status": "draft"},
            allow=(404, 410),
        )

    # ------------------------------------------------------------------ the post

    async def _find(self, slug: str) -> dict[str, Any] | None:
        """The post with this slug in any status (WordPress renames a trashed post's
        slug to ``<slug>__trashed``), trashed ones last."""
        response = await self._rest.call(
            "GET",
            "posts",
            "look up the post",
            params={
                "slug": f"{slug},{slug}{_TRASHED_SUFFIX}",
                "status": _ALL_STATUSES,
                "context": "edit",
                "per_page": "10",
                "_fields": _POST_FIELDS,
            },
        )
        posts = [p for p in json_list(response) if isinstance(p, dict) and "id" in p]
        if not posts:
            return None
        posts.sort(key=lambda p: (p.get("status") == "trash", int(p["id"])))
        return posts[0]

    async def _post(self, ref: PublishedRef) -> dict[str, Any] | None:
        """``ref``'s post, or None when it was deleted for good (a new one is made)."""
        post_id = _post_id(ref)
        response = await self._rest.call(
            "GET",
            f"posts/{post_id}",
            f"look up post {post_id}",
            params={"context": "edit", "_fields": _POST_FIELDS},
            allow=(404, 410),
        )
        if response.status_code in (404, 410):
            return None
        return json_object(response)

    def _target_status(self, article: Article, existing: dict[str, Any] | None) -> str | None:
        if self._status == "publish":
            return "future" if _utc(article.published_at) > datetime.now(UTC) else "publish"
        # "draft" or "pending": the webmaster publishes. A post that is already there
        # keeps what they decided; only a new (or trashed) one gets the status.
        if existing is None or existing.get("status") == "trash":
            return self._status
        return None


def _kept_slug(existing: dict[str, Any] | None, article: Article) -> str | None:
    """The slug of a post made before slugs carried the installation's mark
    (``<title words>-<item code>``), kept so its address stays; None for any other."""
    if existing is None:
        return None
    slug = str(existing.get("slug") or "").removesuffix(_TRASHED_SUFFIX)
    return slug if slug == article.slug else None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _wp_date(moment: datetime) -> str:
    """``date_gmt`` as WordPress takes it: UTC without an offset."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _post_id(ref: PublishedRef) -> int:
    try:
        return int(ref.remote_id)
    except ValueError:
        raise PublishError(f"not a WordPress post id: {ref.remote_id!r}") from None
