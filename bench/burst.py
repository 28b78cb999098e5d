"""Benchmark: a burst of hand-overs to one group, under Telegram's group limit.

The IT team accepts ``--items`` (30) submitted items in quick succession (one "Terima"
tap every ``--tap-gap`` seconds in the IT group), so as many hand-overs go to the
editors' group, where Telegram lets a bot post about 20 messages a minute. From the
first tap until everything has settled, an unrelated officer sends ``/start`` in private
every ``--probe-every`` (2) seconds. Measured in real (wall) time, from the moment each
update is queued on the fake Bot API until the fake server received the answering call
(``ApiCall.at``):

* every tap's answer (answerCallbackQuery): p90 and max; the IT card's edit and the
  item's card in the editors' group, the same way;
* the unrelated officer's ``/start`` replies: all of them, and the one sent nearest the
  middle of the hand-overs (the target's "/start in the middle of the burst");
* the time from the first tap until every hand-over card has arrived in the editors'
  group, and how many were lost (never arrived) or doubled (arrived more than once).

With ``--album`` each item carries a 2-photo album, so each hand-over is an album (two
messages against the group's limit) and a card.

The fake Bot API (tests/fakebotapi/) enforces no flood limits, so this benchmark runs
it with one: in a group or supergroup, a ``send*``/``copy*``/``forward*`` call that would
make more than ``--telegram-limit`` new messages within 60 seconds is refused with 429
"Too Many Requests: retry after N" and ``parameters.retry_after`` = the whole seconds
until the oldest of them leaves the window (a strict sliding window; edits and
answerCallbackQuery are not counted). warta runs with ``WARTA_GROUP_MESSAGES_PER_MINUTE``
= ``--group-rate`` (20, Telegram's figure, by default): its sender (handlers/sender.py)
keeps a sliding window of that many new messages a minute per group (edits are not
counted), 30 calls a second overall, and a 429 makes only its own call wait.

The office is tests/e2e/office.py's ``running_office`` on SQLite in a temporary folder.
Its items are made and submitted first, with both limits lifted; then warta is
restarted on the same database and fake server with the limits under test, so both
the rate limiter and the fake's window start empty, as after a quiet minute. warta's
clock is the harness's injected clock, set to Thursday 09.00 WIB and running with wall
time, so its sweeps (re-delivery after 5 minutes) see the time that really passes.

With the default 20 a minute a run takes about 70 s. ``--quick`` lifts both limits to
600 a minute (about 10 s, and the output says that nothing was throttled);
``--group-rate N`` sets both to N, ``--telegram-limit 0`` leaves the fake unlimited.

    .venv/bin/python bench/burst.py [--quick] [--items N] [--group-rate N]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import logging
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, so put the repository root on sys.path for ``tests`` (a package).
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import FakeBotAPI, Harness  # noqa: E402
from tests.e2e.office import ADMIN_ID, card, code_in, onboard, running_office, snapshot  # noqa: E402
from tests.fakebotapi import ApiError  # noqa: E402

#: Calls that post new messages, and so count against a group's limit.
SENDS = {
    "sendmessage",
    "sendphoto",
    "sendvideo",
    "senddocument",
    "sendanimation",
    "sendaudio",
    "sendvoice",
    "sendvideonote",
    "sendsticker",
    "sendlocation",
    "sendcontact",
    "sendmediagroup",
    "copymessage",
    "copymessages",
    "forwardmessage",
    "forwardmessages",
}
QUICK_RATE = 600
TAP_TARGET = 1.0
START_TARGET = 0.5


# --------------------------------------------------------------------------------------
# Telegram's group limit, on the fake server
# --------------------------------------------------------------------------------------


class FloodFakeBotAPI(FakeBotAPI):
    """The fake Bot API refusing more than ``group_limit`` new messages a minute per group."""

    def __init__(self) -> None:
        super().__init__()
        self.group_limit = 0  # messages per 60 s per group; 0: no limit
        self.window: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self.refused = 0

    def limit_groups(self, per_minute: int) -> None:
        """Apply the limit from now on, to groups with an empty window."""
        self.group_limit = per_minute
        self.window.clear()

    def _take_fault(self, method: str, params: dict[str, Any]) -> ApiError | None:
        fault = super()._take_fault(method, params)
        if fault is not None or not self.group_limit or method.lower() not in SENDS:
            return fault
        chat = self.chats.get(_int(params.get("chat_id")))
        if chat is None or chat.type not in ("group", "supergroup"):
            return None
        now = time.monotonic()
        window = self.window[chat.id]
        while window and now - window[0] >= 60:
            window.popleft()
        media = params.get("media") if method.lower() == "sendmediagroup" else None
        ids = params.get("message_ids") if method.lower().endswith("messages") else None
        count = len(media) if isinstance(media, list) else len(ids) if isinstance(ids, list) else 1
        over = len(window) + count - self.group_limit
        if over > 0:
            retry_after = max(1, math.ceil(60 - (now - window[over - 1])))
            self.refused += 1
            return ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        window.extend([now] * count)
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class WallClock:
    """warta's injected clock: starts at ``start`` and runs with real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.origin = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


