"""The WordPress target against a real WordPress (Debian's package under PHP's built-in
server, see ``tests/wordpress``), some tests through a proxy that fails on purpose.

Each test publishes as an installation of its own (a random installation id), as two
warta installations (or one before and after its database was reset) would.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.ports.targets import Article, ArticleMedia, MediaKind, PublishedRef, PublishError
from publisher.files import PublicFiles
from publisher.wordpress import WordPress
from storage.blobs import LocalBlobStore
from tests.fakebotapi import sample_jpeg
from tests.fakebotapi.samples import sample_mp4, sample_pdf
from tests.publishing.kit import has_gps, make_article, stored_media
from tests.wordpress.flaky_proxy import FlakyProxy
from tests.wordpress.server import WordPressSite

_numbers = itertools.count(1)
PDF = sample_pdf("Lampiran", author="Budi Santoso")
MP4 = sample_mp4(b"\x00\x00\x00\x08free" * 4)


# An office camera's photo: it names the camera, and where it was taken when asked for ``gps``.
jpeg = partial(sample_jpeg, 640, 480, maker="Kamera Dinas")


class Kit:
    """Builds articles whose files are in a blob store, and WordPress targets."""

    def __init__(self, root: Path, site: WordPressSite) -> None:
        self.blobs = LocalBlobStore(root / "blobs")
        self.files = PublicFiles(self.blobs, root / "renditions")
        self.site = site
        # This test's installation: what the migration makes, 32 random hex digits.
        self.installation = secrets.token_hex(16)

    def slug(self, article: Article, installation: str | None = None) -> str:
        """The slug of the article's post: its own, then the installation's first 8 hex."""
        return f"{article.slug}-{(installation or self.installation)[:8]}"

    async def media(
        self, kind: MediaKind, data: bytes, mime: str, name: str, alt: str = ""
    ) -> ArticleMedia:
        return await stored_media(self.blobs, kind, data, name, mime, alt=alt)

    def article(self, title: str, **changes: Any) -> Article:
        """An article of an hour ago unless told (a later one WordPress only schedules)."""
        changes.setdefault("when", datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
        return make_article(title, **changes)

    def target(self, base_url: str | None = None, **options: Any) -> WordPress:
        return WordPress(
            base_url or self.site.base_url,
            options.pop("user", self.site.user),
            options.pop("app_password", self.site.app_password),
            self.files,
            installation=options.pop("installation", self.installation),
            **options,
        )


@pytest.fixture
async def kit(tmp_path: Path, wordpress: WordPressSite) -> Kit:
    return Kit(tmp_path, wordpress)


@pytest.fixture
async def rest(wordpress: WordPressSite) -> AsyncIterator[httpx.AsyncClient]:
    """A client for checking what WordPress holds (``?rest_route=`` works everywhere)."""
    async with httpx.AsyncClient(
        base_url=wordpress.base_url,
        auth=(wordpress.user, wordpress.app_password),
        timeout=30,
    ) as client:
        yield client


async def api(client: httpx.AsyncClient, route: str, **params: Any) -> Any:
    response = await client.get("/", params={"rest_route": f"/wp/v2/{route}", **params})
    response.raise_for_status()
    return response.json()


def rows_like(site: WordPressSite, post_type: str, slug: str) -> list[str]:
    """Ids of the posts of ``post_type`` whose slug starts with ``slug``, asked of the
    database: a duplicate would have got ``<slug>-2`` and REST filters miss nothing."""
    like = f"$wpdb->esc_like({json.dumps(slug)}) . '%'"
    return site.php(
        "global $wpdb; echo implode(' ', $wpdb->get_col($wpdb->prepare("
        f"\"SELECT ID FROM $wpdb->posts WHERE post_type = '{post_type}' AND post_name LIKE %s"
        f' ORDER BY ID", {like})));'
    ).split()


async def posts_with_slug(
    client: httpx.AsyncClient, site: WordPressSite, slug: str
) -> list[dict[str, Any]]:
    """Every post whose slug starts with the article's, as an editor sees it."""
    return [await api(client, f"posts/{i}", context="edit") for i in rows_like(site, "post", slug)]


