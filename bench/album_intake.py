"""Benchmark: how much longer warta takes to take in an album (or a text) than a bare bot.

Both bots run as real PTB Applications, each polling its own instance of the fake Bot API
(tests/fakebotapi/) on 127.0.0.1 and driven by the end-to-end harness
(tests/e2e/harness.py). A step is timed from the moment its updates are queued on the
fake server until ``Harness.settle()`` returns (the bot fetched and processed them and
ran every job due), and, as a second figure free of settle()'s 10 ms polling, until the
fake server answered the bot's last call other than getUpdates (its last reply). Rounds
alternate between the two bots, so both see the same state of the machine.

* baseline: a bare ``Application`` whose one photo handler downloads each photo to disk
  and answers once per album (the usual debounce: a ``run_once`` job per
  ``media_group_id``, pushed back by every photo), plus an echo handler for text;
* warta: the real app on SQLite in a temporary folder, an officer onboarded the way
  tests/e2e/office.py does it (the admin's ``/undang`` link), who sends 10-photo albums:
  each photo is taken into the draft, downloaded, hashed into the blob store and
  recorded, then the draft card is drawn.

Both bots wait the same album debounce (``--album-settle``); the table also shows the
figures with that fixed wait taken out. Text is measured with warta's debounce set to
0 so that "text -> draft card" is the work itself, against an echo bot's reply.

    .venv/bin/python bench/album_intake.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, so put the repository root on sys.path for ``tests`` (a package).
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageFilter  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as tg_filters  # noqa: E402

from tests.e2e.harness import DEFAULT_TOKEN, FakeBotAPI, Harness, Person  # noqa: E402
from tests.e2e.office import admin_only_office, onboard  # noqa: E402

ALBUM_SIZE = 10
TEXT = "Apel pagi di halaman kantor\nSeluruh pegawai hadir."


# --------------------------------------------------------------------------------------
# Photos: distinct bytes per photo (the blob store is content addressed)
# --------------------------------------------------------------------------------------


def base_photo() -> bytes:
    """A 1280x960 JPEG of about 180 KB, like a photo as Telegram delivers it."""
    gradient = Image.linear_gradient("L").resize((1280, 960))
    noise = Image.effect_noise((1280, 960), 25).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


class Photos:
    def __init__(self) -> None:
        self.base = base_photo()
        self.n = 0

    def album(self) -> list[tuple[str, bytes | None]]:
        """Ten different photos: the same image with a unique tail after the JPEG end."""
        items: list[tuple[str, bytes | None]] = []
        for _ in range(ALBUM_SIZE):
            self.n += 1
            items.append(("photo", self.base + b"bench-%08d" % self.n))
        return items


# --------------------------------------------------------------------------------------
# The baseline bot
# --------------------------------------------------------------------------------------


def baseline_factory(
    server: FakeBotAPI, download_dir: Path, album_settle: float
) -> Callable[[], Application[Any, Any, Any, Any, Any, Any]]:
    def build() -> Application[Any, Any, Any, Any, Any, Any]:
        counts: dict[str, int] = {}

        async def answer_album(context: ContextTypes.DEFAULT_TYPE) -> None:
            job = context.job
            assert job is not None and job.chat_id is not None
            n = counts.pop(str(job.data), 0)
            await context.bot.send_message(job.chat_id, f"{n} foto diterima")

        async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None and message.photo
            largest = message.photo[-1]
            telegram_file = await context.bot.get_file(largest.file_id)
            await telegram_file.download_to_drive(download_dir / f"{largest.file_unique_id}.jpg")
            group = message.media_group_id
            if group is None:
                await message.reply_text("1 foto diterima")
                return
            counts[group] = counts.get(group, 0) + 1
            job_queue = context.job_queue
            assert job_queue is not None
            name = f"album-{group}"
            for job in job_queue.get_jobs_by_name(name):
                job.schedule_removal()
            job_queue.run_once(
                answer_album, album_settle, data=group, chat_id=message.chat_id, name=name
            )

        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None and message.text
            await message.reply_text(message.text)

        app = (
            ApplicationBuilder()
            .token(DEFAULT_TOKEN)
            .base_url(server.api_url)
            .base_file_url(server.file_url)
            .build()
        )
        app.add_handler(MessageHandler(tg_filters.PHOTO, on_photo))
        app.add_handler(MessageHandler(tg_filters.TEXT & ~tg_filters.COMMAND, echo))
        return app

    return build


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


class StampedFakeBotAPI(FakeBotAPI):
    """The fake Bot API, noting when it last answered a call other than getUpdates."""

    last_answer = 0.0

    async def _handle_api(self, request: Any) -> Any:
        response = await super()._handle_api(request)
        if request.match_info["method"].lower() != "getupdates":
            self.last_answer = time.perf_counter()
        return response


async def timed_settle(h: Harness) -> tuple[float, float]:
    """Seconds until settle() returned, and until the bot's last reply was answered."""
    server = h.server
    assert isinstance(server, StampedFakeBotAPI)
    start = server.last_answer = time.perf_counter()
    await h.settle()
    return time.perf_counter() - start, server.last_answer - start