@dataclass
class Burst:
    items: int
    gap: float
    group_rate: int
    telegram_limit: int
    setup: float = 0.0
    burst: float = 0.0
    tap_answers: list[float | None] = field(default_factory=list)
    card_edits: list[float | None] = field(default_factory=list)
    probe_every: float = 2.0
    starts: list[tuple[float, float | None]] = field(default_factory=list)  # (sent, latency)
    arrivals: list[float | None] = field(default_factory=list)  # after the first tap
    handovers: list[float | None] = field(default_factory=list)  # after the item's tap
    sends: list[int] = field(default_factory=list)
    visible: list[int] = field(default_factory=list)
    delivered: int = 0
    refused: int = 0
    first_refusal: tuple[float, Any] | None = None  # (seconds after the first tap, retry_after)
    handler_errors: list[str] = field(default_factory=list)
    album: bool = False  # each item carries a 2-photo album


def first_ok(server: FakeBotAPI, since: int, method: str, **params: Any) -> float | None:
    """When the fake server received the first successful matching call after ``since``."""
    for call in server.calls[since:]:
        if (
            call.ok
            and call.method == method
            and all(str(call.params.get(k)) == str(v) for k, v in params.items())
        ):
            return call.at
    return None


def is_card_of(text: str, code: str) -> bool:
    """A card's first line is "<icon> CODE — <state>" (with <b> tags when sent)."""
    first_line = text.split("\n")[0].replace("<b>", "").replace("</b>", "")
    return f"{code} — " in first_line


