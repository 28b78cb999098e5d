"""Benchmark: `warta audit verify` on a large history.

Makes a SQLite database at the newest migration, writes ``--events`` events (one
million by default) the way moves write them (unchained), chains them as the bot's
sealer does, then checks the whole chain twice in fresh processes: once with nothing
else (the baseline: reading every event page by page, as verify reads them) and once
as ``verify``. Each prints wall time and the growth of its peak resident memory; the
last line gives the time per million events and verify / read-only as a ratio.

    .venv/bin/python bench/audit_verify.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_file import MIB, _reset_peak, _status

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


def _fill(url: str, events: int) -> float:
    import sqlalchemy as sa

    from storage.audit import ChainStore
    from storage.column_types import UTCDateTime
    from storage.db import create_engine, upgrade_database_async

    async def go() -> float:
        await upgrade_database_async(url)
        engine = create_engine(url)
        try:
            for first in range(0, events, 100_000):
                await _insert(engine, first, min(events, first + 100_000))
            started = time.perf_counter()
            await ChainStore(engine).seal()
            return time.perf_counter() - started
        finally:
            await engine.dispose()

    async def _insert(engine: Any, first: int, end: int) -> None:
        async with engine.begin() as connection:
            rows = [
                {
                    "item_id": None,
                    "actor_id": 1000 + i % 40,
                    "actor_name": "Sari Dewi",
                    "actor_role": "editor",
                    "action": "accept",
                    "from_state": "submitted",
                    "to_state": "editing",
                    "note": f"catatan {i}",
                    "created_at": START + timedelta(seconds=i),
                }
                for i in range(first, end)
            ]
            await connection.execute(
                sa.text(
                    "INSERT INTO events (item_id, actor_id, actor_name, actor_role, action,"
                    " from_state, to_state, note, created_at) VALUES (:item_id, :actor_id,"
                    " :actor_name, :actor_role, :action, :from_state, :to_state, :note,"
                    " :created_at)"
                ).bindparams(sa.bindparam("created_at", type_=UTCDateTime())),
                rows,
            )

    return asyncio.run(go())


def _child(variant: str, url: str) -> dict[str, float]:
    import sqlalchemy as sa

    from storage.audit import PAGE, ChainStore
    from storage.db import create_engine

    async def read_only() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                last, seen = 0, 0
                while True:
                    rows = (
                        await connection.execute(
                            sa.text("SELECT * FROM events WHERE seq > :s ORDER BY seq LIMIT :n"),
                            {"s": last, "n": PAGE},
                        )
                    ).all()
                    seen += len(rows)
                    if len(rows) < PAGE:
                        return seen
                    last = int(rows[-1].seq)
        finally:
            await engine.dispose()

    async def verify() -> int:
        engine = create_engine(url)
        try:
            verdict = await ChainStore(engine).verify()
            assert verdict.ok, verdict.finding
            return verdict.count
        finally:
            await engine.dispose()

    _reset_peak()
    before = _status("VmRSS")
    started = time.perf_counter()
    count = asyncio.run(read_only() if variant == "read" else verify())
    return {
        "seconds": time.perf_counter() - started,
        "growth_mib": (_status("VmHWM") - before) / MIB,
        "count": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--variant", choices=["read", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(_child(args.variant, args.url)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'warta.sqlite3'}"
        sealing = _fill(url, args.events)
        print(
            f"{args.events} events in SQLite, chained in {sealing:.1f} s (once, as the migration)"
        )
        print(f"{'':8}{'seconds':>9}{'peak RSS growth MiB':>21}")
        results = {}
        for variant in ("read", "verify"):
            command = [sys.executable, __file__, "--variant", variant, "--url", url]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results[variant] = json.loads(done.stdout.strip().splitlines()[-1])
            assert results[variant]["count"] == args.events
            print(
                f"{variant:8}{results[variant]['seconds']:9.2f}"
                f"{results[variant]['growth_mib']:21.1f}"
            )
    read, verify = results["read"], results["verify"]
    per_million = verify["seconds"] / args.events * 1_000_000
    print(
        f"audit verify {args.events} events: {verify['seconds']:.1f} s ({per_million:.1f} s per "
        f"million), verify/read time {verify['seconds'] / read['seconds']:.1f}x, "
        f"+{verify['growth_mib']:.0f} MiB"
    )


if __name__ == "__main__":
    main()
