"""Benchmark: the sweeps cost what they find, not the length of the history.

The time standards' sweep runs every minute, the publishing sweep every 15 seconds and
the delivery sweep every minute, for years. Each must find what is owed now (a handful
of open items) without reading the finished ones. This bench fills a real database with
N finished items (published, every notice given, one publication row each) plus the same
1 000 open ones (every step, deadlines spread around "now", some owed), then times each
sweep's real call at N = 10 k and N = 1 M and prints the ratio between the sizes:

* reminders: ``storage.reminders.owed`` (the visits owed a reminder or an escalation);
* delivery: ``Deliveries.redeliver`` (hand-overs that have not gone);
* notices: ``ItemService.unannounced_publications`` (published items whose people were
  not told yet, every 15 seconds);
* outbox: ``Outbox.run_due`` (publications on their way);
* publishing: ``ItemService.due_for_publishing`` (scheduled items due).

Each figure is the median of ``--rounds`` calls, each with its own session, as the
sweeps make them. The databases are built by the real migrations (so the indexes are
the shipped ones) in a temporary folder, or with ``--postgres URL`` as databases of
their own on that server (created and dropped; ANALYZE after filling, as autovacuum
would). Target: every ratio under 2x.

    .venv/bin/python bench/sweep.py [--sizes 10000,1000000] [--rounds 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from bot.core.publish_policy import RetryPolicy  # noqa: E402
from bot.core.standards import StepClock, TimeStandards  # noqa: E402
from bot.shell.config import load_settings  # noqa: E402
from bot.shell.office_calendar import office_calendar  # noqa: E402
from bot.usecases.items import ItemService  # noqa: E402
from bot.usecases.outbox import Outbox  # noqa: E402
from storage.db import create_engine, make_sessions, upgrade_database_async  # noqa: E402
from storage.deliveries import Deliveries  # noqa: E402
from storage.items import SqlItemWork  # noqa: E402
from storage.publications import PublicationStore  # noqa: E402
from storage.reminders import owed  # noqa: E402
from storage.units import units  # noqa: E402
from tests.pg_admin import run_outside_transaction  # noqa: E402

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # Thursday 10.00 WIB
OPEN_STATES = ("collecting", "submitted", "editing", "review", "approved")
SWEEPS = ("reminders", "delivery", "notices", "outbox", "publishing")
TARGET = 2.0


def _stamp(moment: datetime) -> str:
    """A datetime as SQLAlchemy stores it on SQLite (UTC, no zone)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def open_rows(first_id: int, count: int) -> list[tuple[Any, ...]]:
    """The open items: every step, deadlines spread around NOW, some owed."""
    items: list[tuple[Any, ...]] = []
    for k in range(count):
        n = first_id + k
        state = OPEN_STATES[k % len(OPEN_STATES)]
        entered = NOW - timedelta(minutes=(k * 7) % 600)
        remind = entered + timedelta(minutes=60)
        due = entered + timedelta(minutes=180)
        # Visits already reminded or escalated carry their marks, as a live office's do.
        reminded = remind if remind <= NOW and k % 3 else None
        escalated = due if due <= NOW and k % 2 else None
        items.append(
            (
                n,
                f"O-{n:08d}",
                state,
                1,
                1,
                entered,
                entered,
                entered,
                state,
                None,
                remind,
                due,
                reminded,
                escalated,
            )
        )
    return items


ITEM_COLUMNS = (
    "id, code, state, version, officer_id, created_at, updated_at, state_entered_at,"
    " delivered_state, publication_notice, step_remind_at, step_due_at, step_reminded_at,"
    " step_escalated_at"
)
# The finished history, made by the database itself (a million rows in seconds): items
# published long ago with every notice given, one published row each on the outbox.
HISTORY_SQLITE = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)"
    " INSERT INTO items (id, code, state, version, officer_id, created_at, updated_at,"
    " state_entered_at, delivered_state, publication_notice)"
    " SELECT i, printf('H-%08d', i), 'published', 1, 1, :at, :at, :at, 'published',"
    " 'published' FROM n",
    "INSERT INTO publications (id, item_id, target, status, attempts, ambiguous, alerted,"
    " created_at, updated_at) SELECT id, id, 'site', 'published', 1, 0, 0, :at, :at"
    " FROM items",
)
HISTORY_POSTGRES = (
    "INSERT INTO items (id, code, state, version, officer_id, created_at, updated_at,"
    " state_entered_at, delivered_state, publication_notice)"
    " SELECT i, 'H-' || lpad(i::text, 8, '0'), 'published', 1, 1, $2, $2, $2, 'published',"
    " 'published' FROM generate_series(1, $1::int) AS i",
    "INSERT INTO publications (id, item_id, target, status, attempts, ambiguous, alerted,"
    " created_at, updated_at) SELECT id, id, 'site', 'published', 1, false, false, $1, $1"
    " FROM items",
)
LONG_AGO = NOW - timedelta(days=400)


