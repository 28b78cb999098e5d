"""The static website target, on real files: a real blob store, real images, real pages."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.cli import main
from bot.ports.targets import (
    Article,
    ArticleMedia,
    MediaKind,
    PublishedRef,
    PublishError,
    make_slug,
)
from bot.shell.config import load_settings
from bot.shell.wiring import static_site_from_settings
from publisher.documents import clean_document
from publisher.files import PublicFiles
from publisher.public_media import PublicMediaFolder
from publisher.static_site import StaticSite, make_server
from storage.blobs import LocalBlobStore
from tests.fakebotapi import sample_jpeg
from tests.fakebotapi.samples import sample_mp4, sample_pdf
from tests.publishing.kit import has_exif, has_gps, make_article, stored_media

BASE = "https://warta.kota.go.id"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JAKARTA = ZoneInfo("Asia/Jakarta")
# Thursday 26 November 2026, 10.15 in Jakarta.
MOMENT = datetime(2026, 11, 26, 3, 15, tzinfo=UTC)
# A phone's photo: it names the camera, and where it was taken when asked for ``gps``.
jpeg = partial(sample_jpeg, 640, 480, maker="PhoneMaker", model="Phone 12")

PDF = sample_pdf("Surat Edaran 12", author="Budi Santoso")
VIDEO = sample_mp4(bytes(range(256)) * 40)


class Site:
    """A site folder with its blob store, and helpers to make articles from real files."""

    def __init__(self, root: Path, **options: object) -> None:
        self.root = root
        self.blobs = LocalBlobStore(root / "media-store")
        self.files = PublicFiles(self.blobs, root / "renditions")
        self.dir = root / "site"
        self.media = PublicMediaFolder(self.dir, BASE, self.files)
        self.target = self.make(**options)

    def make(self, **options: object) -> StaticSite:
        settings: dict[str, object] = {
            "base_url": BASE,
            "title": "Warta Kota Contoh",
            "description": "Berita resmi Pemerintah Kota Contoh",
            "per_page": 10,
            "timezone": JAKARTA,
        }
        settings.update(options)
        return StaticSite(self.dir, self.media, **settings)  # type: ignore[arg-type]

    async def file(
        self, kind: MediaKind, data: bytes, name: str, mime: str, alt: str = ""
    ) -> ArticleMedia:
        return await stored_media(self.blobs, kind, data, name, mime, alt=alt)

    def read(self, relative: str) -> str:
        return (self.dir / relative).read_text(encoding="utf-8")

    def manifest(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.read(".warta/posts.json"))
        return data


article = partial(make_article, section="Bidang Pengawasan", when=MOMENT, tags=("kota",))


def rss_links(site: Site) -> list[str]:
    root = ET.fromstring((site.dir / "feed.xml").read_bytes())
    return [item.findtext("link") or "" for item in root.iter("item")]


def atom_links(site: Site) -> list[str]:
    root = ET.fromstring((site.dir / "atom.xml").read_bytes())
    return [
        link.get("href") or ""
        for entry in root.iter(f"{ATOM}entry")
        for link in entry.iter(f"{ATOM}link")
    ]


def json_urls(site: Site) -> list[str]:
    feed = json.loads(site.read("feed.json"))
    return [item["url"] for item in feed["items"]]


def sitemap_urls(site: Site) -> list[str]:
    root = ET.fromstring((site.dir / "sitemap.xml").read_bytes())
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


async def rich_article(site: Site) -> Article:
    cover = await site.file(
        "photo",
        jpeg((200, 30, 30), gps=True),
        "pkp-2026-0001-1.jpg",
        "image/jpeg",
        alt="Petugas memeriksa saluran air",
    )
    second = await site.file("photo", jpeg((30, 160, 40)), "pkp-2026-0001-2.jpg", "image/jpeg")
    video = await site.file("video", VIDEO, "pkp-2026-0001-3.mp4", "video/mp4")
    document = await site.file("document", PDF, "Surat Edaran 12.pdf", "application/pdf")
    return article(
        "Pemeriksaan saluran air di Kecamatan Timur",
        number=1,
        body="Petugas memeriksa saluran.\n\nInformasi lengkap: https://kota.go.id/air",
        media=(cover, second, video, document),
    )


# --- publishing -------------------------------------------------------------------------


async def test_publish_writes_post_lists_feeds_and_sitemap(site: Site) -> None:
    item = await rich_article(site)
    ref = await site.target.publish(item, None)

    url = f"{BASE}/berita/{item.slug}/"
    assert ref == PublishedRef(remote_id=item.slug, url=url)

    page = site.read(f"berita/{item.slug}/index.html")
    assert '<html lang="id">' in page
    assert '<h1 class="post-title">Pemeriksaan saluran air di Kecamatan Timur</h1>' in page
    assert (
        '<time datetime="2026-11-26T10:15:00+07:00">Kamis, 26 November 2026 10.15 WIB</time>'
        in (page)
    )
    assert 'alt="Petugas memeriksa saluran air"' in page
    # A photo without alt text gets one made from the title.
    assert 'alt="Pemeriksaan saluran air di Kecamatan Timur (foto 2)"' in page
    assert "<video controls" in page
    assert "Unduh dokumen: Surat Edaran 12.pdf" in page
    # The public copy's size: the PDF without its author.
    assert f"(PDF, {len(clean_document(PDF, 'application/pdf'))} B)" in page
    assert '<a href="../../media/' in page and "Surat%20Edaran%2012.pdf" in page
    assert "<dt>Bidang</dt><dd>Bidang Pengawasan</dd>" in page
    assert 'href="https://kota.go.id/air"' in page  # body went through text_to_html
    assert 'class="skip-link" href="#isi"' in page and '<main id="isi"' in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:image" content="{BASE}/media/' in page

    # Every file was exported as a public copy next to the site, a photo in every size.
    every = sorted(p.relative_to(site.dir).as_posix() for p in site.dir.glob("media/*/*"))
    exported = [p for p in every if not is_variant(p)]
    assert len(exported) == 4
    variants = [p for p in every if is_variant(p)]
    assert variants and all(quote(p) in page for p in variants)  # each in a srcset
    assert page.count("<picture>") == 2 and page.count('<source type="image/webp"') == 2
    assert 'sizes="(min-width: 52rem) 50rem, calc(100vw - 2rem)"' in page
    assert any(p.endswith("/Surat Edaran 12.pdf") for p in exported)
    assert (site.dir / next(p for p in exported if p.endswith(".mp4"))).read_bytes() == VIDEO

    home = site.read("index.html")
    assert f'href="berita/{item.slug}/"' in home and "Pemeriksaan saluran air" in home
    assert 'href="static/style.css?v=' in home
    category = site.read("kategori/pengumuman/index.html")
    assert f'href="../../berita/{item.slug}/"' in category
    assert "Kategori: Pengumuman" in category
    assert 'href="kategori/pengumuman/"' in site.read("kategori/index.html").replace("../", "")
    assert (site.dir / "static" / "style.css").read_text().strip()

    assert rss_links(site) == [url]
    rss = ET.fromstring((site.dir / "feed.xml").read_bytes())
    enclosure = rss.find("channel/item/enclosure")
    assert enclosure is not None and enclosure.get("type") == "image/jpeg"
    assert (enclosure.get("url") or "").startswith(f"{BASE}/media/")
    assert rss.findtext("channel/item/category") == "Pengumuman"
    assert url in atom_links(site)
    feed = json.loads(site.read("feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE}/feed.json"
    [entry] = feed["items"]
    assert entry["url"] == url and entry["image"].startswith(f"{BASE}/media/")
    assert {a["mime_type"] for a in entry["attachments"]} == {"video/mp4", "application/pdf"}
    assert entry["date_published"] == "2026-11-26T03:15:00Z"
    assert set(sitemap_urls(site)) == {f"{BASE}/", f"{BASE}/kategori/pengumuman/", url}
    assert f"Sitemap: {BASE}/sitemap.xml" in site.read("robots.txt")


async def test_published_photos_carry_no_exif_or_gps(site: Site) -> None:
    original = sample_jpeg(800, 600, (10, 20, 200), gps=True, maker="PhoneMaker", model="Phone 12")
    assert has_gps(original), "the fixture must really carry GPS"
    assert b"Exif" in original
    photo = await site.file("photo", original, "pkp-2026-0001-1.jpg", "image/jpeg")
    await site.target.publish(article("Foto dengan lokasi", number=1, media=(photo,)), None)

    files = sorted(site.dir.glob("media/*/*"))
    assert [p.name for p in files] == [
        "pkp-2026-0001-1-320w.jpg", "pkp-2026-0001-1-320w.webp",
        "pkp-2026-0001-1-640w.jpg", "pkp-2026-0001-1-640w.webp",
        "pkp-2026-0001-1-800w.webp", "pkp-2026-0001-1.jpg",
    ]  # fmt: skip
    for public in files:
        data = public.read_bytes()
        with Image.open(public) as image:
            width = int(public.stem.rsplit("-", 1)[-1][:-1]) if is_variant(public.name) else 800
            assert image.size == (width, width * 3 // 4)
            assert "exif" not in image.info and "xmp" not in image.info
        assert not has_exif(data) and not has_gps(data)  # not has_exif: no b"Exif" either
        assert b"PhoneMaker" not in data
    page = site.read(f"berita/{make_slug('Foto dengan lokasi', 'PKP-2026-0001')}/index.html")
    assert 'width="800" height="600"' in page


async def test_republish_updates_in_place(site: Site) -> None:
    item = await rich_article(site)
    first = await site.target.publish(item, None)
    atom_before = (site.dir / "atom.xml").read_bytes()

    # The same article again (a retry after a lost response) changes nothing at all.
    again = await site.target.publish(item, first)
    assert again == first
    assert (site.dir / "atom.xml").read_bytes() == atom_before

    # An edit updates the one page; every list still shows the post once.
    edited = Article(**{**item.__dict__, "body": "Teks yang sudah diperbaiki."})
    assert await site.target.publish(edited, first) == first
    # Its files are the same ones, still in place.
    page = site.read(f"berita/{item.slug}/index.html")
    files = sorted(site.dir.glob("media/*/*"))
    assert len([p for p in files if not is_variant(p.name)]) == 4
    for path in files:
        assert quote(path.relative_to(site.dir).as_posix()) in page
    assert "Teks yang sudah diperbaiki." in site.read(f"berita/{item.slug}/index.html")
    assert len(site.manifest()["posts"]) == 1  # type: ignore[arg-type]
    assert rss_links(site) == [first.url]
    assert json_urls(site) == [first.url]
    assert atom_links(site).count(first.url or "") == 1
    assert sitemap_urls(site).count(first.url or "") == 1
    assert site.read("index.html").count(f'href="berita/{item.slug}/"') == 1
    assert len([p for p in (site.dir / "berita").iterdir()]) == 1
    # Feed readers learn that it changed, and still when it first appeared.
    atom = ET.fromstring((site.dir / "atom.xml").read_bytes())
    assert atom.findtext(f"{ATOM}entry/{ATOM}published") == "2026-11-26T03:15:00Z"
    assert atom.findtext(f"{ATOM}entry/{ATOM}updated") != "2026-11-26T03:15:00Z"


async def test_changed_slug_replaces_the_old_page(site: Site) -> None:
    item = article("Judul lama", number=1)
    old = await site.target.publish(item, None)
    renamed = Article(
        **{**item.__dict__, "title": "Judul baru", "slug": make_slug("Judul baru", item.key)}
    )
    new = await site.target.publish(renamed, old)
    assert new.remote_id != old.remote_id
    assert not (site.dir / "berita" / old.remote_id).exists()
    assert (site.dir / "berita" / new.remote_id / "index.html").is_file()
    assert rss_links(site) == [new.url]


async def test_pagination_newest_first(tmp_path: Path) -> None:
    site = Site(tmp_path, per_page=2)
    items = [
        article(f"Berita nomor {n}", number=n, when=MOMENT + timedelta(hours=n))
        for n in range(1, 6)
    ]
    for item in items:
        await site.target.publish(item, None)

    def titles(relative: str) -> list[str]:
        page = site.read(relative)
        return [f"Berita nomor {n}" for n in range(1, 6) if f">Berita nomor {n}</a>" in page]

    assert titles("index.html") == ["Berita nomor 4", "Berita nomor 5"]
    assert site.read("index.html").index("nomor 5") < site.read("index.html").index("nomor 4")
    assert titles("halaman/2/index.html") == ["Berita nomor 2", "Berita nomor 3"]
    assert titles("halaman/3/index.html") == ["Berita nomor 1"]
    assert not (site.dir / "halaman" / "4").exists()

    first = site.read("index.html")
    assert 'rel="next" href="halaman/2/"' in first and "Halaman berikutnya" in first
    assert "Halaman 1 dari 3" in first and 'rel="prev"' not in first
    middle = site.read("halaman/2/index.html")
    assert 'rel="prev" href="../../"' in middle and 'rel="next" href="../../halaman/3/"' in middle
    last = site.read("halaman/3/index.html")
    assert "Halaman berikutnya" not in last and "Halaman 3 dari 3" in last
    assert 'href="../../static/style.css?v=' in last

    assert (site.dir / "kategori/pengumuman/halaman/3/index.html").is_file()
    category_middle = site.read("kategori/pengumuman/halaman/2/index.html")
    assert 'rel="prev" href="../../../../kategori/pengumuman/"' in category_middle

    # Feeds and sitemap list every post once, newest first.
    assert rss_links(site) == [f"{BASE}/berita/{i.slug}/" for i in reversed(items)]
    assert len(json_urls(site)) == 5

    # Fewer posts, fewer pages: the stale third page disappears.
    for item in items[:2]:
        await site.target.unpublish(item, PublishedRef(remote_id=item.slug))
    assert not (site.dir / "halaman" / "3").exists()
    assert not (site.dir / "kategori/pengumuman/halaman/3").exists()
    assert titles("halaman/2/index.html") == ["Berita nomor 3"]


async def test_feeds_hold_the_newest_twenty(site: Site) -> None:
    for n in range(1, 23):
        await site.target.publish(
            article(f"Berita {n}", number=n, when=MOMENT + timedelta(minutes=n)), None
        )
    links = rss_links(site)
    assert len(links) == 20 and len(json_urls(site)) == 20
    assert links[0].endswith("-pkp-2026-0022/") and links[-1].endswith("-pkp-2026-0003/")
    assert len(sitemap_urls(site)) == 22 + 2  # home, one category, every post


def is_variant(path: str) -> bool:
    """A photo's further size (``<name>-<width>w.<ext>``), beside its largest copy."""
    return re.search(r"-\d+w\.(jpg|png|webp)$", path) is not None