async def media_of(client: httpx.AsyncClient, site: WordPressSite, slug: str) -> list[Any]:
    """Every attachment whose slug starts with the article's, as an editor sees it."""
    return [
        await api(client, f"media/{i}", context="edit")
        for i in rows_like(site, "attachment", slug + "-")
    ]


# ---------------------------------------------------------------------- check()


async def test_check_returns_the_display_name(kit: Kit) -> None:
    target = kit.target()
    try:
        assert await target.check() == "Humas Humas"
    finally:
        await target.aclose()


async def test_check_with_a_wrong_password_says_so(kit: Kit) -> None:
    target = kit.target(app_password="abcd efgh ijkl mnop qrst uvwx")
    try:
        with pytest.raises(PublishError) as caught:
            await target.check()
    finally:
        await target.aclose()
    message = caught.value.message
    assert "application password is wrong" in message
    assert "humas" in message
    assert "abcd" not in message and "Basic" not in message
    assert not caught.value.ambiguous
    assert caught.value.kind == "login"


async def test_check_refuses_a_user_who_cannot_publish(kit: Kit) -> None:
    login = f"kontributor{next(_numbers)}"
    contributor = kit.target(user=login, app_password=kit.site.create_user(login, "contributor"))
    try:
        with pytest.raises(PublishError, match=r"may not .*publish posts") as caught:
            await contributor.check()
    finally:
        await contributor.aclose()
    assert "Editor" in caught.value.message


# ---------------------------------------------------------------------- publish()


async def test_publish_posts_text_photos_and_documents(kit: Kit, rest: httpx.AsyncClient) -> None:
    with_gps = jpeg((200, 30, 30), gps=True)
    assert has_gps(with_gps)
    title = "Penutupan Jalan Merdeka"
    media = (
        await kit.media("photo", with_gps, "image/jpeg", "foto-1.jpg", f"{title} — foto 1"),
        await kit.media(
            "photo", jpeg((30, 30, 200)), "image/jpeg", "foto-2.jpg", f"{title} — foto 2"
        ),
        await kit.media(
            "document", PDF, "application/pdf", "Surat-Edaran.pdf", f"{title} — berkas 3"
        ),
    )
    article = kit.article(
        title,
        body="Jalan Merdeka ditutup sementara.\n\nInfo: https://kota.go.id/lalin",
        media=media,
        section="Dinas Perhubungan",
        tags=("lalu lintas",),
    )
    target = kit.target()
    try:
        ref = await target.publish(article, None)
    finally:
        await target.aclose()

    post = await api(rest, f"posts/{ref.remote_id}", context="edit")
    assert post["slug"] == kit.slug(article)
    assert post["status"] == "publish"
    assert post["title"]["raw"] == title
    assert post["date_gmt"] == article.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert ref.url == post["link"]
    raw = post["content"]["raw"]
    assert "<!-- wp:gallery" in raw and raw.count("<!-- wp:image") == 2
    assert '<a href="https://kota.go.id/lalin"' in raw
    assert "Surat-Edaran.pdf</a>" in raw and "<!-- wp:file" in raw

    uploads = {m["id"]: m for m in await media_of(rest, kit.site, article.slug)}
    assert len(uploads) == 3
    assert list(ref.data["media_ids"]) == [m for m in ref.data["media_ids"] if m in uploads]
    photo_1, photo_2, document = (uploads[i] for i in ref.data["media_ids"])
    assert post["featured_media"] == photo_1["id"]
    assert photo_1["alt_text"] == f"{title} — foto 1"
    assert photo_2["alt_text"] == f"{title} — foto 2"
    assert photo_1["source_url"] in raw and photo_2["source_url"] in raw
    assert document["mime_type"] == "application/pdf"
    assert f'href="{document["source_url"]}"' in raw
    # Each upload is attached to the post in the media library.
    assert {m["post"] for m in uploads.values()} == {int(ref.remote_id)}

    categories = await api(rest, "categories", include=",".join(map(str, post["categories"])))
    assert [c["name"] for c in categories] == ["Pengumuman"]
    tags = await api(rest, "tags", include=",".join(map(str, post["tags"])))
    assert sorted(t["name"] for t in tags) == ["Dinas Perhubungan", "lalu lintas"]

    async with httpx.AsyncClient(timeout=30) as anonymous:
        uploaded = await anonymous.get(photo_1["source_url"])
        assert uploaded.status_code == 200 and uploaded.content[:2] == b"\xff\xd8"
        assert not has_gps(uploaded.content)
        assert b"Exif" not in uploaded.content[:4096]
        page = await anonymous.get(post["link"])
    assert page.status_code == 200
    assert title in page.text
    assert photo_2["source_url"] in page.text
    assert document["source_url"] in page.text


