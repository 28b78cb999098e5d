"""The SOP's time standards per step (column "MUTU BAKU"), in working time.

Each step has two points: a *reminder* to whoever holds it, and the point where it is
*late* and goes to the supervisor. The SOP's "1-3 hours" reads as a reminder at one
hour and late at three; "1 day" as one working day; "1 hour" and "15 minutes" get a
reminder shortly before. Every step visit stores both instants when it is entered, so a
change of settings or of the holiday calendar never moves a deadline already given.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from bot.core.workflow import State
from bot.core.working_time import OfficeCalendar, WorkSpan


@dataclass(frozen=True)
class StepStandard:
    """When a step is reminded and when it is late, counted from its entry."""

    remind: WorkSpan
    late: WorkSpan

    def __post_init__(self) -> None:
        if self.remind > self.late:
            raise ValueError("the reminder must not come after the late point")
        if self.late == WorkSpan():
            raise ValueError("a step needs some time")

    @classmethod
    def parse(cls, text: str) -> StepStandard:
        """``"1h/3h"`` (reminder / late) or ``"3h"`` (both at once)."""
        parts = text.split("/")
        if len(parts) > 2:
            raise ValueError(f"cannot read {text!r} (write reminder/late, e.g. 1h/3h)")
        late = WorkSpan.parse(parts[-1])
        remind = WorkSpan.parse(parts[0]) if len(parts) == 2 else late
        return cls(remind=remind, late=late)

    def __str__(self) -> str:
        return f"{self.remind}/{self.late}"


# The SOP's standards as the README reads them (frozen values, shared safely).
SOP_COLLECTING = StepStandard(WorkSpan(days=1), WorkSpan(days=1, minutes=120))
SOP_SUBMITTED = StepStandard(WorkSpan(minutes=60), WorkSpan(minutes=180))
SOP_EDITING = StepStandard(WorkSpan(minutes=60), WorkSpan(minutes=180))
SOP_REVIEW = StepStandard(WorkSpan(minutes=45), WorkSpan(minutes=60))
SOP_APPROVED = StepStandard(WorkSpan(minutes=10), WorkSpan(minutes=15))


@dataclass(frozen=True)
class TimeStandards:
    """Per step; defaults read the SOP as written in the README ("Working time")."""

    collecting: StepStandard = SOP_COLLECTING
    submitted: StepStandard = SOP_SUBMITTED
    editing: StepStandard = SOP_EDITING
    review: StepStandard = SOP_REVIEW
    approved: StepStandard = SOP_APPROVED

    def for_state(self, state: State) -> StepStandard | None:
        value = getattr(self, state.value, None)
        return value if isinstance(value, StepStandard) else None

    @classmethod
    def steps(cls) -> tuple[State, ...]:
        return tuple(State(field.name) for field in fields(cls))


@dataclass(frozen=True)
class Deadlines:
    remind_at: datetime
    late_at: datetime


class StepClock:
    """The standards applied on the office's calendar."""

    def __init__(self, standards: TimeStandards, calendar: OfficeCalendar) -> None:
        self.standards = standards
        self.calendar = calendar

    def deadlines(self, state: State, entered_at: datetime) -> Deadlines | None:
        """The step's reminder and late instants; None for a state without a standard
        (finished items, and the officer's cancelled drafts)."""
        standard = self.standards.for_state(state)
        if standard is None:
            return None
        return Deadlines(
            remind_at=self.calendar.add(entered_at, standard.remind),
            late_at=self.calendar.add(entered_at, standard.late),
        )

    def left(self, due: datetime, now: datetime) -> timedelta:
        """Working time from now until ``due``; negative once it is past (how late)."""
        return self.calendar.between(now, due)