# --- taking down ------------------------------------------------------------------------


async def test_unpublish_removes_page_and_unshared_media(site: Site) -> None:
    shared_bytes = jpeg((90, 90, 90))
    shared_a = await site.file("photo", shared_bytes, "pkp-2026-0001-1.jpg", "image/jpeg")
    own_a = await site.file("photo", jpeg((250, 200, 0)), "pkp-2026-0001-2.jpg", "image/jpeg")
    doc_a = await site.file("document", PDF, "lampiran.pdf", "application/pdf")
    shared_b = await site.file("photo", shared_bytes, "pkp-2026-0002-1.jpg", "image/jpeg")
    first = article("Berita pertama", number=1, media=(shared_a, own_a, doc_a), category="Kegiatan")
    second = article("Berita kedua", number=2, media=(shared_b,), when=MOMENT + timedelta(hours=1))
    ref_a = await site.target.publish(first, None)
    ref_b = await site.target.publish(second, None)

    shared_folder = site.dir / "media" / (shared_a.sha256 or "")[:16]
    own_folder = site.dir / "media" / (own_a.sha256 or "")[:16]
    doc_folder = site.dir / "media" / (doc_a.sha256 or "")[:16]
    assert {p.name for p in shared_folder.iterdir() if not is_variant(p.name)} == {
        "pkp-2026-0001-1.jpg",
        "pkp-2026-0002-1.jpg",
    }
    assert own_folder.is_dir() and doc_folder.is_dir()
    assert (site.dir / "kategori" / "kegiatan").is_dir()

    await site.target.unpublish(first, ref_a)

    assert not (site.dir / "berita" / first.slug).exists()
    assert not own_folder.exists() and not doc_folder.exists()
    # The photo the second post also uses stays; only the first post's copy of it goes.
    assert {p.name.split("-")[2] for p in shared_folder.iterdir()} == {"0002"}
    assert "pkp-2026-0002-1.jpg" in {p.name for p in shared_folder.iterdir()}
    assert (site.dir / "berita" / second.slug / "index.html").is_file()
    assert "media/" + (shared_b.sha256 or "")[:16] in site.read(f"berita/{second.slug}/index.html")

    home = site.read("index.html")
    assert "Berita pertama" not in home and "Berita kedua" in home
    assert rss_links(site) == [ref_b.url]
    assert json_urls(site) == [ref_b.url]
    assert ref_a.url not in atom_links(site)
    assert ref_a.url not in sitemap_urls(site) and ref_b.url in sitemap_urls(site)
    # Its category had no other post: its page goes too.
    assert not (site.dir / "kategori" / "kegiatan").exists()
    assert "Kegiatan" not in site.read("kategori/index.html")
    assert await site.target.locate(first) is None

    # Already gone: a retry succeeds and changes nothing.
    await site.target.unpublish(first, ref_a)
    assert rss_links(site) == [ref_b.url]