def fill_sqlite(path: Path, finished: int, open_items: int) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "INSERT INTO people (id, full_name, language, unreachable, created_at)"
            " VALUES (1, 'Rina', 'id', 0, ?)",
            (_stamp(NOW),),
        )
        items_sql, publications_sql = HISTORY_SQLITE
        connection.execute(items_sql, {"count": finished, "at": _stamp(LONG_AGO)})
        connection.execute(publications_sql, {"at": _stamp(LONG_AGO)})
        connection.executemany(
            f"INSERT INTO items ({ITEM_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            (
                [v if not isinstance(v, datetime) else _stamp(v) for v in row]
                for row in open_rows(finished + 1, open_items)
            ),
        )
        connection.commit()
    finally:
        connection.close()


async def fill_postgres(url: str, finished: int, open_items: int) -> None:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO people (id, full_name, language, unreachable, created_at)"
            " VALUES (1, 'Rina', 'id', false, $1)",
            NOW,
        )
        items_sql, publications_sql = HISTORY_POSTGRES
        await connection.execute(items_sql, finished, LONG_AGO)
        await connection.execute(publications_sql, LONG_AGO)
        await connection.copy_records_to_table(
            "items",
            records=open_rows(finished + 1, open_items),
            columns=[c.strip() for c in ITEM_COLUMNS.split(",")],
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def database(tmp: Path, postgres: str | None, size: int) -> AsyncIterator[str]:
    if postgres is None:
        yield f"sqlite+aiosqlite:///{tmp / f'sweep-{size}.sqlite3'}"
        return
    name = f"warta_sweep_{os.getpid()}_{size}"
    await run_outside_transaction(postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await run_outside_transaction(postgres, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        await run_outside_transaction(postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def median_ms(call: Callable[[], Awaitable[Any]], rounds: int) -> tuple[float, Any]:
    result = await call()  # warm: connections, statement caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


async def measure(url: str, rounds: int) -> dict[str, tuple[float, int]]:
    engine = create_engine(url)
    sessions = make_sessions(engine)
    clock = StepClock(TimeStandards(), office_calendar(load_settings()))
    items = ItemService(units(sessions, SqlItemWork), clock, ["Berita"])
    deliveries = Deliveries(sessions)
    outbox = Outbox(PublicationStore(sessions), {}, RetryPolicy(), lambda: NOW)

    async def reminders() -> Any:
        async with sessions() as session:
            return await owed(session, NOW)

    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "reminders": reminders,
        "delivery": lambda: deliveries.redeliver(NOW),
        "notices": items.unannounced_publications,
        "outbox": outbox.run_due,
        "publishing": lambda: items.due_for_publishing(NOW, False),
    }
    found: dict[str, tuple[float, int]] = {}
    try:
        for name, call in calls.items():
            ms, result = await median_ms(call, rounds)
            found[name] = (ms, len(result))
    finally:
        await engine.dispose()
    return found


async def run_backend(
    postgres: str | None, sizes: list[int], open_items: int, rounds: int
) -> dict[int, dict[str, tuple[float, int]]]:
    results: dict[int, dict[str, tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="warta-sweep-") as tmp_name:
        tmp = Path(tmp_name)
        for size in sizes:
            async with database(tmp, postgres, size) as url:
                await upgrade_database_async(url)
                started = time.perf_counter()
                if postgres is None:
                    fill_sqlite(Path(make_url(url).database or ""), size, open_items)
                else:
                    await fill_postgres(url, size, open_items)
                filled = time.perf_counter() - started
                print(
                    f"  {size:>9,} finished + {open_items} open items filled in {filled:.1f} s",
                    flush=True,
                )
                results[size] = await measure(url, rounds)
    return results


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def report(backend: str, results: dict[int, dict[str, tuple[float, int]]]) -> bool:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    header = f"{'ms (median)':<14}" + "".join(f"{label(s):>10}" for s in sizes)
    print(f"\n{backend}\n{header}{'ratio':>9}{'found':>8}   target < {TARGET:.0f}x")
    met = True
    for name in SWEEPS:
        ratio = results[large][name][0] / results[small][name][0]
        ok = ratio < TARGET
        met = met and ok
        cells = "".join(f"{results[s][name][0]:>10.2f}" for s in sizes)
        print(
            f"{name:<14}{cells}{ratio:>8.1f}x{results[large][name][1]:>8}   "
            + ("met" if ok else "NOT MET")
        )
    ms_small, ms_large = results[small]["reminders"][0], results[large]["reminders"][0]
    print(
        f"sweep: {label(small)} {ms_small:.1f} ms, {label(large)} {ms_large:.1f} ms, "
        f"ratio {ms_large / ms_small:.1f}x"
    )
    return met


async def main(args: argparse.Namespace) -> int:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    print(
        f"sweep bench: {args.open} open items with {', '.join(label(s) for s in sizes)}"
        f" finished ones; median of {args.rounds} calls",
        flush=True,
    )
    met = True
    print("SQLite (a file in a temporary folder)")
    met &= report("SQLite", await run_backend(None, sizes, args.open, args.rounds))
    if args.postgres:
        print("\nPostgreSQL (" + make_url(args.postgres).render_as_string() + ")")
        met &= report("PostgreSQL", await run_backend(args.postgres, sizes, args.open, args.rounds))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0 if met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--open", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