async def run(b: Burst) -> Burst:
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp_name:
        tmp = Path(tmp_name)
        database_url = f"sqlite+aiosqlite:///{tmp / 'warta.sqlite3'}"
        async with contextlib.AsyncExitStack() as stack:
            setup_start = time.perf_counter()
            server = await stack.enter_async_context(FloodFakeBotAPI())
            # 1. The office and its submitted items, with no limits (not measured).
            async with running_office(server, tmp, database_url, album_settle_seconds=0.0) as o:
                other = await onboard(
                    o.h, o.admin, 2007, "Joko Susilo", "petugas", section="Bidang Umum"
                )
                codes = []
                for n in range(b.items):
                    text = f"Kegiatan nomor {n}\nLaporan singkat kegiatan {n}."
                    if b.album:
                        await o.officer.sends_album(
                            [("photo", None), ("photo", None)], caption=text
                        )
                    else:
                        await o.officer.sends(text)
                    code = code_in(o.officer.last_message().text or "")
                    await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
                    codes.append(code)
                it_id, it_group, web_group = o.it.id, o.it_group.id, o.web_group.id
                clock_start = o.clock.now
            taps = []
            for code in codes:
                it_card = card(o.it_group, code)
                data = [d for text, d in it_card.buttons[0] if "Terima" in text]
                if len(data) != 1 or data[0] is None:
                    raise SystemExit(f"benchmark broken: no Terima button on {it_card!r}")
                taps.append((it_card.message_id, data[0]))
            # 2. warta again, on the same database, with the limits under test.
            h = Harness.for_warta(
                server,
                tmp / "data",
                database_url,
                admin_ids=[ADMIN_ID],
                clock=WallClock(clock_start),
                harness_options={"raise_handler_errors": False, "settle_timeout": 900.0},
                album_settle_seconds=0.0,
                group_messages_per_minute=b.group_rate,
            )
            await stack.enter_async_context(h)
            b.setup = time.perf_counter() - setup_start
            server.limit_groups(b.telegram_limit)
            since = len(server.calls)

            # 3. The burst: taps queued one --tap-gap apart; meanwhile the unrelated
            # officer sends /start every --probe-every seconds until everything settled.
            first = time.monotonic()
            done = asyncio.Event()
            probes: list[float] = []

            async def probe() -> None:
                while not done.is_set():
                    server.send_text(other.id, "/start")
                    probes.append(time.monotonic())
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(done.wait(), b.probe_every)

            prober = asyncio.create_task(probe())
            queued: list[tuple[str, float]] = []
            for message_id, data in taps:
                query_id = server.press_button(it_id, it_group, message_id, data)
                queued.append((query_id, time.monotonic()))
                await asyncio.sleep(b.gap)
            await h.settle()
            done.set()
            await prober
            await h.settle()
            b.burst = time.monotonic() - first

            # 4. What arrived, and when.
            for (query_id, at), (message_id, _) in zip(queued, taps, strict=True):
                answered = first_ok(
                    server, since, "answerCallbackQuery", callback_query_id=query_id
                )
                b.tap_answers.append(None if answered is None else answered - at)
                edited = first_ok(
                    server, since, "editMessageText", chat_id=it_group, message_id=message_id
                )
                b.card_edits.append(None if edited is None else edited - at)
            # One chat's updates are handled in order: the k-th reply answers the k-th /start.
            replies = [
                c.at
                for c in server.calls[since:]
                if c.ok and c.method == "sendMessage" and str(c.chat_id) == str(other.id)
            ]
            b.starts = [
                (at - first, reply - at if reply is not None else None)
                for at, reply in itertools.zip_longest(probes, replies[: len(probes)])
            ]
            posted = [
                c
                for c in server.calls[since:]
                if c.ok and c.method == "sendMessage" and str(c.chat_id) == str(web_group)
            ]
            shown = [m for m in server.bot_messages(web_group) if m.text]
            for code, (_, at) in zip(codes, queued, strict=True):
                mine = [c for c in posted if is_card_of(str(c.params.get("text") or ""), code)]
                b.sends.append(len(mine))
                b.arrivals.append(mine[0].at - first if mine else None)
                b.handovers.append(mine[0].at - at if mine else None)
                b.visible.append(sum(1 for m in shown if is_card_of(m.text or "", code)))
            b.refused = server.refused
            refusals = [c for c in server.calls[since:] if c.error_code == 429]
            if refusals:
                b.first_refusal = (refusals[0].at - first, refusals[0].description)
            b.handler_errors = [type(e.error).__name__ for e in h.handler_errors]
        db = await snapshot(database_url)
        moved = [db.item(code) for code in codes]
        b.delivered = sum(1 for i in moved if i.state == "editing" and i.delivered_state == i.state)
    return b


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def seconds(values: list[float | None]) -> str:
    done = [v for v in values if v is not None]
    missing = len(values) - len(done)
    if not done:
        return "none"
    text = f"p50 {statistics.median(done):6.2f} s   p90 {p90(done):6.2f} s   max {max(done):6.2f} s"
    return text + (f"   ({missing} never)" if missing else "")


def met(ok: bool) -> str:
    return "yes" if ok else "NO"