async def test_unpublish_of_unknown_article_succeeds(site: Site) -> None:
    item = article("Tidak pernah terbit", number=9)
    await site.target.unpublish(item, PublishedRef(remote_id=item.slug))
    # A remote id that is not a slug is never turned into a path.
    await site.target.unpublish(item, PublishedRef(remote_id="../../etc"))
    assert not (site.dir / "berita" / item.slug).exists()


# --- safety -----------------------------------------------------------------------------


async def test_markup_in_title_and_body_is_escaped_everywhere(site: Site) -> None:
    title = 'Awas <script>alert("judul")</script> & "kutip"\x0b'
    body = "Halo <script>alert(1)</script>\n<img src=x onerror=alert(2)>"
    item = article(title, number=1, body=body, category="<b>Kategori</b>")
    await site.target.publish(item, None)

    outputs = {
        path.relative_to(site.dir).as_posix(): path.read_text(encoding="utf-8")
        for path in site.dir.rglob("*")
        if path.is_file() and path.suffix in {".html", ".xml"} and ".warta" not in path.parts
    }
    assert f"berita/{item.slug}/index.html" in outputs and "atom.xml" in outputs
    # JSON Feed titles and summaries are plain text by definition; its HTML is not.
    json_item = json.loads(site.read("feed.json"))["items"][0]
    outputs["feed.json content_html"] = json_item["content_html"]
    for name, text in outputs.items():
        assert "<script" not in text.lower(), name
        assert "<img src=x" not in text, name
        assert "<b>Kategori" not in text, name
    page = outputs[f"berita/{item.slug}/index.html"]
    assert "Awas &lt;script&gt;alert(&#34;judul&#34;)&lt;/script&gt; &amp; &#34;kutip&#34;" in page
    assert (
        "Halo &lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;img src=x onerror=alert(2)&gt;" in page
    )

    # Feeds stay well-formed and give readers the exact text back (minus the control
    # character XML cannot carry).
    rss = ET.fromstring((site.dir / "feed.xml").read_bytes())
    assert rss.findtext("channel/item/title") == title.rstrip("\x0b")
    atom = ET.fromstring((site.dir / "atom.xml").read_bytes())
    assert atom.findtext(f"{ATOM}entry/{ATOM}title") == title.rstrip("\x0b")
    assert json_item["title"] == title.rstrip("\x0b")


