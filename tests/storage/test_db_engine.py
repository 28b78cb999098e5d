"""Engine set-up: SQLite pragmas on every connection, sessions that survive commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, make_sessions
from storage.models import CodeCounter


async def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "warta.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        assert path.parent.is_dir()
        # Two connections at once, so both come from the driver (not one reused).
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                pragmas = {}
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
                    result = await connection.exec_driver_sql(f"PRAGMA {name}")
                    pragmas[name] = result.scalar_one()
                assert pragmas == {
                    "journal_mode": "wal",
                    "foreign_keys": 1,
                    "busy_timeout": 5000,
                    "synchronous": 1,  # NORMAL
                }
    finally:
        await engine.dispose()
    assert path.is_file()


async def test_postgres_engine_pings_before_use() -> None:
    engine = create_engine("postgresql+asyncpg://warta@127.0.0.1:1/warta")
    try:
        assert engine.pool._pre_ping  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_sessions_keep_objects_loaded_after_commit(engine: AsyncEngine) -> None:
    sessions = make_sessions(engine)
    assert isinstance(sessions, async_sessionmaker)
    async with sessions() as session:
        assert isinstance(session, AsyncSession)
        counter = CodeCounter(year=2026, last=7)
        session.add(counter)
        await session.commit()
    # No refresh after commit: reading outside the session must not need I/O.
    assert counter.last == 7
