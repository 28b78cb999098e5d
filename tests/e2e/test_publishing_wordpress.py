"""Publishing to a real WordPress from the chat: one tap reaches the static site, the
channel and WordPress; WordPress failing (500s, timeouts) is retried, alerted and
recovered; a takedown turns the WordPress post back into a draft; another
installation's post of the same item code and title is never taken over.

Needs Debian's WordPress (``tests/wordpress/install.sh``); skipped without it, except
in CI, where it must run.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.ports.targets import Article, make_slug
from bot.shell.wiring import InstallationId
from publisher.files import PublicFiles
from publisher.wordpress import WordPress
from storage.blobs import LocalBlobStore
from storage.db import create_engine
from tests.e2e.harness import FakeBotAPI
from tests.e2e.office import Office, card, channel_posts, snapshot
from tests.e2e.office import approved as approved_item
from tests.e2e.office import publish_sweep as sweep
from tests.e2e.office import publishing_office as office
from tests.wordpress.flaky_proxy import FlakyProxy
from tests.wordpress.server import WordPressSite


def wp_settings(site: WordPressSite, url: str, **extra: Any) -> dict[str, Any]:
    return {
        "wordpress_url": url,
        "wordpress_user": site.user,
        "wordpress_app_password": site.app_password,
        **extra,
    }


async def approved(o: Office, title: str) -> str:
    return await approved_item(o, title, "Pendaftaran dibuka di kantor kelurahan.")


async def page_status(url: str) -> tuple[int, str]:
    """What a reader's browser gets at ``url``."""
    async with httpx.AsyncClient(timeout=30, follow_redirects=True) as client:
        response = await client.get(url)
        return response.status_code, response.text


async def wp_slug(database_url: str, words_and_code: str) -> str:
    """The slug of this installation's post: ``<title words>-<item code>`` then the
    first 8 hex of the installation id its database holds."""
    engine = create_engine(database_url)
    try:
        installation = await InstallationId(engine)()
    finally:
        await engine.dispose()
    return f"{words_and_code}-{installation[:8]}"


async def wp_post(site: WordPressSite, post_id: int | str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(
            site.base_url + "/",
            params={"rest_route": f"/wp/v2/posts/{post_id}", "context": "edit"},
            auth=(site.user, site.app_password),
        )
    response.raise_for_status()
    post: dict[str, Any] = response.json()
    return post


async def wp_posts(site: WordPressSite, slug: str) -> list[dict[str, Any]]:
    """Every post with this slug, whatever its status (read as the editor)."""
    statuses = "publish,future,draft,pending,private"
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(
            site.base_url + "/",
            params={
                "rest_route": "/wp/v2/posts",
                "slug": slug,
                "status": statuses,
                "context": "edit",
            },
            auth=(site.user, site.app_password),
        )
    response.raise_for_status()
    posts: list[dict[str, Any]] = response.json()
    return posts


async def test_one_tap_reaches_site_channel_and_wordpress(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str, wordpress: WordPressSite
) -> None:
    settings = wp_settings(wordpress, wordpress.base_url)
    async with office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await approved(o, "Vaksinasi gratis di Kelurahan Bukit")
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)

        slug = await wp_slug(database_url, "vaksinasi-gratis-di-kelurahan-bukit-" + code.lower())
        posts = await wp_posts(wordpress, slug)
        assert len(posts) == 1
        post = posts[0]
        assert post["status"] == "publish"
        assert post["title"]["raw"] == "Vaksinasi gratis di Kelurahan Bukit"
        assert "Pendaftaran dibuka" in post["content"]["raw"]
        assert post["featured_media"] > 0
        # The public page is there for readers.
        status, html = await page_status(post["link"])
        assert status == 200 and "Vaksinasi gratis" in html

        text = card(o.publishers_group, code).text
        assert "✅ Situs web" in text and "✅ WordPress" in text and "✅ Kanal Telegram" in text
        # The channel links to the office website's article (WordPress first).
        channel = channel_posts(fake_bot_api)
        assert len(channel) == 1 and post["link"] in (channel[0].raw_text or "")
        confirmation = o.web_group.find("sudah terbit")
        assert post["link"] in confirmation.text and "/berita/" in confirmation.text

        db = await snapshot(database_url)
        assert db.item(code).state == "published"


