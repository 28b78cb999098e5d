"""The migrations build exactly the models' schema, and go down and up again."""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from storage.db import (
    create_engine,
    current_revision_async,
    downgrade_database_async,
    head_revision,
    upgrade_database,
    upgrade_database_async,
)
from storage.models import Base

MODEL_TABLES = set(Base.metadata.tables)


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": True},
    )
    return list(compare_metadata(context, Base.metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _run(url: str, fn: Any) -> Any:
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


async def test_models_match_migrations(migrated_database_url: str) -> None:
    assert await _run(migrated_database_url, _schema_diff) == []


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    assert await current_revision_async(database_url) is None

    await upgrade_database_async(database_url)
    assert await current_revision_async(database_url) == head_revision() == "0012_event_chain"
    assert await _run(database_url, _table_names) == MODEL_TABLES | {"alembic_version"}

    await downgrade_database_async(database_url)
    assert await current_revision_async(database_url) is None
    assert await _run(database_url, _table_names) <= {"alembic_version"}

    await upgrade_database_async(database_url)
    assert await current_revision_async(database_url) == head_revision()
    assert await _run(database_url, _schema_diff) == []

    # Upgrading an up-to-date database is a no-op.
    await upgrade_database_async(database_url)
    assert await current_revision_async(database_url) == head_revision()


async def test_sync_upgrade_refuses_to_run_inside_a_loop(database_url: str) -> None:
    with pytest.raises(RuntimeError, match="upgrade_database_async"):
        upgrade_database(database_url)


def test_sync_upgrade_outside_a_loop(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'dir' / 'warta.sqlite3'}"
    upgrade_database(url)
    assert asyncio.run(current_revision_async(url)) == head_revision()


async def test_missing_sqlite_file_has_no_revision_and_is_not_created(tmp_path: Any) -> None:
    path = tmp_path / "absent" / "warta.sqlite3"
    assert await current_revision_async(f"sqlite+aiosqlite:///{path}") is None
    assert not path.parent.exists()


async def test_password_never_shown_on_failure(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hunter2-%-secret"
    url = f"postgresql+asyncpg://warta:{secret.replace('%', '%25')}@127.0.0.1:1/test_nothing"
    with pytest.raises(OSError) as caught:  # connection refused
        await upgrade_database_async(url)
    shown = "".join(traceback.format_exception(caught.value))
    out, err = capfd.readouterr()
    for text in (shown, out, err, caplog.text):
        assert "hunter2" not in text


async def test_password_with_percent_is_passed_through_and_not_shown(
    database_url: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    # The test server trusts local connections, so any password gets in; what matters is
    # that a "%" survives alembic's config interpolation and nothing prints the password.
    url = make_url(database_url).set(password="pa%ss%%word").render_as_string(hide_password=False)
    assert "pa%25ss" in url
    await upgrade_database_async(url)
    assert await current_revision_async(url) == head_revision()
    out, err = capfd.readouterr()
    for text in (out, err, caplog.text):
        assert "pa%ss" not in text
        assert "pa%25ss" not in text


async def test_an_upgrade_waits_for_one_already_running(database_url: str) -> None:
    """Two `warta db upgrade` at once (an operator's and a starting bot's) must not both
    create the tables: the second waits on PostgreSQL's advisory lock until the first is
    done. Here the test holds that lock, as a running upgrade would."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    from sqlalchemy import text

    from storage.db import MIGRATION_LOCK_KEY as _LOCK_KEY

    holder = create_engine(database_url, poolclass=NullPool)
    waiting = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND ((classid::bigint << 32) | objid::bigint) = :key"
    )
    try:
        async with holder.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            upgrade = asyncio.create_task(upgrade_database_async(database_url))
            seen_waiting = False
            for _ in range(500):  # until the upgrade queues behind the lock (or finishes)
                if upgrade.done():
                    break
                count = (await connection.execute(text(waiting), {"key": _LOCK_KEY})).scalar()
                if count:
                    seen_waiting = True
                    break
                await asyncio.sleep(0.02)
            assert seen_waiting, "the upgrade ran without waiting for the lock"
            assert not upgrade.done()
            assert await current_revision_async(database_url) is None
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            await asyncio.wait_for(upgrade, 60)
    finally:
        await holder.dispose()
    assert await current_revision_async(database_url) == head_revision()


async def test_0006_counts_old_overdue_steps_as_escalated(database_url: str) -> None:
    """An upgrade does not flood the chats with escalations for steps long overdue; the
    steps still on time keep their deadline, as their reminder point too."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    await upgrade_database_async(database_url, "0005_outgoing")
    now = datetime.now(UTC)
    overdue, on_time = now - timedelta(days=2), now + timedelta(hours=2)

    def fill(connection: Connection) -> None:
        connection.execute(
            text(
                "INSERT INTO people (id, full_name, language, unreachable, created_at)"
                " VALUES (1, 'A', 'id', false, :t)"
            ),
            {"t": now},
        )
        for number, due in ((1, overdue), (2, on_time), (3, None)):
            connection.execute(
                text(
                    "INSERT INTO items (id, code, state, version, officer_id, created_at,"
                    " updated_at, state_entered_at, step_due_at)"
                    " VALUES (:id, :code, 'submitted', 1, 1, :t, :t, :t, :due)"
                ),
                {"id": number, "code": f"PKP-2026-000{number}", "t": now, "due": due},
            )
        connection.commit()

    def read(connection: Connection) -> list[tuple[Any, ...]]:
        rows = connection.execute(
            text(
                "SELECT id, step_remind_at IS NOT NULL, step_reminded_at IS NOT NULL,"
                " step_escalated_at IS NOT NULL FROM items ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]

    await _run(database_url, fill)
    await upgrade_database_async(database_url)
    assert await _run(database_url, read) == [
        (1, True, True, True),
        (2, True, False, False),
        (3, False, False, False),
    ]
