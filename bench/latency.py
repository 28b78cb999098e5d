"""Benchmark: how much longer warta takes than a bare bot to answer a command, a text, a tap.

Both bots run as real PTB Applications, each polling its own instance of the fake Bot API
(the tests/fakebotapi/ package) on 127.0.0.1 and driven by the end-to-end harness
(tests/e2e/harness.py). Every figure is one update's latency: from the moment the update
is queued on the fake server until the fake server received the bot's answering call
(``ApiCall.at``, stamped with ``time.monotonic()`` when the request came in). Rounds
alternate which bot goes first, so both see the same state of the machine; the table
gives p50 and p90 of the rounds and the ratios warta / baseline next to the targets.

* ``/start`` -> reply. Baseline: a ``CommandHandler`` replying a text. warta: an
  onboarded officer's ``/start`` until the help text is sent.
* text -> draft card. Baseline: an echo bot. warta: the officer's private text (the
  previous round's item was handed over, so it opens a new draft) until the draft card
  is sent; warta's album/text debounce is set to 0, as in bench/album_intake.py.
* tap -> answer and tap -> edited card, for IT's "Terima" (accept) on a submitted item
  in the IT group: until answerCallbackQuery, and until the editMessageText of that very
  card. Baseline: a ``CallbackQueryHandler`` that answers the query and edits the
  message's text and markup (its "card" is posted by a group command before each tap).

warta runs the office of tests/e2e/office.py (``running_office``): SQLite in a
temporary folder, or with ``--postgres URL`` a database of its own on that PostgreSQL
server (created for the run and dropped after), every role onboarded with /undang
links, the five team groups bound. Its group pace is ``--group-rate`` messages a minute
(600, as in the e2e tests, by default): the burst benchmark (bench/burst.py) is the one
about Telegram's 20 a minute. What each step asks of warta's database is counted on its
engine (tests/e2e/sqlcount.py: statements, transactions begun, commits), in all and for
a tap also before it was answered; the statement-budget test holds the same counts.

warta's sender also keeps to 30 calls a second overall (Telegram's global limit). A
round makes about ten calls within a few hundred milliseconds, so back to back the
bench would soon be measuring that window rather than the bot; rounds are therefore
``--pause`` (0.5 s, untimed) apart, and the table says how often the sender's pace held
a message back in the whole run (0 is the intended figure; ``--pause 0`` shows the
other case).

    .venv/bin/python bench/latency.py [--rounds N] [--postgres postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, so put the repository root on sys.path for ``tests`` (a package).
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as tg_filters  # noqa: E402

from handlers.common import wired_of  # noqa: E402
from handlers.sender import Sender  # noqa: E402
from tests.e2e.harness import DEFAULT_TOKEN, ApiCall, FakeBotAPI, Harness  # noqa: E402
from tests.e2e.office import Office, card, code_in, running_office  # noqa: E402
from tests.e2e.sqlcount import Counts, SqlCounter  # noqa: E402
from tests.pg_admin import run_outside_transaction  # noqa: E402

BASE_GROUP = -200101
KEYS = ("start", "text", "tap_answer", "tap_card")
#: The steps whose database work is counted (a tap in all, and until its answer).
SQL_STEPS = {
    "start": "/start",
    "text": "text -> draft card",
    "tap_answer": "IT accept, before the answer",
    "tap": "IT accept, in all (every message it causes)",
}
LABELS = {
    "start": "/start -> reply",
    "text": "text -> draft card / echo",
    "tap_answer": "tap -> answer",
    "tap_card": "tap -> edited card",
}
#: The issue's targets: warta / baseline at most this.
TARGETS = {"start": 1.5, "text": 3.0, "tap_answer": 1.5, "tap_card": 2.0}


def text_of(n: int) -> str:
    return f"Apel pagi nomor {n} di halaman kantor\nSeluruh pegawai hadir."


# --------------------------------------------------------------------------------------
# The baseline bot
# --------------------------------------------------------------------------------------


def baseline_factory(server: FakeBotAPI) -> Callable[[], Application[Any, Any, Any, Any, Any, Any]]:
    def build() -> Application[Any, Any, Any, Any, Any, Any]:
        async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None
            await message.reply_text("Selamat datang. Kirim foto dan teks beritanya di sini.")

        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None and message.text
            await message.reply_text(message.text)

        async def post_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None
            n = context.args[0] if context.args else "0"
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Terima", callback_data=n)]])
            await message.reply_text(f"📥 Naskah {n} — Di Tim IT", reply_markup=markup)

        async def accept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None and query.from_user is not None
            await query.answer("Diterima. Naskah diteruskan ke editor.")
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton("📜 Riwayat", callback_data=f"his:{query.data}")]]
            )
            await query.edit_message_text(
                f"✏️ Naskah {query.data} — Sedang disunting\n"
                f"Diterima Tim IT oleh {query.from_user.full_name}",
                reply_markup=markup,
            )

        app = (
            ApplicationBuilder()
            .token(DEFAULT_TOKEN)
            .base_url(server.api_url)
            .base_file_url(server.file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CommandHandler("kartu", post_card))
        app.add_handler(CallbackQueryHandler(accept))
        app.add_handler(MessageHandler(tg_filters.TEXT & ~tg_filters.COMMAND, echo))
        return app

    return build


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


def check(condition: bool, what: str) -> None:
    """Make sure the bots did the work being timed (not a timing assertion)."""
    if not condition:
        raise SystemExit(f"benchmark broken: {what}")


def received(server: FakeBotAPI, since: int, matches: Callable[[ApiCall], bool]) -> float:
    """When the fake server received the first successful call after ``since`` that matches."""
    for call in server.calls[since:]:
        if call.ok and matches(call):
            return call.at
    raise SystemExit("benchmark broken: the answering call never came")


def in_chat(call: ApiCall, method: str, chat_id: int) -> bool:
    return call.method == method and str(call.chat_id) == str(chat_id)


def is_card(call: ApiCall, chat_id: int) -> bool:
    """A card drawn in that chat: its first line is "<icon> <b>CODE</b> — <state>"."""
    if call.method not in ("sendMessage", "editMessageText"):
        return False
    first_line = str(call.params.get("text") or "").split("\n")[0]
    return str(call.chat_id) == str(chat_id) and " — " in first_line


async def timed(h: Harness, inject: Callable[[], Any]) -> tuple[int, float, float]:
    """Queue an update, let the bot finish; (calls before it, queued at, settled at)."""
    since = len(h.server.calls)
    inject()
    queued = time.monotonic()
    await h.settle()
    return since, queued, time.monotonic()


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


class Bench:
    """Both bots and the people who drive them; one method per timed step."""

    def __init__(self, base: Harness, office: Office) -> None:
        self.base = base
        self.base_server = base.server
        self.user = base.person(3001, "Rina Wati")
        self.base_it = base.person(3002, "Budi Santoso")
        self.base_server.add_group(BASE_GROUP, "Tim IT", bot_status="member")
        self.o = office
        self.keeping = False
        self.wh = office.h
        self.warta_server = office.h.server
        self.sql = SqlCounter(office.h.settings.effective_database_url)
        #: What each kept round's steps cost the database, by step.
        self.counts: dict[str, list[Counts]] = {key: [] for key in SQL_STEPS}

    async def start(self, bot: str) -> float:
        """Seconds from ``/start`` queued to the reply received."""
        h, person = (self.base, self.user) if bot == "base" else (self.wh, self.o.officer)
        since, queued, settled = await timed(h, lambda: h.server.send_text(person.id, "/start"))
        if bot == "warta":
            check("/baru" in person.last_text(), "warta's help text")
            self.keep("start", queued, settled)
        return received(h.server, since, lambda c: in_chat(c, "sendMessage", person.id)) - queued

    async def text(self, bot: str, n: int) -> float:
        """Seconds from a text queued to its echo, or to warta's draft card, received."""
        h, person = (self.base, self.user) if bot == "base" else (self.wh, self.o.officer)
        since, queued, settled = await timed(h, lambda: h.server.send_text(person.id, text_of(n)))
        if bot == "base":
            check(person.last_text() == text_of(n), "echo reply")
            return (
                received(h.server, since, lambda c: in_chat(c, "sendMessage", person.id)) - queued
            )
        check(f"nomor {n} " in person.last_text(), "warta's draft card")
        self.keep("text", queued, settled)
        return received(h.server, since, lambda c: is_card(c, person.id)) - queued

    async def tap(self, bot: str, n: int, keep: bool) -> tuple[float, float]:
        """Seconds from an accept tap queued to its answer, and to the edited card."""
        if bot == "base":
            return await self._base_tap(n)
        return await self._warta_tap(keep)

    async def _base_tap(self, n: int) -> tuple[float, float]:
        server, it = self.base_server, self.base_it
        await it.sends(f"/kartu {n}", in_chat=BASE_GROUP)  # untimed: the card to tap
        message = server.bot_messages(BASE_GROUP)[-1]
        check(message.button_texts == ["✅ Terima"], "baseline card")
        since, queued, _ = await timed(
            self.base,
            lambda: server.press_button(it.id, BASE_GROUP, message.message_id, str(n)),
        )
        check("Sedang disunting" in (message.text or ""), "baseline card edited")
        answered = received(server, since, lambda c: c.method == "answerCallbackQuery")
        edited = received(
            server,
            since,
            lambda c: (
                in_chat(c, "editMessageText", BASE_GROUP)
                and c.params.get("message_id") == message.message_id
            ),
        )
        return answered - queued, edited - queued

    async def _warta_tap(self, keep: bool) -> tuple[float, float]:
        o, server = self.o, self.warta_server
        code = code_in(o.officer.last_message().text or "")
        # Untimed: the officer hands the item over, its card comes to the IT group.
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
        it_card = card(o.it_group, code)
        accept = [data for text, data in it_card.buttons[0] if "Terima" in text]
        check(len(accept) == 1 and accept[0] is not None, "IT card with Terima")
        since, queued, settled = await timed(
            self.wh,
            lambda: server.press_button(o.it.id, o.it_group.id, it_card.message_id, str(accept[0])),
        )
        check("Diterima Tim IT oleh" in (it_card.text or ""), "IT card accepted")
        check(o.web_group.has(f"{code} — "), "hand-over to the editors' group")
        answered = received(server, since, lambda c: c.method == "answerCallbackQuery")
        edited = received(
            server,
            since,
            lambda c: (
                in_chat(c, "editMessageText", o.it_group.id)
                and c.params.get("message_id") == it_card.message_id
            ),
        )
        if keep:
            self.counts["tap"].append(self.sql.between(queued, settled))
            self.counts["tap_answer"].append(self.sql.between(queued, answered))
        return answered - queued, edited - queued

    def keep(self, step: str, start: float, end: float) -> None:
        if self.keeping:
            self.counts[step].append(self.sql.between(start, end))