def report(b: Burst) -> str:
    answers = [v for v in b.tap_answers if v is not None]
    slowest = max(answers) if len(answers) == len(b.tap_answers) else math.inf
    arrived = [v for v in b.arrivals if v is not None]
    every_card = max(arrived) if len(arrived) == len(b.arrivals) else None
    lost = sum(1 for n in b.visible if n == 0)
    doubled = sum(1 for n in b.visible if n > 1)
    sent_twice = sum(1 for n in b.sends if n > 1)
    # "The" unrelated /start: the one sent nearest the middle of the hand-overs.
    middle = (every_card if every_card is not None else b.burst) / 2
    sent_at, start = min(b.starts, key=lambda s: abs(s[0] - middle))
    start_text = "never" if start is None else f"{start:.2f} s"
    start_latencies = [latency for _, latency in b.starts]
    limit = (
        f"{b.telegram_limit}/min (strict 60 s window, 429 + retry_after)"
        if b.telegram_limit
        else "none"
    )
    if b.group_rate == 20:
        rate_note = "Telegram's own figure"
    elif b.group_rate >= b.items:
        rate_note = "NOT Telegram's 20/min, above the burst's size: nothing is throttled"
    else:
        rate_note = "NOT Telegram's 20/min"
    lines = [
        f"burst: {b.items} IT accept taps in the IT group, one every {b.gap:.2f} s, each handing "
        "an item over to the editors' group"
        + (" (a 2-photo album and its card)" if b.album else "")
        + "; an unrelated officer sends /start every "
        f"{b.probe_every:.1f} s meanwhile",
        f"warta's group rate limit (WARTA_GROUP_MESSAGES_PER_MINUTE) {b.group_rate}/min "
        f"({rate_note}); the fake server's group limit {limit}",
        "real time, from each update queued on the fake server to the answering call "
        f"received; setup {b.setup:.1f} s (untimed), first tap until settled {b.burst:.1f} s",
        "",
        f"tap -> answer (answerCallbackQuery)    {seconds(b.tap_answers)}",
        f"tap -> edited card in the IT group     {seconds(b.card_edits)}",
        f"tap -> its card in the editors' group  {seconds(b.handovers)}",
        "first tap -> every card arrived        "
        + ("never" if every_card is None else f"{every_card:6.2f} s"),
        f"{f'unrelated /start -> reply ({len(b.starts)} sent)':<39}{seconds(start_latencies)}",
        f"{f'  the one sent {sent_at:.1f} s in (mid-burst)':<39}{start_text}",
        f"editors' group: {len(arrived)} of {b.items} cards arrived, {lost} lost, {doubled} "
        f"doubled (visible), {sent_twice} sent more than once; {b.delivered} of {b.items} "
        "hand-overs recorded as delivered",
        f"429 refusals by the fake server: {b.refused}"
        + (
            f" (the first {b.first_refusal[0]:.1f} s in: {b.first_refusal[1]!r})"
            if b.first_refusal
            else ""
        )
        + f"; warta handler errors: "
        f"{len(b.handler_errors)}"
        + (f" ({', '.join(sorted(set(b.handler_errors)))})" if b.handler_errors else ""),
        "",
        f"{'target':<44}{'measured':<22}met",
        f"{f'every tap answered within {TAP_TARGET:.1f} s':<44}"
        f"{'not all answered' if slowest == math.inf else f'{slowest:.2f} s (max)':<22}"
        f"{met(slowest <= TAP_TARGET)}",
        f"{f'unrelated /start (mid-burst) within {START_TARGET:.1f} s':<44}{start_text:<22}"
        f"{met(start is not None and start <= START_TARGET)}",
        f"{'no hand-over card lost or doubled':<44}{f'{lost} lost, {doubled} doubled':<22}"
        f"{met(lost == 0 and doubled == 0 and sent_twice == 0)}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=30, help="items handed over (default 30)")
    parser.add_argument(
        "--tap-gap", type=float, default=0.2, help="seconds between taps (default 0.2)"
    )
    parser.add_argument(
        "--group-rate",
        type=int,
        default=None,
        help="warta's WARTA_GROUP_MESSAGES_PER_MINUTE (default 20, Telegram's figure)",
    )
    parser.add_argument(
        "--telegram-limit",
        type=int,
        default=None,
        help="the fake server's messages a minute per group, 0 for none "
        "(default: the same as --group-rate)",
    )
    parser.add_argument(
        "--probe-every",
        type=float,
        default=2.0,
        help="seconds between the unrelated officer's /start messages (default 2)",
    )
    parser.add_argument(
        "--album",
        action="store_true",
        help="each item carries a 2-photo album, so each hand-over is an album and a card",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"both limits at {QUICK_RATE}/min: a few seconds, but no throttling at all",
    )
    args = parser.parse_args()
    rate = args.group_rate or (QUICK_RATE if args.quick else 20)
    limit = rate if args.telegram_limit is None else args.telegram_limit
    if args.items < 1 or args.tap_gap < 0 or rate < 1 or limit < 0 or args.probe_every <= 0:
        parser.error(
            "--items and --group-rate must be >= 1, --tap-gap and --telegram-limit >= 0, "
            "--probe-every > 0"
        )
    logging.basicConfig(level=logging.CRITICAL)
    started = time.perf_counter()
    burst = Burst(
        args.items, args.tap_gap, rate, limit, probe_every=args.probe_every, album=args.album
    )
    outcome = asyncio.run(run(burst))
    print(report(outcome))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
