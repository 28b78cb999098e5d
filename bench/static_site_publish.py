"""Benchmark: how the static website's cost per publish grows with the size of the site.

Everything is real and on disk, in a temporary folder: a ``StaticSite`` (10 posts a
page, Asia/Jakarta) over a ``PublicMediaFolder``, ``PublicFiles`` and a
``LocalBlobStore`` that holds one small JPEG made with Pillow, the photo of every
article. The photo's web rendition is cached by ``PublicFiles`` before anything is
timed (every site shares the cache folder), so the figures are the site's own work,
not Pillow re-encoding a photo, which a real publish pays once per photo whatever the
size of the site.

* baseline, measured in the same run: publishing one article into an EMPTY site, each
  time into a freshly emptied folder (the same ``StaticSite`` object, so its Jinja
  templates are compiled once, as in the running bot), once before each size in every
  round;
* for each size N (``--sizes``): one site holding N posts. Each round publishes a NEW
  article (the newest, so it lands at the top of the home page and its category, as a
  fresh article does), unpublishes it again, so the site stays at N, and then times
  ``rebuild()`` of the whole site at N posts.

Rounds go through the baseline and every size in turn, so all figures see the same
state of the machine; each figure is the median of the rounds. Before each timed step
the disks are synced (untimed), so that the site's fsync of its manifest does not pay
for the previous step's writes. The table also counts, in the first round, the files
each step wrote, created or removed. ``rebuild()`` finds the pages as they are and
only renders them (``_write`` leaves equal files alone), which is what ``warta site
build`` costs when nothing changed; after a template change it also writes every page.

Filling: publishing N articles one by one costs O(N^2) (each publish renders every
list page again), several minutes for 1000 posts on a small machine. So, by default
(``--fill manifest``), a site is filled by publishing its first article for real, then
repeating that article's entry of the site's manifest (``.warta/posts.json``, the
record ``rebuild`` regenerates the site from) N-1 times under new keys, slugs, titles,
categories and times, and calling ``rebuild()`` once. ``--fill publish`` fills by
publishing every article instead, to check that both give the same figures.

    .venv/bin/python bench/static_site_publish.py [--sizes 10,100,1000] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from bot.ports.targets import Article, ArticleMedia, make_slug  # noqa: E402
from publisher.files import PublicFiles  # noqa: E402
from publisher.public_media import PublicMediaFolder  # noqa: E402
from publisher.static_site import StaticSite  # noqa: E402
from storage.blobs import LocalBlobStore  # noqa: E402

BASE_URL = "https://warta.kota-contoh.go.id"
PER_PAGE = 10
ZONE = "Asia/Jakarta"
CATEGORIES = ("Pengumuman", "Kegiatan", "Layanan Publik", "Pembangunan")
# The new article is newer than every post of the filled sites (they go back hourly
# from an hour before it), so publishing it shifts every list page by one post.
NEWEST = datetime(2026, 11, 26, 3, 15, tzinfo=UTC)
# A press release of ordinary length (about 1 KB, four paragraphs, one link): the body
# is turned into HTML for every post on every list page, so its length matters.
BODY = (
    "Pemerintah Kota Contoh menggelar rapat koordinasi penanganan banjir bersama "
    "camat, lurah dan perangkat daerah terkait di ruang rapat utama balai kota.\n\n"
    "Dalam rapat tersebut, Sekretaris Daerah meminta setiap kecamatan memetakan "
    "saluran air yang tersumbat dan melaporkannya paling lambat hari Jumat. Dinas "
    "Pekerjaan Umum akan menurunkan alat berat ke titik-titik rawan genangan.\n\n"
    "Warga dapat melaporkan genangan dan saluran tersumbat melalui layanan pengaduan "
    "di https://lapor.kota-contoh.go.id atau nomor darurat 112.\n"
    "Laporan akan ditindaklanjuti dalam 1x24 jam.\n\n"
    "Rapat ditutup dengan peninjauan lapangan ke pintu air Kali Baru dan rumah pompa "
    "di Kelurahan Sukamaju."
)


def small_jpeg() -> bytes:
    """A 640x480 JPEG (a few KB): small, since only its rendition's size is recorded."""
    image = Image.new("RGB", (640, 480), (40, 110, 170))
    ImageDraw.Draw(image).ellipse((200, 120, 440, 360), fill=(230, 180, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def check(condition: bool, what: str) -> None:
    """Make sure the site did the work being timed (not a timing assertion)."""
    if not condition:
        raise SystemExit(f"benchmark broken: {what}")


# --------------------------------------------------------------------------------------
# Sites and articles
# --------------------------------------------------------------------------------------


@dataclass
class World:
    """What every site shares: the blob store, the rendition cache and the photo."""

    tmp: Path
    files: PublicFiles
    photo: ArticleMedia

    def site(self, name: str) -> StaticSite:
        folder = self.tmp / name
        return StaticSite(
            folder,
            PublicMediaFolder(folder, BASE_URL, self.files),
            base_url=BASE_URL,
            title="Warta Kota Contoh",
            description="Berita resmi Pemerintah Kota Contoh",
            per_page=PER_PAGE,
            timezone=ZoneInfo(ZONE),
        )


async def make_world(tmp: Path) -> World:
    blobs = LocalBlobStore(tmp / "blobs")
    ref = await blobs.put_bytes(small_jpeg())
    photo = ArticleMedia(
        kind="photo",
        blob_key=ref.key,
        sha256=ref.sha256,
        mime_type="image/jpeg",
        file_name="foto.jpg",
        size=ref.size,
    )
    return World(tmp, PublicFiles(blobs, tmp / "renditions"), photo)


def filler(world: World, index: int) -> Article:
    """The ``index``-th post of a filled site, ``index + 1`` hours older than NEWEST."""
    key = f"PKP-2026-{index + 1:04d}"
    title = f"Rapat koordinasi penanganan banjir tahap {index + 1}"
    return Article(
        key=key,
        slug=make_slug(title, key),
        title=title,
        body=BODY,
        category=CATEGORIES[index % len(CATEGORIES)],
        section="Bagian Protokol dan Komunikasi Pimpinan",
        published_at=NEWEST - timedelta(hours=index + 1),
        media=(world.photo,),
        tags=("banjir", "kota"),
    )


def newest(world: World) -> Article:
    """The article that is published and unpublished again in every round."""
    key = "PKP-2026-9999"
    title = "Wali kota resmikan rumah pompa baru di Kelurahan Sukamaju"
    return Article(
        key=key,
        slug=make_slug(title, key),
        title=title,
        body=BODY,
        category="Kegiatan",
        section="Bagian Protokol dan Komunikasi Pimpinan",
        published_at=NEWEST,
        media=(world.photo,),
        tags=("banjir", "kota"),
    )


async def fill_by_manifest(world: World, site: StaticSite, size: int) -> None:
    """One real publish, its manifest entry repeated under new names, one rebuild()."""
    first = filler(world, 0)
    await site.publish(first, None)
    raw = json.loads(site.manifest_path.read_bytes())
    (template,) = raw["posts"]
    posts = [template]
    for index in range(1, size):
        article = filler(world, index)
        entry = copy.deepcopy(template)
        moment = article.published_at.isoformat()
        # Only what tells posts apart changes; the media entries stay as publish made
        # them (every post has the same photo, so the same public copy), but for their
        # alt text, which publish takes from the title.
        for media in entry["media"]:
            media["alt"] = media["alt"].replace(first.title, article.title)
        entry.update(
            key=article.key,
            slug=article.slug,
            title=article.title,
            category=article.category,
            published_at=moment,
            updated_at=moment,  # a first publish counts as published, not updated
        )
        posts.append(entry)
    raw["posts"] = posts
    site.manifest_path.write_bytes(json.dumps(raw, ensure_ascii=False, indent=1).encode())
    check(await site.rebuild() == size, f"rebuild of the {size}-post site")


async def fill_by_publishing(world: World, site: StaticSite, size: int) -> None:
    # Oldest first, as an office would have published them.
    for index in reversed(range(size)):
        await site.publish(filler(world, index), None)


def post_folders(site: StaticSite) -> int:
    berita = site.site_dir / "berita"
    return sum(1 for entry in berita.iterdir() if entry.is_dir()) if berita.is_dir() else 0


def snapshot(site: StaticSite) -> dict[str, int]:
    """Every file of the site by path, with its inode: ``_write`` replaces a file by
    renaming a new one over it, so a new inode means the file was written again."""
    return {
        str(path.relative_to(site.site_dir)): path.stat().st_ino
        for path in site.site_dir.rglob("*")
        if path.is_file()
    }


def changed(before: dict[str, int], after: dict[str, int]) -> int:
    """Files written, created or removed between two snapshots."""
    return sum(1 for name in before.keys() | after.keys() if before.get(name) != after.get(name))


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


@dataclass
class Sized:
    """One filled site and what was measured on it."""

    size: int
    site: StaticSite
    fill_seconds: float
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"publish": [], "unpublish": [], "rebuild": []}
    )
    files: int = 0
    pages: int = 0
    manifest_bytes: int = 0
    touched: dict[str, int] = field(default_factory=dict)


