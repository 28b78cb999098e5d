"""The dates an absence covers, and who hears reminders and escalations while it runs."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.deputies import (
    Away,
    Period,
    Reason,
    Start,
    deputy_may_help,
    may_record,
    period_end,
    start_day,
)
from bot.core.outgoing import Reach
from bot.core.purposes import Purpose
from bot.core.reminders import Absent, Stage, reminder_messages
from bot.core.workflow import Role, State, WorkflowError

THURSDAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("start", "period", "first", "last"),
    [
        (Start.TODAY, Period.ONE_DAY, date(2026, 11, 26), date(2026, 11, 26)),
        (Start.TODAY, Period.TWO_DAYS, date(2026, 11, 26), date(2026, 11, 27)),
        (Start.TODAY, Period.WEEK_END, date(2026, 11, 26), date(2026, 11, 27)),
        (Start.TODAY, Period.WEEK, date(2026, 11, 26), date(2026, 12, 2)),
        (Start.TOMORROW, Period.WEEK_END, date(2026, 11, 27), date(2026, 11, 27)),
        (Start.MONDAY, Period.WEEK_END, date(2026, 11, 30), date(2026, 12, 4)),
        (Start.MONDAY, Period.ONE_DAY, date(2026, 11, 30), date(2026, 11, 30)),
    ],
)
def test_the_days_an_absence_covers(start: Start, period: Period, first: date, last: date) -> None:
    assert start_day(THURSDAY, start) == first
    assert period_end(first, period) == last


def test_the_coming_monday_from_a_monday_is_a_week_on() -> None:
    assert start_day(date(2026, 11, 30), Start.MONDAY) == date(2026, 12, 7)


def test_only_a_missing_official_role_is_a_deputys_to_fill() -> None:
    assert deputy_may_help(WorkflowError("error.wrong_role", role="official"))
    assert not deputy_may_help(WorkflowError("error.wrong_role", role="it"))
    assert not deputy_may_help(WorkflowError("error.not_now", state="approved"))


def away(official: int, deputy: int | None) -> Away:
    return Away(1, official, "A", deputy, "D", THURSDAY, THURSDAY, Reason.DUTY)


REACH = Reach(
    steps={Purpose.IT: [-101], Purpose.OFFICIAL: [-103]},
    officer_id=2001,
    cards={},
    wardens=[-105, 1000],
)


def chats(state: State, stage: Stage, absent: Absent, supervisor: int | None = None) -> list[int]:
    return [m.chat_id for m in reminder_messages(7, state, stage, REACH, supervisor, absent)]


def test_who_hears_while_officials_are_away() -> None:
    attended = Absent.of([away(2004, 2003)])
    unattended = Absent.of([away(2004, 2003), away(2005, None)])
    # The officials' step: the deputy is reminded with the officials.
    assert chats(State.REVIEW, Stage.REMIND, attended) == [-103, 2003]
    # Its escalation goes above the officials, deputies or not.
    assert chats(State.REVIEW, Stage.LATE, attended) == [-105, 1000]
    assert chats(State.REVIEW, Stage.LATE, attended, supervisor=-777) == [-777]
    # Another step's escalation: the officials and the deputy, and the admins when an
    # official is away with nobody acting.
    assert chats(State.SUBMITTED, Stage.LATE, attended) == [-103, 2003]
    assert chats(State.SUBMITTED, Stage.LATE, unattended) == [-103, 2003, -105, 1000]
    assert chats(State.SUBMITTED, Stage.REMIND, unattended) == [-101]
    # Nobody away: as before.
    assert chats(State.SUBMITTED, Stage.LATE, Absent()) == [-103]


def test_who_may_record_an_absence() -> None:
    official, admin, editor = (
        frozenset({Role.OFFICIAL}),
        frozenset({Role.ADMIN}),
        frozenset({Role.EDITOR}),
    )
    assert may_record(official, 2004, 2004)
    assert not may_record(official, 2004, 2005)
    assert may_record(admin, 1000, 2005)
    assert not may_record(editor, 2003, 2003)
