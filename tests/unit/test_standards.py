"""The SOP's time standards per step, and the deadlines they give on the office calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.standards import Deadlines, StepClock, StepStandard, TimeStandards
from bot.core.workflow import State
from bot.core.working_time import OfficeCalendar, WorkSpan, office_week

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = OfficeCalendar(
    WIB,
    office_week("Mon-Thu 07:30-16:00, Fri 07:30-16:30"),
    {date(2026, 12, 24): "Cuti Bersama", date(2026, 12, 25): "Natal"},
)
CLOCK = StepClock(TimeStandards(), OFFICE)


def at(day: int, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, 12, day, hours, minutes, tzinfo=WIB)


@pytest.mark.parametrize(
    ("state", "entered", "remind", "late"),
    [
        # Monday 7 December 10.15
        (State.COLLECTING, at(7, "10:15"), at(8, "10:15"), at(8, "12:15")),
        (State.SUBMITTED, at(7, "10:15"), at(7, "11:15"), at(7, "13:15")),
        (State.EDITING, at(7, "14:30"), at(7, "15:30"), at(8, "09:00")),
        (State.REVIEW, at(7, "15:30"), at(8, "07:45"), at(8, "08:00")),
        (State.APPROVED, at(11, "16:25"), at(14, "07:35"), at(14, "07:40")),
        # Wednesday 23 December before cuti bersama, Christmas and the weekend
        (State.REVIEW, at(23, "15:50"), at(28, "08:05"), at(28, "08:20")),
        (State.COLLECTING, at(23, "10:00"), at(28, "10:00"), at(28, "12:00")),
    ],
)
def test_deadlines_of_each_step(
    state: State, entered: datetime, remind: datetime, late: datetime
) -> None:
    assert CLOCK.deadlines(state, entered) == Deadlines(remind_at=remind, late_at=late)


@pytest.mark.parametrize(
    "state", [State.PUBLISHED, State.REJECTED, State.WITHDRAWN, State.UNPUBLISHED]
)
def test_finished_states_have_no_deadline(state: State) -> None:
    assert CLOCK.deadlines(state, at(7, "10:00")) is None


def test_left_is_working_time_and_negative_when_late() -> None:
    due = at(14, "08:00")
    assert CLOCK.left(due, at(11, "16:00")) == timedelta(minutes=60)
    assert CLOCK.left(due, at(14, "09:00")) == -timedelta(minutes=60)
    assert CLOCK.left(at(7, "16:00"), at(7, "20:00")) == timedelta(0)


def test_step_standard_text() -> None:
    assert StepStandard.parse("1h/3h") == StepStandard(WorkSpan(minutes=60), WorkSpan(minutes=180))
    assert StepStandard.parse("1d/1d 2h") == TimeStandards().collecting
    assert StepStandard.parse("15m").remind == WorkSpan(minutes=15)
    for bad in ("3h/1h", "0", "1h/2h/3h", "soon"):
        with pytest.raises(ValueError):
            StepStandard.parse(bad)


def test_every_step_with_a_holder_has_a_standard() -> None:
    assert TimeStandards.steps() == (
        State.COLLECTING,
        State.SUBMITTED,
        State.EDITING,
        State.REVIEW,
        State.APPROVED,
    )
    for state in TimeStandards.steps():
        assert TimeStandards().for_state(state) is not None