async def test_script_in_the_body_is_escaped(kit: Kit, rest: httpx.AsyncClient) -> None:
    article = kit.article(
        "Uji <b>judul</b>",
        body="Halo <script>alert('x')</script> dunia\n<img src=x onerror=alert(1)>",
        category=None,
    )
    target = kit.target()
    try:
        ref = await target.publish(article, None)
    finally:
        await target.aclose()
    post = await api(rest, f"posts/{ref.remote_id}", context="edit")
    raw = post["content"]["raw"]
    assert "<script" not in raw and "<img" not in raw
    assert "&lt;script&gt;" in raw
    assert "<b>" not in post["title"]["raw"]
    async with httpx.AsyncClient(timeout=30) as anonymous:
        page = (await anonymous.get(post["link"])).text
    assert "<script>alert('x')" not in page


async def test_publishing_again_updates_the_same_post(kit: Kit, rest: httpx.AsyncClient) -> None:
    photo = await kit.media("photo", jpeg((10, 120, 10)), "image/jpeg", "a.jpg", "foto 1")
    article = kit.article("Pengumuman Banjir", media=(photo,), tags=("banjir",))
    target = kit.target()
    try:
        first = await target.publish(article, None)
        changed = Article(**{**article.__dict__, "title": "Pengumuman Banjir (ralat)"})
        second = await target.publish(changed, first)
        # Without a ref (the outbox lost it) the outbox looks the post up by its slug
        # first and publishes with what it found.
        located = await target.locate(changed)
        assert located is not None
        third = await target.publish(changed, located)
    finally:
        await target.aclose()
    assert first.remote_id == second.remote_id == third.remote_id
    assert located is not None and located.remote_id == first.remote_id
    posts = await posts_with_slug(rest, kit.site, article.slug)
    assert [p["id"] for p in posts] == [int(first.remote_id)]
    assert posts[0]["title"]["raw"] == "Pengumuman Banjir (ralat)"
    assert len(await media_of(rest, kit.site, article.slug)) == 1
    assert "<!-- wp:image" in posts[0]["content"]["raw"]


async def test_locate_finds_nothing_for_a_new_article(kit: Kit) -> None:
    target = kit.target()
    try:
        assert await target.locate(kit.article("Belum Pernah Terbit")) is None
    finally:
        await target.aclose()


async def test_future_publication_is_scheduled(kit: Kit, rest: httpx.AsyncClient) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    article = kit.article("Jadwal Vaksinasi", when=later, category=None)
    target = kit.target()
    try:
        ref = await target.publish(article, None)
    finally:
        await target.aclose()
    post = await api(rest, f"posts/{ref.remote_id}", context="edit")
    assert post["status"] == "future"
    assert post["date_gmt"] == later.strftime("%Y-%m-%dT%H:%M:%S")


async def test_without_creating_terms_a_new_category_is_left_out(
    kit: Kit, rest: httpx.AsyncClient
) -> None:
    article = kit.article("Tanpa Kategori Baru", category="Kategori Tidak Ada", tags=("baru",))
    target = kit.target(create_terms=False, status="draft")
    try:
        ref = await target.publish(article, None)
    finally:
        await target.aclose()
    post = await api(rest, f"posts/{ref.remote_id}", context="edit")
    assert post["status"] == "draft"
    assert post["tags"] == []
    category = await api(rest, f"categories/{post['categories'][0]}")
    assert category["slug"] == "uncategorized"
    assert await api(rest, "categories", search="Kategori Tidak Ada") == []


