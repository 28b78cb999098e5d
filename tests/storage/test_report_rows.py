"""The monthly report read from real SQLite and PostgreSQL gives the hand-computed
month's figures: the loader picks the items active in the month and nothing else."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.core.months import Month
from bot.core.report import monthly_report
from bot.core.report_records import HistoryEvent, ItemRecord
from bot.core.standards import TimeStandards
from bot.core.workflow import State
from storage.models import Event, Item, Person, Publication
from storage.report_rows import month_records
from tests.unit.report_month import CALENDAR, ITEMS, at, item, move

NOVEMBER = Month(2026, 11)
NOW = at(12, 7, "09:00")

# Finished in October and untouched since: not part of November.
DONE_IN_OCTOBER = item(
    7,
    "Upacara",
    "Perizinan",
    at(10, 5, "08:00"),
    (
        move(at(10, 5, "09:00"), "submit", "collecting", "submitted"),
        move(at(10, 5, "09:30"), "send_back", "submitted", "collecting", note="x"),
        move(at(10, 6, "09:00"), "withdraw", "collecting", "withdrawn"),
    ),
)
# A draft started on Friday 30 October and forgotten: still open, and late from Tuesday
# 3 November 08.30 (a working day and two hours later), so listed in November.
FORGOTTEN_DRAFT = item(8, "Draf lama", None, at(10, 30, "15:00"), ())


async def _store(sessions: async_sessionmaker[AsyncSession], records: list[ItemRecord]) -> None:
    async with sessions.begin() as session:
        session.add(Person(id=1, full_name="Andi", language="id", created_at=at(10, 1, "08:00")))
        await session.flush()
        for record in records:
            state = State.COLLECTING.value
            for event in record.events:
                if event.moves:
                    state = str(event.to_state)
            session.add(
                Item(
                    id=record.item_id,
                    code=record.code,
                    state=state,
                    officer_id=1,
                    section=record.section,
                    title=record.title,
                    created_at=record.created_at,
                    updated_at=record.created_at,
                    state_entered_at=record.created_at,
                )
            )
            await session.flush()
            session.add(
                Event(
                    item_id=record.item_id,
                    actor_name="Andi",
                    actor_role="officer",
                    action="created",
                    to_state="collecting",
                    created_at=record.created_at,
                )
            )
            session.add_all(_event_row(record.item_id, event) for event in record.events)
            session.add_all(
                Publication(
                    item_id=record.item_id,
                    target=target.target,
                    status="pending",
                    attempts=target.attempts,
                    created_at=target.created_at,
                    updated_at=target.created_at,
                )
                for target in record.publications
            )


def _event_row(item_id: int, event: HistoryEvent) -> Event:
    return Event(
        item_id=item_id,
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        note=event.note,
        created_at=event.at,
    )


async def test_the_month_read_back_gives_the_hand_computed_figures(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _store(sessions, [*ITEMS, DONE_IN_OCTOBER, FORGOTTEN_DRAFT])
    _, end = NOVEMBER.bounds(CALENDAR.zone)
    start, _ = Month(2026, 10).next().bounds(CALENDAR.zone)
    async with sessions() as session:
        loaded = await month_records(session, start, end)

    assert [record.code for record in loaded] == [
        *(record.code for record in ITEMS),
        FORGOTTEN_DRAFT.code,
    ]
    report = monthly_report(NOVEMBER, loaded, calendar=CALENDAR, standards=TimeStandards(), now=NOW)
    # Exactly the figures of the items built in memory, plus the forgotten draft.
    expected = monthly_report(
        NOVEMBER,
        [*ITEMS, FORGOTTEN_DRAFT],
        calendar=CALENDAR,
        standards=TimeStandards(),
        now=NOW,
    )
    assert report == expected
    draft = [late for late in report.late if late.code == FORGOTTEN_DRAFT.code]
    assert [(late.state, late.due, late.still_open) for late in draft] == [
        (State.COLLECTING, at(11, 3, "08:30"), True)
    ]
    # Its "created" event is read too, yet changes nothing: the report is the same as
    # for records without it.
    first = loaded[0]
    assert first.events[0].action == "created"
    assert (
        monthly_report(
            NOVEMBER,
            [replace(first, events=first.events[1:]), *loaded[1:]],
            calendar=CALENDAR,
            standards=TimeStandards(),
            now=NOW,
        )
        == report
    )


async def test_warta_report_writes_the_files_and_prints_the_summary(
    sessions: async_sessionmaker[AsyncSession],
    migrated_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
    # The fixture month's calendar: no national holidays, 10 November closed.
    monkeypatch.setenv("WARTA_HOLIDAYS", "none")
    monkeypatch.setenv("WARTA_CLOSED_DAYS", "2026-11-10")
    await _store(sessions, list(ITEMS))
    assert await asyncio.to_thread(main, ["report", "--month", "2026-11"]) == 0
    out = capsys.readouterr().out
    assert "Laporan SOP — November 2026" in out and "<b>" not in out
    assert "Diserahkan: 5 naskah — terbit 2, ditolak/ditahan 1" in out
    assert "2. Serah terima Tim IT: median 30 mnt, P90 5 j 30 mnt (standar 3 j)" in out
    folder = tmp_path / "data" / "reports" / "2026-11"
    assert sorted(path.name for path in folder.iterdir()) == [
        "laporan-sop-2026-11-bagian.png",
        "laporan-sop-2026-11-langkah.png",
        "laporan-sop-2026-11.pdf",
        "laporan-sop-2026-11.xlsx",
    ]
    assert f"written  {folder / 'laporan-sop-2026-11.pdf'}" in out


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "no such month: 2026-13 (write it as 2026-11)"),
        ("November", "cannot read 'November' as a month"),
        ("2999-01", "2999-01 has not begun yet"),
    ],
)
async def test_warta_report_refuses_a_month_it_cannot_report(
    migrated_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    month: str,
    message: str,
) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
    assert await asyncio.to_thread(main, ["report", "--month", month]) == 2
    assert message in capsys.readouterr().err