async def album_round(h: Harness, person: Person, photos: Photos) -> tuple[float, float]:
    h.server.send_album(person.id, photos.album(), caption=TEXT)
    return await timed_settle(h)


async def text_round(h: Harness, person: Person, n: int) -> tuple[float, float]:
    """Mean seconds of ``n`` texts, each sent once the bot is quiet again."""
    settled = replied = 0.0
    for _ in range(n):
        h.server.send_text(person.id, TEXT)
        one_settled, one_replied = await timed_settle(h)
        settled += one_settled
        replied += one_replied
    return settled / n, replied / n


def check(condition: bool, what: str) -> None:
    """Make sure the bots did the work being timed (not a timing assertion)."""
    if not condition:
        raise SystemExit(f"benchmark broken: {what}")


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


KEYS = ("album", "album_reply", "text", "text_reply")


async def run(rounds: int, warmup: int, texts: int, album_settle: float) -> dict[str, Any]:
    photos = Photos()
    results: dict[str, dict[str, list[float]]] = {
        bot: {key: [] for key in KEYS} for bot in ("base", "warta")
    }

    def keep(bot: str, key: str, seconds: tuple[float, float], per: int) -> None:
        settled, replied = seconds
        check(replied > 0, f"{bot} answered nothing ({key})")
        results[bot][key].append(settled / per)
        results[bot][key + "_reply"].append(replied / per)

    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp_name:
        tmp = Path(tmp_name)
        downloads = tmp / "baseline"
        downloads.mkdir()
        async with contextlib.AsyncExitStack() as stack:
            setup_start = time.perf_counter()
            base_server = await stack.enter_async_context(StampedFakeBotAPI())
            warta_server = await stack.enter_async_context(StampedFakeBotAPI())
            base = await stack.enter_async_context(
                Harness(base_server, baseline_factory(base_server, downloads, album_settle))
            )
            user = base.person(3001, "Rina Wati")
            small = await stack.enter_async_context(
                admin_only_office(
                    warta_server,
                    tmp / "warta",
                    f"sqlite+aiosqlite:///{tmp / 'warta' / 'db' / 'warta.sqlite3'}",
                    album_settle_seconds=album_settle,
                )
            )
            wh = small.h
            officer = await onboard(
                wh, small.admin, 2001, "Rina Wati", "petugas", section="Bidang Pengawasan"
            )
            setup = time.perf_counter() - setup_start

            for index in range(warmup + rounds):
                timed = index >= warmup
                # Album: baseline, then warta into a fresh draft (/baru is not timed).
                base_album = await album_round(base, user, photos)
                check(user.last_text() == f"{ALBUM_SIZE} foto diterima", "baseline album reply")
                await officer.sends("/baru")
                wh.settings.album_settle_seconds = album_settle
                warta_album = await album_round(wh, officer, photos)
                check(f"{ALBUM_SIZE} foto" in officer.last_text(), "warta draft card")
                # Text: echo against officer text -> draft card, without the debounce.
                wh.settings.album_settle_seconds = 0.0
                base_text = await text_round(base, user, texts)
                check(user.last_text() == TEXT, "echo reply")
                warta_text = await text_round(wh, officer, texts)
                check(" — " in officer.last_text().split("\n")[0], "warta draft card")
                if timed:
                    keep("base", "album", base_album, ALBUM_SIZE)
                    keep("warta", "album", warta_album, ALBUM_SIZE)
                    keep("base", "text", base_text, 1)
                    keep("warta", "text", warta_text, 1)
            sent = photos.n // 2
            blobs = list(wh.settings.media_dir.glob("??/??/*"))
            check(len(blobs) == sent, f"warta stored {len(blobs)} blobs of {sent} photos")
            stored = len(list(downloads.iterdir()))
            check(stored == sent, f"baseline stored {stored} files of {sent} photos")
    return {"results": results, "setup": setup, "photo_bytes": len(photos.base)}