async def test_video_is_uploaded_and_embedded(kit: Kit, rest: httpx.AsyncClient) -> None:
    video = await kit.media("video", MP4, "video/mp4", "v.mp4", "video 1")
    article = kit.article("Video Kegiatan", media=(video,), category=None)
    target = kit.target()
    try:
        ref = await target.publish(article, None)
    finally:
        await target.aclose()
    post = await api(rest, f"posts/{ref.remote_id}", context="edit")
    [upload] = await media_of(rest, kit.site, article.slug)
    assert upload["mime_type"] == "video/mp4"
    assert f'<video controls src="{upload["source_url"]}"' in post["content"]["raw"]
    assert post["featured_media"] == 0


async def test_pretty_permalinks_use_wp_json(
    kit: Kit,
    wordpress_proxy: FlakyProxy,
) -> None:
    kit.site.set_permalinks("/%postname%/")
    try:
        target = kit.target(wordpress_proxy.url)
        article = kit.article("Tautan Cantik", category=None)
        try:
            ref = await target.publish(article, None)
        finally:
            await target.aclose()
    finally:
        kit.site.set_permalinks("")
    assert ref.url == f"{kit.site.base_url}/{kit.slug(article)}/"
    assert wordpress_proxy.count(path="/wp-json/wp/v2/posts") >= 1
    assert wordpress_proxy.count(path="rest_route") == 0


# ---------------------------------------------------------------------- failures


async def test_a_lost_answer_leaves_one_post(
    kit: Kit,
    rest: httpx.AsyncClient,
    wordpress_proxy: FlakyProxy,
) -> None:
    photo = await kit.media("photo", jpeg((90, 90, 0)), "image/jpeg", "a.jpg", "foto 1")
    article = kit.article("Jawaban Hilang", media=(photo,))
    target = kit.target(wordpress_proxy.url)
    try:
        wordpress_proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)
        with pytest.raises(PublishError) as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous
        assert wordpress_proxy.count(mode="drop") == 1
        located = await target.locate(article)
        assert located is not None
        ref = await target.publish(article, located)
    finally:
        await target.aclose()
    assert ref.remote_id == located.remote_id
    assert len(await posts_with_slug(rest, kit.site, article.slug)) == 1
    assert len(await media_of(rest, kit.site, article.slug)) == 1


async def test_a_lost_upload_answer_does_not_duplicate_the_file(
    kit: Kit,
    rest: httpx.AsyncClient,
    wordpress_proxy: FlakyProxy,
) -> None:
    photo = await kit.media("photo", jpeg((0, 90, 90)), "image/jpeg", "a.jpg", "foto 1")
    article = kit.article("Unggahan Hilang", media=(photo,))
    target = kit.target(wordpress_proxy.url)
    try:
        wordpress_proxy.set("drop502", method="POST", path="/wp/v2/media", times=1)
        with pytest.raises(PublishError) as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous and "502" in caught.value.message
        assert await target.locate(article) is None
        await target.publish(article, None)
    finally:
        await target.aclose()
    assert len(await media_of(rest, kit.site, article.slug)) == 1
    assert len(await posts_with_slug(rest, kit.site, article.slug)) == 1


async def test_server_errors(kit: Kit, wordpress_proxy: FlakyProxy) -> None:
    article = kit.article("Galat Server", category=None)
    target = kit.target(wordpress_proxy.url)
    try:
        wordpress_proxy.mode = "500"
        with pytest.raises(PublishError, match="HTTP 500") as caught:
            await target.publish(article, None)
        assert not caught.value.ambiguous  # a read failed: nothing can have been made
        wordpress_proxy.set("500", method="POST", path="/wp/v2/posts")
        with pytest.raises(PublishError, match="HTTP 500") as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous  # the create may have happened
        assert "Internal Server Error" in caught.value.message
        assert caught.value.kind == "server"
    finally:
        await target.aclose()


async def test_no_answer_is_ambiguous(kit: Kit, wordpress_proxy: FlakyProxy) -> None:
    article = kit.article("Tanpa Jawaban", category=None)
    target = kit.target(wordpress_proxy.url, timeout=1)
    try:
        wordpress_proxy.mode = "hang"
        with pytest.raises(PublishError, match="did not answer within 1 s") as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous and caught.value.kind == "timeout"
        wordpress_proxy.reset()
        wordpress_proxy.set("hang", method="POST", path="/wp/v2/posts")
        with pytest.raises(PublishError) as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous
    finally:
        wordpress_proxy.reset()
        await target.aclose()


