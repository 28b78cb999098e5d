"""Who sees which steps of the queue, in what order, and which card opens from it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.purposes import Purpose
from bot.core.queue import QUEUE_STEPS, Viewer, Waiting, build_queue, card_audience
from bot.core.standards import StepClock, TimeStandards
from bot.core.workflow import Role, State
from bot.core.working_time import OfficeCalendar, office_week

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 26, 13, 0, tzinfo=WIB)  # Thursday
CLOCK = StepClock(
    TimeStandards(),
    OfficeCalendar(
        WIB, office_week("Mon-Thu 07:30-16:00, Fri 07:30-16:30"), {date(2026, 12, 25): "Natal"}
    ),
)
S = State
OFFICER = 2001


def waiting(n: int, state: State, due: datetime | None, officer: int = OFFICER) -> Waiting:
    return Waiting(
        item_id=n,
        code=f"PKP-2026-{n:04d}",
        title=f"Judul {n}",
        state=state,
        officer_id=officer,
        officer_name="Rina Wati",
        entered_at=NOW - timedelta(hours=4),
        due_at=due,
    )


def at(clock: str) -> datetime:
    hours, minutes = (int(p) for p in clock.split(":"))
    return NOW.replace(hour=hours, minute=minutes)


@pytest.mark.parametrize(
    ("viewer", "steps"),
    [
        (Viewer(purposes=frozenset({Purpose.IT})), (S.SUBMITTED,)),
        (Viewer(purposes=frozenset({Purpose.EDITOR, Purpose.PUBLISHER})), (S.EDITING, S.APPROVED)),
        (Viewer(purposes=frozenset({Purpose.LOG})), QUEUE_STEPS),
        (Viewer(roles=frozenset({Role.OFFICIAL}), person_id=1), QUEUE_STEPS),
        (Viewer(roles=frozenset({Role.ADMIN}), person_id=1), QUEUE_STEPS),
        (Viewer(roles=frozenset({Role.IT, Role.EDITOR}), person_id=1), (S.SUBMITTED, S.EDITING)),
        (Viewer(roles=frozenset({Role.OFFICER}), person_id=1), (S.COLLECTING,)),
        (
            Viewer(roles=frozenset({Role.OFFICER, Role.PUBLISHER}), person_id=1),
            (S.COLLECTING, S.APPROVED),
        ),
    ],
)
def test_who_sees_which_steps(viewer: Viewer, steps: tuple[State, ...]) -> None:
    assert viewer.steps == steps


def test_drafts_are_the_officers_own_but_officials_see_them_all() -> None:
    drafts = [waiting(1, S.COLLECTING, None), waiting(2, S.COLLECTING, None, officer=2002)]
    officer = Viewer(roles=frozenset({Role.OFFICER}), person_id=OFFICER)
    official = Viewer(roles=frozenset({Role.OFFICIAL}), person_id=9)
    [step] = build_queue(drafts, officer, NOW, CLOCK)
    assert [line.waiting.item_id for line in step.lines] == [1]
    [step] = build_queue(drafts, official, NOW, CLOCK)
    assert [line.waiting.item_id for line in step.lines] == [1, 2]


def test_late_first_the_most_recently_late_on_top_then_by_deadline() -> None:
    items = [
        waiting(1, S.SUBMITTED, at("15:00")),
        waiting(2, S.SUBMITTED, at("10:00")),  # late 3 h
        waiting(3, S.SUBMITTED, at("12:30")),  # late 30 min
        waiting(4, S.SUBMITTED, at("14:00")),
        waiting(5, S.EDITING, at("09:00")),
        waiting(6, S.PUBLISHED, at("09:00")),  # not a queue step
    ]
    viewer = Viewer(roles=frozenset({Role.ADMIN}), person_id=1)
    steps = build_queue(items, viewer, NOW, CLOCK)
    assert [step.state for step in steps] == [S.SUBMITTED, S.EDITING]
    submitted = steps[0]
    assert [line.waiting.item_id for line in submitted.lines] == [3, 2, 4, 1]
    assert [line.waiting.item_id for line in submitted.late] == [3, 2]
    assert submitted.lines[0].left == -timedelta(minutes=30)
    assert submitted.lines[2].left == timedelta(hours=1)


def test_working_time_left_across_the_night() -> None:
    evening = NOW.replace(hour=18)
    items = [waiting(1, S.REVIEW, (NOW + timedelta(days=1)).replace(hour=8, minute=10))]
    [step] = build_queue(items, Viewer(purposes=frozenset({Purpose.OFFICIAL})), evening, CLOCK)
    assert step.lines[0].left == timedelta(minutes=40)
    assert not step.lines[0].late


@pytest.mark.parametrize(
    ("viewer", "state", "officer", "audience"),
    [
        (Viewer(purposes=frozenset({Purpose.IT})), S.SUBMITTED, OFFICER, "it"),
        (Viewer(purposes=frozenset({Purpose.IT, Purpose.EDITOR})), S.EDITING, OFFICER, "editor"),
        (Viewer(purposes=frozenset({Purpose.LOG})), S.REVIEW, OFFICER, "official"),
        (Viewer(purposes=frozenset({Purpose.LOG})), S.COLLECTING, OFFICER, "official"),
        (Viewer(roles=frozenset({Role.IT}), person_id=5), S.SUBMITTED, OFFICER, "it"),
        (
            Viewer(roles=frozenset({Role.OFFICER}), person_id=OFFICER),
            S.COLLECTING,
            OFFICER,
            "officer",
        ),
        (Viewer(roles=frozenset({Role.ADMIN}), person_id=5), S.EDITING, OFFICER, "official"),
        (Viewer(roles=frozenset({Role.PUBLISHER}), person_id=5), S.REVIEW, OFFICER, "publisher"),
    ],
)
def test_the_card_opened_from_the_queue(
    viewer: Viewer, state: State, officer: int, audience: str
) -> None:
    assert card_audience(viewer, state, officer) == audience