async def timed(step: Awaitable[Any]) -> float:
    # The site fsyncs its manifest, and on ext4 (and others) an fsync also flushes
    # whatever earlier steps left unwritten, so without this each step would pay for
    # the writes of the one before (a 1000-post publish's pages, say, fell on the next
    # empty-site publish). In the bot, publishes are minutes apart and the kernel has
    # written the last one out long before: flush first, untimed.
    os.sync()
    start = time.perf_counter()
    await step
    return time.perf_counter() - start


async def run(sizes: list[int], rounds: int, warmup: int, fill: str) -> dict[str, Any]:
    fill_site: Callable[[World, StaticSite, int], Awaitable[None]] = (
        fill_by_manifest if fill == "manifest" else fill_by_publishing
    )
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp_name:
        world = await make_world(Path(tmp_name))
        article = newest(world)
        empty = world.site("empty")
        # Cache the photo's rendition (and compile the empty site's templates) untimed.
        await empty.publish(article, None)

        sized: list[Sized] = []
        for size in sizes:
            site = world.site(f"site-{size}")
            start = time.perf_counter()
            await fill_site(world, site, size)
            sized.append(Sized(size, site, time.perf_counter() - start))
            check(post_folders(site) == size, f"{size}-post site holds {post_folders(site)}")

        async def empty_publish() -> float:
            # A fresh, empty site folder every time; emptying it is not timed.
            shutil.rmtree(empty.site_dir)
            seconds = await timed(empty.publish(article, None))
            check(post_folders(empty) == 1, "empty-site publish wrote no page")
            return seconds

        baseline: list[float] = []
        for index in range(warmup + rounds):
            keep = index >= warmup
            for entry in sized:
                # The baseline divides every figure, so it is taken next to each size,
                # which gives it more samples and the same state of the machine.
                seconds = await empty_publish()
                if keep:
                    baseline.append(seconds)
                site, times = entry.site, entry.times
                first = index == 0
                before = snapshot(site) if first else {}
                middle: dict[str, int] = {}
                seconds = await timed(site.publish(article, None))
                check(post_folders(site) == entry.size + 1, f"publish @{entry.size}")
                if first:
                    middle = snapshot(site)
                    entry.touched["publish"] = changed(before, middle)
                if keep:
                    times["publish"].append(seconds)
                ref = await site.locate(article)
                check(ref is not None, f"published article not found @{entry.size}")
                assert ref is not None
                seconds = await timed(site.unpublish(article, ref))
                check(post_folders(site) == entry.size, f"unpublish @{entry.size}")
                if first:
                    entry.files = len(after := snapshot(site))
                    entry.touched["unpublish"] = changed(middle, after)
                    entry.pages = sum(1 for name in after if name.endswith("index.html"))
                    entry.manifest_bytes = site.manifest_path.stat().st_size
                if keep:
                    times["unpublish"].append(seconds)
                seconds = await timed(site.rebuild())
                if first:
                    entry.touched["rebuild"] = changed(after, snapshot(site))
                if keep:
                    times["rebuild"].append(seconds)
    return {"baseline": baseline, "sized": sized}