async def test_unreachable_is_not_ambiguous(kit: Kit) -> None:
    from tests.wordpress.server import free_port

    target = kit.target(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(PublishError, match="unreachable") as caught:
            await target.check()
    finally:
        await target.aclose()
    assert not caught.value.ambiguous
    assert caught.value.kind == "unreachable"


# ---------------------------------------------------------------------- installations


async def create_post(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """A post made over REST by someone else (another program, an older warta)."""
    response = await client.post("/", params={"rest_route": "/wp/v2/posts"}, json=fields)
    response.raise_for_status()
    post: dict[str, Any] = response.json()
    return post


async def test_two_installations_with_the_same_item_leave_two_posts(
    kit: Kit, rest: httpx.AsyncClient
) -> None:
    """A second installation (or this one after its database was reset) numbers its
    items from 1 again: the same item code under the same title, the same photo."""
    photo = await kit.media("photo", jpeg((120, 0, 120)), "image/jpeg", "a.jpg", "foto 1")
    first = kit.article("Dua Instalasi", body="Dari instalasi pertama.", media=(photo,))
    second = Article(**{**first.__dict__, "body": "Dari instalasi kedua."})
    assert (first.key, first.slug) == (second.key, second.slug)
    other_installation = secrets.token_hex(16)
    one = kit.target()
    other = kit.target(installation=other_installation)
    try:
        ref_one = await one.publish(first, None)
        before = await api(rest, f"posts/{ref_one.remote_id}", context="edit")
        # The other installation's look-up after a lost answer finds nothing of its own.
        assert await other.locate(second) is None
        ref_other = await other.publish(second, None)
        # Each finds its own again, and updates only that.
        located_one, located_other = await one.locate(first), await other.locate(second)
        assert located_one is not None and located_one.remote_id == ref_one.remote_id
        assert located_other is not None and located_other.remote_id == ref_other.remote_id
        again = await other.publish(second, located_other)
        assert again.remote_id == ref_other.remote_id
        # A takedown on one leaves the other's post up.
        await other.unpublish(second, ref_other)
    finally:
        await one.aclose()
        await other.aclose()

    assert ref_one.remote_id != ref_other.remote_id
    posts = {p["id"]: p for p in await posts_with_slug(rest, kit.site, first.slug)}
    assert sorted(posts) == sorted([int(ref_one.remote_id), int(ref_other.remote_id)])
    post_one, post_other = posts[int(ref_one.remote_id)], posts[int(ref_other.remote_id)]
    # The first installation's post is exactly as it published it.
    for field in ("slug", "status", "content", "modified_gmt", "featured_media", "link"):
        assert post_one[field] == before[field], field
    assert post_one["slug"] == kit.slug(first) and post_one["status"] == "publish"
    assert "pertama" in post_one["content"]["raw"] and "kedua" not in post_one["content"]["raw"]
    assert post_other["slug"] == kit.slug(second, other_installation)
    assert post_other["status"] == "draft"
    assert "kedua" in post_other["content"]["raw"]
    # The same photo is in the library once per installation, each with its own post.
    uploads = {m["id"]: m for m in await media_of(rest, kit.site, first.slug)}
    assert len(uploads) == 2
    assert post_one["featured_media"] != post_other["featured_media"]
    assert uploads[post_one["featured_media"]]["post"] == post_one["id"]
    assert uploads[post_other["featured_media"]]["post"] == post_other["id"]
    assert uploads[post_one["featured_media"]]["slug"].startswith(kit.slug(first) + "-1-")


async def test_a_first_attempt_never_takes_over_a_post(
    kit: Kit, rest: httpx.AsyncClient, wordpress_proxy: FlakyProxy
) -> None:
    """Posts with the article's own slug (an older warta's, anyone's) and another
    installation's post of the same item stay as they are: a first attempt creates,
    without looking for any post."""
    article = kit.article("Tidak Diambil Alih", category=None)
    stranger = await create_post(
        rest, title="Milik orang lain", content="Asli.", slug=article.slug, status="publish"
    )
    assert stranger["slug"] == article.slug
    other = kit.target(installation=secrets.token_hex(16))
    target = kit.target(wordpress_proxy.url)
    try:
        theirs = await other.publish(article, None)
        before = {
            i: await api(rest, f"posts/{i}", context="edit")
            for i in (stranger["id"], int(theirs.remote_id))
        }
        assert await target.locate(article) is None
        looked = wordpress_proxy.count(method="GET", path="/wp/v2/posts")
        ours = await target.publish(article, None)
        assert wordpress_proxy.count(method="GET", path="/wp/v2/posts") == looked
        assert wordpress_proxy.count(method="POST", path="/wp/v2/posts") == 1
    finally:
        await other.aclose()
        await target.aclose()
    assert int(ours.remote_id) not in before
    posts = {p["id"]: p for p in await posts_with_slug(rest, kit.site, article.slug)}
    assert set(posts) == {*before, int(ours.remote_id)}
    for post_id, was in before.items():
        for field in ("slug", "status", "title", "content", "modified_gmt"):
            assert posts[post_id][field] == was[field], (post_id, field)
    assert posts[int(ours.remote_id)]["slug"] == kit.slug(article)


async def test_a_lost_answer_is_found_again_next_to_another_installations_post(
    kit: Kit,
    rest: httpx.AsyncClient,
    wordpress_proxy: FlakyProxy,
) -> None:
    photo = await kit.media("photo", jpeg((60, 160, 60)), "image/jpeg", "a.jpg", "foto 1")
    article = kit.article("Hilang di Tengah Jalan", media=(photo,))
    other = kit.target(installation=secrets.token_hex(16))
    target = kit.target(wordpress_proxy.url)
    try:
        theirs = await other.publish(article, None)
        # The upload's answer is lost: the retry's look-up finds no post of ours, and our
        # upload (not theirs, the same file) is reused.
        wordpress_proxy.set("drop502", method="POST", path="/wp/v2/media", times=1)
        with pytest.raises(PublishError) as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous
        assert await target.locate(article) is None
        # Then the post's answer is lost: the look-up finds ours, not theirs.
        wordpress_proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)
        with pytest.raises(PublishError) as caught:
            await target.publish(article, None)
        assert caught.value.ambiguous
        assert wordpress_proxy.count(mode="drop") == 1
        located = await target.locate(article)
        assert located is not None and located.remote_id != theirs.remote_id
        ref = await target.publish(article, located)
    finally:
        await other.aclose()
        await target.aclose()
    assert ref.remote_id == located.remote_id
    posts = await posts_with_slug(rest, kit.site, article.slug)
    assert sorted(p["id"] for p in posts) == sorted(int(r.remote_id) for r in (theirs, ref))
    ours = next(p for p in posts if p["id"] == int(ref.remote_id))
    assert ours["slug"] == kit.slug(article)
    uploads = await media_of(rest, kit.site, article.slug)
    assert len(uploads) == 2
    [our_upload] = [m for m in uploads if m["slug"].startswith(kit.slug(article) + "-")]
    assert ours["featured_media"] == our_upload["id"]


async def test_a_post_from_before_the_mark_keeps_its_address(
    kit: Kit, rest: httpx.AsyncClient
) -> None:
    """A post an older warta made (its slug without the mark), updated through the ref
    the outbox kept, keeps its slug and so its address."""
    article = kit.article("Terbit Sebelum Tanda", category=None)
    old = await create_post(
        rest, title=article.title, content="Lama.", slug=article.slug, status="publish"
    )
    target = kit.target()
    try:
        ref = await target.publish(article, PublishedRef(str(old["id"]), old["link"]))
    finally:
        await target.aclose()
    assert ref.remote_id == str(old["id"]) and ref.url == old["link"]
    [post] = await posts_with_slug(rest, kit.site, article.slug)
    assert post["slug"] == article.slug
    assert "Isi berita." in post["content"]["raw"]


async def test_without_an_installation_id_nothing_is_published(
    kit: Kit, wordpress_proxy: FlakyProxy
) -> None:
    article = kit.article("Tanpa Identitas", category=None)
    target = kit.target(wordpress_proxy.url, installation=None)

    async def broken() -> str:
        raise OSError("database gone")

    unreadable = kit.target(wordpress_proxy.url, installation=broken)
    try:
        assert await target.check() == "Humas Humas"  # what ``warta doctor`` does
        seen = len(wordpress_proxy.seen)
        for attempt in (target.publish(article, None), target.locate(article)):
            with pytest.raises(PublishError, match="installation") as caught:
                await attempt
            assert caught.value.kind == "setup" and not caught.value.ambiguous
        with pytest.raises(PublishError, match="cannot read this installation's id") as caught:
            await unreadable.publish(article, None)
        assert caught.value.kind == "setup" and not caught.value.ambiguous
        assert len(wordpress_proxy.seen) == seen
    finally:
        await target.aclose()
        await unreadable.aclose()
    with pytest.raises(ValueError, match="hex"):
        kit.target(installation="not an id")


async def test_the_installation_id_is_made_once_per_database(
    database_url: str, tmp_path: Path
) -> None:
    """The migration makes it, upgrades keep it, a reset database gets a new one; the
    wiring reads it once."""
    from bot.shell.wiring import InstallationId
    from storage.db import create_engine, downgrade_database_async, upgrade_database_async

    async def installation_id() -> str:
        engine = create_engine(database_url)
        try:
            reader = InstallationId(engine)
            value = await reader()
            assert await reader() == value
            return value
        finally:
            await engine.dispose()

    await upgrade_database_async(database_url)
    made = await installation_id()
    assert len(made) == 32 and int(made, 16) >= 0
    await upgrade_database_async(database_url)
    assert await installation_id() == made
    other = f"sqlite+aiosqlite:///{tmp_path / 'other.sqlite3'}"
    await upgrade_database_async(other)
    engine = create_engine(other)
    try:
        assert await InstallationId(engine)() != made
    finally:
        await engine.dispose()
    await downgrade_database_async(database_url)
    await upgrade_database_async(database_url)
    assert await installation_id() != made


# ---------------------------------------------------------------------- unpublish()


@pytest.mark.parametrize("takedown", ["draft", "trash"])
async def test_unpublish(kit: Kit, rest: httpx.AsyncClient, takedown: str) -> None:
    article = kit.article(f"Ditarik {takedown}", category=None)
    target = kit.target(takedown=takedown)
    try:
        ref = await target.publish(article, None)
        async with httpx.AsyncClient(timeout=30) as anonymous:
            assert (await anonymous.get(str(ref.url))).status_code == 200
            await target.unpublish(article, ref)
            assert (await anonymous.get(str(ref.url))).status_code == 404
        await target.unpublish(article, ref)  # again: already gone is fine
        [post] = await posts_with_slug(rest, kit.site, article.slug)
        assert post["status"] == takedown
        # Still found (trashed posts too), and publishing again brings it back.
        located = await target.locate(article)
        assert located is not None and located.remote_id == ref.remote_id
        again = await target.publish(article, located)
        assert again.remote_id == ref.remote_id
        [post] = await posts_with_slug(rest, kit.site, article.slug)
        assert post["status"] == "publish" and post["slug"] == kit.slug(article)
        # A post deleted for good is gone too.
        await rest.delete(
            "/", params={"rest_route": f"/wp/v2/posts/{ref.remote_id}", "force": "true"}
        )
        await target.unpublish(article, PublishedRef(ref.remote_id))
    finally:
        await target.aclose()


# ---------------------------------------------------------------------- settings


def test_wordpress_from_settings(tmp_path: Path) -> None:
    from bot.shell.config import Settings
    from bot.shell.wiring import wordpress_from_settings

    files = PublicFiles(LocalBlobStore(tmp_path / "blobs"), tmp_path / "renditions")
    base = {"data_dir": tmp_path, "_env_file": None}
    assert wordpress_from_settings(Settings(**base), files) is None
    full = Settings(
        **base,
        wordpress_url="https://kota.go.id/",
        wordpress_user="humas",
        wordpress_app_password="abcd efgh ijkl mnop qrst uvwx",
        wordpress_takedown="trash",
    )
    target = wordpress_from_settings(full, files)
    assert isinstance(target, WordPress)
    assert "abcd" not in repr(target)