async def test_unsafe_slug_is_refused(site: Site) -> None:
    item = Article(**{**article("x", number=1).__dict__, "slug": "../../luar"})
    with pytest.raises(PublishError):
        await site.target.publish(item, None)
    assert not (site.root / "luar").exists()


async def test_damaged_manifest_is_not_replaced_by_an_empty_one(site: Site) -> None:
    await site.target.publish(article("Pertama", number=1), None)
    manifest = site.dir / ".warta" / "posts.json"
    manifest.write_text("{ not json")
    with pytest.raises(PublishError, match="damaged"):
        await site.target.publish(article("Kedua", number=2), None)
    assert manifest.read_text() == "{ not json"
    assert "Pertama" in site.read("index.html")


# --- templates, rebuild, locate ---------------------------------------------------------


async def test_template_override_and_rebuild(site: Site, tmp_path: Path) -> None:
    item = await rich_article(site)
    await site.target.publish(item, None)
    shipped_css = (site.dir / "static" / "style.css").read_bytes()
    shipped_version = site.read("index.html").split("style.css?v=")[1][:10]

    templates = tmp_path / "office-templates"
    (templates / "static").mkdir(parents=True)
    (templates / "post.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        "<p class=office-marker>Kantor: {{ post.title }}</p>{% endblock %}",
        encoding="utf-8",
    )
    (templates / "static" / "style.css").write_text("body { color: #123456; }\n")
    restyled = site.make(templates_dir=templates)
    assert await restyled.rebuild() == 1

    page = site.read(f"berita/{item.slug}/index.html")
    assert "<p class=office-marker>Kantor: Pemeriksaan saluran air" in page
    assert "Beranda" in page  # the shipped base template still frames it
    css = (site.dir / "static" / "style.css").read_bytes()
    assert css == b"body { color: #123456; }\n" and css != shipped_css
    # The stylesheet link changes with its content, so browsers do not keep the old one.
    version = site.read("index.html").split("style.css?v=")[1][:10]
    assert version != shipped_version and f"style.css?v={version}" in page

    # A page lost from the folder comes back from the manifest.
    (site.dir / "index.html").unlink()
    (site.dir / "berita" / item.slug / "index.html").unlink()
    (site.dir / "berita" / "sisa-lama").mkdir()
    assert await restyled.rebuild() == 1
    assert "Pemeriksaan saluran air" in site.read("index.html")
    assert "office-marker" in site.read(f"berita/{item.slug}/index.html")
    assert not (site.dir / "berita" / "sisa-lama").exists()