def report(outcome: dict[str, Any], rounds: int, warmup: int, fill: str) -> str:
    baseline: list[float] = outcome["baseline"]
    sized: list[Sized] = outcome["sized"]
    base = statistics.median(baseline) * 1000

    def spread(values: list[float]) -> str:
        return f"range {min(values) * 1000:.1f}-{max(values) * 1000:.1f}"

    filled = ", ".join(f"{s.size} in {s.fill_seconds:.1f} s" for s in sized)
    how = "one publish + manifest copies + rebuild()" if fill == "manifest" else "publishing"
    lines = [
        f"static site: cost of one publish by site size; {PER_PAGE} posts a page, {ZONE}, "
        f"{len(CATEGORIES)} categories, every post with one photo (rendition cached)",
        f"median of {rounds} rounds (+{warmup} warm-up), of {len(baseline)} for the empty "
        f"site; sites filled by {how}: {filled}",
        "",
        f"{'posts':>6}{'files':>7}{'pages':>7}{'manifest':>10}"
        "   files written by: publish / unpublish / rebuild",
    ]
    for s in sized:
        touched = " / ".join(str(s.touched[k]) for k in ("publish", "unpublish", "rebuild"))
        lines.append(
            f"{s.size:>6}{s.files:>7}{s.pages:>7}{s.manifest_bytes / 1024:>8.0f} KB   {touched}"
        )
    lines += [
        "",
        f"{'publish into an empty site:':<28}{base:>8.1f} ms{'':<36}{spread(baseline)}",
    ]
    for s in sized:
        for step in ("publish", "unpublish", "rebuild"):
            ms = statistics.median(s.times[step]) * 1000
            label = f"{step} @{s.size} posts:"
            ratio = f"(×{ms / base:.1f} the empty-site publish)"
            lines.append(f"{label:<28}{ms:>8.1f} ms  {ratio:<34}{spread(s.times[step])}")
    return "\n".join(lines)


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be numbers of posts, at least 1")
    return sorted(set(sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=[10, 100, 1000],
        help="posts in the filled sites, comma separated (default 10,100,1000)",
    )
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument(
        "--fill",
        choices=("manifest", "publish"),
        default="manifest",
        help="how sites are filled (default manifest; publish is O(N^2), minutes at 1000)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be >= 1 and --warmup >= 0")
    started = time.perf_counter()
    outcome = asyncio.run(run(args.sizes, args.rounds, args.warmup, args.fill))
    print(report(outcome, args.rounds, args.warmup, args.fill))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