def report(
    outcome: dict[str, Any], rounds: int, warmup: int, texts: int, album_settle: float
) -> str:
    results = outcome["results"]
    median = {
        bot: {key: statistics.median(values) * 1000 for key, values in keys.items()}
        for bot, keys in results.items()
    }

    def spread(key: str) -> str:
        return " / ".join(
            f"{min(results[bot][key]) * 1000:.1f}-{max(results[bot][key]) * 1000:.1f}"
            for bot in ("base", "warta")
        )

    def row(label: str, base: float, warta: float, note: str = "") -> str:
        return f"{label:<38}{base:>9.1f}{warta:>9.1f}{warta / base:>8.1f}x   {note}".rstrip()

    wait = album_settle / ALBUM_SIZE * 1000
    lines = [
        f"album intake: {ALBUM_SIZE}-photo albums of 1280x960 JPEGs "
        f"({outcome['photo_bytes'] / 1024:.0f} KB), SQLite in a temp folder, "
        "fake Bot API on 127.0.0.1",
        f"median of {rounds} rounds (+{warmup} warm-up); album debounce {album_settle:.2f} s "
        f"in both bots; {texts} texts a round; setup {outcome['setup']:.1f} s",
        "",
        f"{'ms':<38}{'baseline':>9}{'warta':>9}{'ratio':>9}   range base / warta",
        row(
            "album, per photo, until settled",
            median["base"]["album"],
            median["warta"]["album"],
            spread("album"),
        ),
        row(
            "album, per photo, until last reply",
            median["base"]["album_reply"],
            median["warta"]["album_reply"],
            spread("album_reply"),
        ),
        row(
            f"  same, less the debounce ({wait:.0f} ms)",
            median["base"]["album_reply"] - wait,
            median["warta"]["album_reply"] - wait,
        ),
        row(
            "text -> echo / draft card, settled",
            median["base"]["text"],
            median["warta"]["text"],
            spread("text"),
        ),
        row(
            "text -> echo / draft card, last reply",
            median["base"]["text_reply"],
            median["warta"]["text_reply"],
            spread("text_reply"),
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--texts", type=int, default=5, help="texts per round (default 5)")
    parser.add_argument(
        "--album-settle",
        type=float,
        default=0.2,
        help="album debounce of both bots, seconds (default 0.2, as in the e2e tests)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.texts < 1 or args.warmup < 0 or args.album_settle < 0:
        parser.error("--rounds and --texts must be >= 1, --warmup and --album-settle >= 0")
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    outcome = asyncio.run(run(args.rounds, args.warmup, args.texts, args.album_settle))
    print(report(outcome, args.rounds, args.warmup, args.texts, args.album_settle))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
