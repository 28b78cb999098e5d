"""The history's hash chain on real SQLite and PostgreSQL: sealed after the moves,
verified page by page, tampering named; the migration chains what was there."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli import main
from bot.core.audit_chain import Anchor
from bot.usecases.chain import keep_chain, read_anchors
from storage import audit
from storage.audit import ChainStore
from storage.db import create_engine, downgrade_database_async, upgrade_database_async
from storage.models import Event

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


async def _add_events(sessions: async_sessionmaker[AsyncSession], n: int, first: int = 0) -> None:
    async with sessions.begin() as session:
        for i in range(first, first + n):
            session.add(
                Event(
                    actor_id=1000 + i,
                    actor_name="Sari Dewi",
                    actor_role="editor",
                    action="accept",
                    from_state="submitted",
                    to_state="editing",
                    note=f"catatan {i}",
                    created_at=START + timedelta(minutes=i),
                )
            )


async def test_sealed_events_verify_and_each_tampering_is_named(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    chain = ChainStore(engine)
    await _add_events(sessions, 12)
    assert await chain.seal() == 12
    await _add_events(sessions, 3, first=12)
    assert await chain.seal() == 3
    assert await chain.seal() == 0
    verdict = await chain.verify()
    assert verdict.ok and verdict.count == 15 and verdict.unsealed == 0
    count, head = await chain.head()
    assert (count, head) == (15, verdict.head)

    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE events SET note = 'diubah' WHERE seq = 7"))
        edited_id = (
            await connection.execute(sa.text("SELECT id FROM events WHERE seq = 7"))
        ).scalar()
    finding = (await chain.verify()).finding
    assert finding is not None and finding.problem == "edited" and finding.event_id == edited_id
    assert f"event #{edited_id} was changed" in finding.detail

    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE events SET note = 'catatan 6' WHERE seq = 7"))
    assert (await chain.verify()).ok  # put back as it was: the chain holds again
    async with engine.begin() as connection:
        await connection.execute(sa.text("DELETE FROM events WHERE seq = 4"))
    finding = (await chain.verify()).finding
    assert finding is not None and finding.problem == "deleted" and "number 4" in finding.detail


async def test_a_recorded_head_catches_a_rewritten_history(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    chain = ChainStore(engine)
    await _add_events(sessions, 6)
    await chain.seal()
    anchor = Anchor(*(await chain.head()), "2026-11-02")
    # Someone deletes event 2 and re-chains the rest with the published algorithm.
    async with engine.begin() as connection:
        await connection.execute(sa.text("DELETE FROM events WHERE seq = 2"))
        await connection.execute(
            sa.text("UPDATE events SET seq = NULL, prev_hash = NULL, hash = NULL")
        )
        await connection.run_sync(audit.seal)
    assert (await chain.verify()).ok  # the database alone cannot tell
    finding = (await chain.verify((anchor,))).finding
    assert finding is not None and finding.problem == "deleted"
    assert "6 were recorded outside the database on 2026-11-02" in finding.detail


async def test_sealing_while_moves_write_never_forks_the_chain(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    chain = ChainStore(engine)
    await asyncio.gather(
        *(_add_events(sessions, 5, first=10 * i) for i in range(4)),
        chain.seal(),
        chain.seal(),
    )
    await chain.seal()
    verdict = await chain.verify()
    assert verdict.ok and verdict.count == 20 and verdict.unsealed == 0


async def test_the_migration_chains_the_events_already_there(database_url: str) -> None:
    await upgrade_database_async(database_url, "0011_media_alt")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for i in range(5):
                await connection.execute(
                    sa.text(
                        "INSERT INTO events (action, note, created_at) VALUES ('accept', :n, :t)"
                    ),
                    {"n": f"lama {i}", "t": START + timedelta(minutes=i)},
                )
        await upgrade_database_async(database_url)
        verdict = await ChainStore(engine).verify()
        assert verdict.ok and verdict.count == 5 and verdict.unsealed == 0
        await downgrade_database_async(database_url, "0011_media_alt")
    finally:
        await engine.dispose()


async def test_the_days_head_is_recorded_once_a_day(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    from zoneinfo import ZoneInfo

    chain, heads, zone = (
        ChainStore(engine),
        tmp_path / "audit" / "chain-heads.txt",
        ZoneInfo("Asia/Jakarta"),
    )
    assert await keep_chain(chain, heads, START, zone) is None  # nothing to record yet
    await _add_events(sessions, 4)
    first = await keep_chain(chain, heads, START, zone)
    assert first is not None and (first.count, first.day) == (4, "2026-11-02")
    await _add_events(sessions, 2, first=4)
    assert await keep_chain(chain, heads, START + timedelta(hours=1), zone) is None
    second = await keep_chain(chain, heads, START + timedelta(days=1), zone)
    assert second is not None and second.count == 6
    assert read_anchors(heads) == (first, second)


async def test_warta_audit_verify(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    migrated_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
    await _add_events(sessions, 8)
    await ChainStore(engine).seal()
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "events checked   8" in out and "chain            OK" in out
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE events SET actor_name = 'X' WHERE seq = 3"))
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "was changed after it was recorded" in out