async def test_broken_office_template_is_a_publish_error(site: Site, tmp_path: Path) -> None:
    templates = tmp_path / "broken"
    templates.mkdir()
    (templates / "post.html").write_text("{{ post.no_such_field }}", encoding="utf-8")
    with pytest.raises(PublishError, match=r"post\.html"):
        await site.make(templates_dir=templates).publish(article("Judul", number=1), None)


async def test_locate(site: Site) -> None:
    item = article("Dicari kembali", number=1)
    assert await site.target.locate(item) is None
    ref = await site.target.publish(item, None)
    # A fresh instance (the bot restarted) finds it through the manifest.
    assert await site.make().locate(item) == ref


async def test_concurrent_publishes_all_land(site: Site) -> None:
    items = [
        article(f"Serentak {n}", number=n, when=MOMENT + timedelta(minutes=n)) for n in range(8)
    ]
    await asyncio.gather(*(site.target.publish(i, None) for i in items))
    assert len(site.manifest()["posts"]) == 8  # type: ignore[arg-type]
    assert len(rss_links(site)) == 8


# --- serving and the command line -------------------------------------------------------


@pytest.fixture
def served(site: Site) -> Iterator[str]:
    asyncio.run(site.target.publish(article("Disajikan lokal", number=1), None))
    server = make_server(site.dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_serve_answers_and_hides_the_manifest(served: str) -> None:
    status, body = fetch(f"{served}/")
    assert status == 200 and b"Disajikan lokal" in body
    status, body = fetch(f"{served}/feed.xml")
    assert status == 200 and ET.fromstring(body).tag == "rss"
    for hidden in (
        "/.warta/posts.json",
        "/%2Ewarta/posts.json",
        "/.warta/",
        "/berita/../.warta/posts.json",
    ):
        assert fetch(f"{served}{hidden}")[0] == 404, hidden


async def test_cli_site_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("WARTA_SITE_DIR", "WARTA_SITE_TEMPLATES_DIR", "WARTA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    templates = tmp_path / "templates"
    templates.mkdir()
    monkeypatch.setenv("WARTA_DATA_DIR", str(data))
    monkeypatch.setenv("WARTA_SITE_URL", "https://contoh.go.id/warta/")
    monkeypatch.setenv("WARTA_SITE_TITLE", "Warta Uji")
    monkeypatch.setenv("WARTA_SITE_TEMPLATES_DIR", str(templates))

    settings = load_settings()
    blobs = LocalBlobStore(settings.media_dir)
    site = static_site_from_settings(settings, PublicFiles(blobs, data / "renditions"))
    photo = await stored_media(blobs, "photo", jpeg((1, 2, 3), gps=True), "foto.jpg", "image/jpeg")
    item = article("Dari baris perintah", number=1, media=(photo,))
    published = await site.publish(item, None)
    assert published.url == f"https://contoh.go.id/warta/berita/{item.slug}/"
    assert site.site_dir == data / "site"

    # The office drops in its own home page template, then rebuilds.
    (templates / "home.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id=kantor>{{ posts|length }} berita'
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    assert await asyncio.to_thread(main, ["site", "build"]) == 0
    assert "site rebuilt: 1 posts" in capsys.readouterr().out
    home = (data / "site" / "index.html").read_text(encoding="utf-8")
    assert "<p id=kantor>1 berita</p>" in home and "Warta Uji" in home
    assert "https://contoh.go.id/warta/feed.xml" in home

    # Serving a folder that holds no site yet builds it first, then answers.
    fresh = tmp_path / "fresh"
    page = await asyncio.to_thread(_serve_fresh_site, fresh)
    assert "Warta Uji" in page
    assert (fresh / "index.html").is_file()


def _serve_fresh_site(site_dir: Path) -> str:
    """Run ``warta site serve`` on an empty folder in its own process (it serves until
    stopped), fetch the home page, stop it; the page's text."""
    environment = {**os.environ, "WARTA_SITE_DIR": str(site_dir)}
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    server = subprocess.Popen(
        [*command, "site", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    # A server that never answers must not hang the suite: kill it after a minute.
    guard = threading.Timer(60, server.kill)
    guard.start()
    try:
        assert server.stdout is not None
        built = server.stdout.readline()
        assert built.startswith("site rebuilt: 0 posts"), built
        serving = server.stdout.readline()
        url = serving.split(" at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            return str(response.read().decode("utf-8"))
    finally:
        guard.cancel()
        server.terminate()
        server.communicate(timeout=30)


async def test_photo_removed_in_an_edit_leaves_the_site(site: Site) -> None:
    kept = await site.file("photo", jpeg((5, 5, 5)), "pkp-2026-0001-1.jpg", "image/jpeg")
    dropped = await site.file("photo", jpeg((250, 5, 5)), "pkp-2026-0001-2.jpg", "image/jpeg")
    item = article("Foto diganti", number=1, media=(kept, dropped))
    ref = await site.target.publish(item, None)
    dropped_folder = site.dir / "media" / (dropped.sha256 or "")[:16]
    assert dropped_folder.is_dir()

    await site.target.publish(Article(**{**item.__dict__, "media": (kept,)}), ref)
    assert not dropped_folder.exists()
    assert (site.dir / "media" / (kept.sha256 or "")[:16] / "pkp-2026-0001-1.jpg").is_file()
    assert (dropped.sha256 or "")[:16] not in site.read(f"berita/{item.slug}/index.html")