async def test_wordpress_down_is_retried_alerted_and_recovers(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    wordpress: WordPressSite,
    wordpress_proxy: FlakyProxy,
) -> None:
    settings = wp_settings(
        wordpress, wordpress_proxy.url, publish_alert_after=3, publish_timeout_seconds=1.5
    )
    async with office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await approved(o, "Pasar murah di alun-alun kota")
        slug = await wp_slug(database_url, "pasar-murah-di-alun-alun-kota-" + code.lower())
        wordpress_proxy.mode = "500"
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        text = card(o.publishers_group, code).text
        assert "✅ Situs web" in text and "🔁 WordPress" in text
        # The channel waits a little for the office website's link.
        assert not channel_posts(fake_bot_api)

        # Second attempt: WordPress does not answer at all.
        wordpress_proxy.mode = "hang"
        o.clock.advance(seconds=31)
        await sweep(o)
        # Third attempt: 500 again, and the webmaster is alerted.
        wordpress_proxy.mode = "500"
        o.clock.advance(seconds=61)
        await sweep(o)
        alert = o.web_group.find("belum berhasil")
        assert "WordPress" in alert.text and "3 kali" in alert.text
        assert "server tujuan sedang bermasalah" in alert.text
        assert o.log_group.has("belum berhasil")
        assert "❌ WordPress" in card(o.publishers_group, code).text
        # One site being down does not keep the item off the channel any longer.
        assert len(channel_posts(fake_bot_api)) == 1
        assert not o.web_group.has("sudah terbit")

        # WordPress is back: the next attempt publishes it, exactly once.
        wordpress_proxy.reset()
        o.clock.advance(seconds=121)
        await sweep(o)
        posts = await wp_posts(wordpress, slug)
        assert len(posts) == 1 and posts[0]["status"] == "publish"
        assert "✅ WordPress" in card(o.publishers_group, code).text
        assert o.web_group.has("sudah terbit")
        assert wordpress_proxy.count(mode="500") >= 2 and wordpress_proxy.count(mode="hang") >= 1


async def test_lost_response_does_not_duplicate_the_post(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    wordpress: WordPressSite,
    wordpress_proxy: FlakyProxy,
) -> None:
    settings = wp_settings(wordpress, wordpress_proxy.url)
    async with office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await approved(o, "Jadwal pelayanan selama libur")
        slug = await wp_slug(database_url, "jadwal-pelayanan-selama-libur-" + code.lower())
        # WordPress creates the post, but the answer never reaches warta.
        wordpress_proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        assert len(await wp_posts(wordpress, slug)) == 1
        assert "🔁 WordPress" in card(o.publishers_group, code).text
        o.clock.advance(seconds=31)
        await sweep(o)
        assert len(await wp_posts(wordpress, slug)) == 1
        assert "✅ WordPress" in card(o.publishers_group, code).text


async def test_takedown_turns_the_wordpress_post_into_a_draft(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str, wordpress: WordPressSite
) -> None:
    settings = wp_settings(wordpress, wordpress.base_url)
    async with office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await approved(o, "Pengumuman seleksi pegawai")
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        slug = await wp_slug(database_url, "pengumuman-seleksi-pegawai-" + code.lower())
        link = (await wp_posts(wordpress, slug))[0]["link"]
        assert (await page_status(link))[0] == 200

        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Jadwal seleksi diubah", in_chat=o.officials_group)
        posts = await wp_posts(wordpress, slug)
        assert len(posts) == 1 and posts[0]["status"] == "draft"
        assert (await page_status(link))[0] == 404
        text = card(o.officials_group, code).text
        assert "🚫 WordPress" in text and "🚫 Situs web" in text and "🚫 Kanal Telegram" in text
        assert not channel_posts(fake_bot_api)
        assert o.web_group.has("sudah dihapus dari semua tujuan")


async def test_another_installations_post_of_the_same_item_is_left_alone(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    wordpress: WordPressSite,
    wordpress_proxy: FlakyProxy,
) -> None:
    """A second installation (or this one before its database was reset) numbers its
    items from 1 too: its post of the same code and title is never found, updated or
    overwritten, even when warta has to look for its own after a lost answer."""
    title = "Lomba kebersihan antar RW"
    settings = wp_settings(wordpress, wordpress_proxy.url)
    async with office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await approved(o, title)
        words = make_slug(title, code)
        other = WordPress(
            wordpress.base_url,
            wordpress.user,
            wordpress.app_password,
            PublicFiles(LocalBlobStore(tmp_path / "other"), tmp_path / "other-renditions"),
            installation=secrets.token_hex(16),
        )
        try:
            theirs = await other.publish(
                Article(
                    key=code,
                    slug=words,
                    title=title,
                    body="Dari kantor lain.",
                    category=None,
                    section=None,
                    published_at=datetime.now(UTC),
                ),
                None,
            )
        finally:
            await other.aclose()
        before = await wp_post(wordpress, theirs.remote_id)

        # WordPress creates warta's post, but the answer never reaches warta.
        wordpress_proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        assert "🔁 WordPress" in card(o.publishers_group, code).text
        slug = await wp_slug(database_url, words)
        assert slug != before["slug"]
        assert len(await wp_posts(wordpress, slug)) == 1
        # The retry looks up its own post and finds it: no duplicate, theirs untouched.
        o.clock.advance(seconds=31)
        await sweep(o)
        [ours] = await wp_posts(wordpress, slug)
        assert "✅ WordPress" in card(o.publishers_group, code).text
        assert ours["id"] != int(theirs.remote_id)
        assert "Pendaftaran dibuka" in ours["content"]["raw"]
        after = await wp_post(wordpress, theirs.remote_id)
        for field in ("slug", "status", "title", "content", "modified_gmt", "link"):
            assert after[field] == before[field], field
        assert len(await wp_posts(wordpress, words)) == 0  # nothing under the bare slug
        assert o.web_group.has("sudah terbit")
        confirmation = o.web_group.find("sudah terbit")
        assert ours["link"] in confirmation.text
        # (a plain permalink ``?p=12`` is the start of ``?p=123``)
        assert not re.search(re.escape(before["link"]) + r"(?![0-9])", confirmation.text)