@contextlib.asynccontextmanager
async def database(tmp: Path, postgres: str | None) -> AsyncIterator[str]:
    """warta's database URL: a SQLite file, or a PostgreSQL database of the run's own."""
    if not postgres:
        yield f"sqlite+aiosqlite:///{tmp / 'warta.sqlite3'}"
        return
    name = f"warta_bench_{os.getpid()}"
    await run_outside_transaction(postgres, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        await run_outside_transaction(postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def run(
    rounds: int, warmup: int, group_rate: int, pause: float, postgres: str | None
) -> dict[str, Any]:
    results: dict[str, dict[str, list[float]]] = {
        bot: {key: [] for key in KEYS} for bot in ("base", "warta")
    }
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp_name:
        tmp = Path(tmp_name)
        async with contextlib.AsyncExitStack() as stack:
            url = await stack.enter_async_context(database(tmp, postgres))
            setup_start = time.perf_counter()
            base_server = await stack.enter_async_context(FakeBotAPI())
            warta_server = await stack.enter_async_context(FakeBotAPI())
            base = await stack.enter_async_context(
                Harness(base_server, baseline_factory(base_server))
            )
            office = await stack.enter_async_context(
                running_office(
                    warta_server,
                    tmp,
                    url,
                    album_settle_seconds=0.0,
                    group_messages_per_minute=group_rate,
                )
            )
            bench = Bench(base, office)
            setup = time.perf_counter() - setup_start
            for index in range(warmup + rounds):
                keep = index >= warmup
                bench.keeping = keep
                # Untimed: warta's overall limiter (30 calls a second) refills between rounds.
                await asyncio.sleep(pause)
                order = ("base", "warta") if index % 2 == 0 else ("warta", "base")
                sample: dict[tuple[str, str], float] = {}
                for bot in order:
                    sample[bot, "start"] = await bench.start(bot)
                for bot in order:
                    sample[bot, "text"] = await bench.text(bot, index)
                for bot in order:
                    answer, edit = await bench.tap(bot, index, keep)
                    sample[bot, "tap_answer"], sample[bot, "tap_card"] = answer, edit
                if keep:
                    for (bot, key), seconds in sample.items():
                        results[bot][key].append(seconds)
            paced = cast(Sender, wired_of(office.h.app).sender).waits
    return {
        "paced": paced,
        "results": results,
        "setup": setup,
        "counts": bench.counts,
    }


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def report(
    outcome: dict[str, Any], rounds: int, warmup: int, group_rate: int, postgres: str | None
) -> str:
    results = outcome["results"]
    where = (
        "PostgreSQL on " + str(make_url(postgres).host) if postgres else "SQLite in a temp folder"
    )
    lines = [
        "latency: warta against a bare PTB bot, each polling its own fake Bot API on "
        f"127.0.0.1; warta on {where}",
        f"p50 / p90 of {rounds} rounds (+{warmup} warm-up), alternating which bot goes first; "
        f"warta's text debounce 0, its group rate limit {group_rate}/min; "
        f"setup {outcome['setup']:.1f} s",
        "from the update queued on the fake server to the fake server receiving the answering call",
        "",
        f"{'ms':<28}{'baseline':>16}{'warta':>16}{'warta/base':>16}{'target':>9}   met p50 / p90",
        f"{'':<28}{'p50    p90':>16}{'p50    p90':>16}{'p50    p90':>16}",
    ]
    for key in KEYS:
        base, warta = results["base"][key], results["warta"][key]
        b50, b90 = statistics.median(base) * 1000, p90(base) * 1000
        w50, w90 = statistics.median(warta) * 1000, p90(warta) * 1000
        r50, r90 = w50 / b50, w90 / b90
        target = TARGETS[key]

        def met(ratio: float, target: float = target) -> str:
            return "yes" if ratio <= target else "NO"

        lines.append(
            f"{LABELS[key]:<28}{b50:>9.1f}{b90:>7.1f}{w50:>9.1f}{w90:>7.1f}"
            f"{r50:>8.1f}x{r90:>6.1f}x{'≤ ' + format(target, '.1f') + 'x':>9}"
            f"   {met(r50)} / {met(r90)}"
        )
    lines += ["", "what warta asked of its database per step (median of the kept rounds):"]
    for key, label in SQL_STEPS.items():
        counts = outcome["counts"][key]
        statements = [c.statements for c in counts]
        lines.append(
            f"  {label:<46}{statistics.median(statements):>4.0f} statements "
            f"({min(statements)}-{max(statements)}), "
            f"{statistics.median(c.sessions for c in counts):.0f} transactions, "
            f"{statistics.median(c.commits for c in counts):.0f} commits"
        )
    lines.append(
        f"messages the sender's pace held back in the whole run: {outcome['paced']} "
        "(rounds are --pause apart so that its 30 calls a second window empties)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument(
        "--group-rate",
        type=int,
        default=600,
        help="warta's WARTA_GROUP_MESSAGES_PER_MINUTE (default 600, as in the e2e tests)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run warta on PostgreSQL: a server URL (postgresql+asyncpg://user@host:port/db) "
        "where the bench creates and drops a database of its own",
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=0.5,
        help="untimed seconds between rounds (default 0.5; see the module docstring)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.warmup < 0 or args.group_rate < 1:
        parser.error("--rounds and --group-rate must be >= 1, --warmup >= 0")
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    outcome = asyncio.run(run(args.rounds, args.warmup, args.group_rate, args.pause, args.postgres))
    print(report(outcome, args.rounds, args.warmup, args.group_rate, args.postgres))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
