"""The queue: what waits at each step, who holds it, and how much working time is left.

Pure: storage reads the open items as :class:`Waiting` values; this module decides who
sees which steps and in what order, for ``/antrian`` and the morning digest.

- A team group sees its own step; the log group, officials and admins see every step.
- In private, a person sees the steps their roles hold; an officer sees their own drafts.
- Within a step the late items come first, the most recently late first (the freshest
  trouble on top), then the rest by deadline, soonest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.purposes import Purpose
from bot.core.reminders import holder_purpose
from bot.core.standards import StepClock
from bot.core.workflow import Role, State

QUEUE_STEPS = (State.COLLECTING, State.SUBMITTED, State.EDITING, State.REVIEW, State.APPROVED)
_SEE_ALL = frozenset({Role.OFFICIAL, Role.ADMIN})


@dataclass(frozen=True)
class Waiting:
    """One open item, as the queue needs it."""

    item_id: int
    code: str
    title: str | None
    state: State
    officer_id: int
    officer_name: str
    entered_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class Viewer:
    """Who asks: a team group (its purpose), or a person in private (their roles)."""

    roles: frozenset[Role] = frozenset()
    person_id: int | None = None
    # A team group's purposes (a group may serve two steps); empty in private.
    purposes: frozenset[Purpose] = frozenset()

    @property
    def in_group(self) -> bool:
        return bool(self.purposes)

    @property
    def steps(self) -> tuple[State, ...]:
        if self.purposes:
            if Purpose.LOG in self.purposes:
                return QUEUE_STEPS
            return tuple(s for s in QUEUE_STEPS if holder_purpose(s) in self.purposes)
        if self.roles & _SEE_ALL:
            return QUEUE_STEPS
        return tuple(
            s
            for s in QUEUE_STEPS
            if (s is State.COLLECTING and Role.OFFICER in self.roles)
            or ((purpose := holder_purpose(s)) is not None and purpose.role in self.roles)
        )

    def sees(self, waiting: Waiting) -> bool:
        if waiting.state not in self.steps:
            return False
        if waiting.state is State.COLLECTING and not self.in_group:
            # Drafts are the officer's own business; officials and admins see them all.
            return bool(self.roles & _SEE_ALL) or waiting.officer_id == self.person_id
        return True


@dataclass(frozen=True)
class Line:
    waiting: Waiting
    # Working time left until the late point (negative: how late); None: no deadline.
    left: timedelta | None
    late: bool


@dataclass(frozen=True)
class Step:
    state: State
    lines: tuple[Line, ...]

    @property
    def late(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.late)


def build_queue(
    waiting: Iterable[Waiting], viewer: Viewer, now: datetime, clock: StepClock
) -> list[Step]:
    """The viewer's steps, in the SOP's order, each with its lines in queue order
    (steps with nothing waiting are left out)."""
    by_step: dict[State, list[Line]] = {state: [] for state in viewer.steps}
    for item in waiting:
        if not viewer.sees(item):
            continue
        if item.due_at is None:
            by_step[item.state].append(Line(item, None, False))
            continue
        left = clock.left(item.due_at, now)
        by_step[item.state].append(Line(item, left, item.due_at <= now))
    return [
        Step(state, tuple(sorted(lines, key=_queue_order)))
        for state, lines in by_step.items()
        if lines
    ]


def _queue_order(line: Line) -> tuple[int, float]:
    due = line.waiting.due_at
    if due is None:
        return (2, 0.0)
    if line.late:
        return (0, -due.timestamp())
    return (1, due.timestamp())


_CARD_ORDER = (Purpose.IT, Purpose.EDITOR, Purpose.OFFICIAL, Purpose.PUBLISHER)


def card_audience(viewer: Viewer, state: State, officer_id: int) -> str:
    """Which card an item opened from the queue shows the viewer: the step's own when
    the viewer holds it, the officer's to its officer, otherwise the closest role's."""
    holder = holder_purpose(state)
    if viewer.in_group:
        if holder is not None and holder in viewer.purposes:
            return holder.value
        own = [p for p in _CARD_ORDER if p in viewer.purposes]
        return own[0].value if own else (holder or Purpose.OFFICIAL).value
    if holder is not None and holder.role in viewer.roles:
        return holder.value
    if viewer.person_id == officer_id:
        return "officer"
    for purpose in (Purpose.OFFICIAL, Purpose.PUBLISHER, Purpose.EDITOR, Purpose.IT):
        if purpose.role in viewer.roles:
            return purpose.value
    return Purpose.OFFICIAL.value
