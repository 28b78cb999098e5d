"""The month's supervision report, computed from the history (pure).

The SOP's record keeping asks that the office can show, for any month, what was handed
over, what became of it, whether each step kept its time standard, and what reached the
public. Everything here is read off the append-only history (the events) and the
publication rows, as they stood at the report's *cut-off*: the end of the month, or now
while the month runs. A report made again later therefore shows the same figures, which
is what an archive needs.

The rules, in one place:

- **Items of the month** are those first handed over (``submit``) in the month; their
  outcome is their state at the cut-off.
- A **step visit** runs from entering a state until leaving it. The publisher's step
  (approved) ends when they decide: publish, hold, or schedule for later. A visit
  counts for the month its decision falls in, and its length is working time.
- A visit is **late** when its decision came after the step's late point (or had not
  come at the cut-off); it is listed in the month the late point falls in, so each late
  visit is listed once.
- A **target** counts for the month its publication was decided in; it is *on time*
  when the target had the post within the publisher's standard (15 minutes) of that
  decision.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.months import Month
from bot.core.report_records import HistoryEvent, ItemRecord
from bot.core.standards import TimeStandards
from bot.core.workflow import Action, State
from bot.core.working_time import OfficeCalendar, WorkSpan

# The steps that have a time standard, in the SOP's order (its steps 1 to 5).
STEPS: tuple[State, ...] = TimeStandards.steps()

# What the reminder sweep writes in the history (``bot.usecases.remind``).
REMINDED = "step_reminded"
ESCALATED = "step_escalated"
# What the outbox writes when a target has the post, or no longer has it.
TARGET_PUBLISHED = "target_published"
TARGET_REMOVED = "target_removed"


class Outcome(StrEnum):
    PUBLISHED = "published"
    TAKEN_DOWN = "taken_down"
    REJECTED = "rejected"  # by the official, or held back by the publisher
    WITHDRAWN = "withdrawn"
    IN_PROGRESS = "in_progress"


_OUTCOME_OF_STATE = {
    State.PUBLISHED: Outcome.PUBLISHED,
    State.UNPUBLISHED: Outcome.TAKEN_DOWN,
    State.REJECTED: Outcome.REJECTED,
    State.WITHDRAWN: Outcome.WITHDRAWN,
}


# --- what the report says -------------------------------------------------------------


@dataclass(frozen=True)
class SectionCounts:
    section: str | None  # None: officers without a section
    counts: dict[Outcome, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StepFigures:
    state: State
    standard: WorkSpan
    visits: int
    within: int
    median: timedelta | None
    p90: timedelta | None

    @property
    def share_within(self) -> float | None:
        return self.within / self.visits if self.visits else None


@dataclass(frozen=True)
class LateVisit:
    code: str
    title: str
    state: State
    # Who ended the visit (None while it is still open: the step's team holds it).
    holder_name: str | None
    holder_role: str | None
    due: datetime
    late_by: timedelta
    still_open: bool


@dataclass(frozen=True)
class TargetFigures:
    target: str
    decided: int
    on_time: int
    late: int
    retried: int
    failed: int
    taken_down: int


@dataclass(frozen=True)
class Decision:
    """A rejection, a hold or a takedown, with who made it and why."""

    code: str
    title: str
    action: str
    at: datetime
    by: str | None
    reason: str | None


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    cutoff: datetime
    complete: bool  # False while the month is still running
    sections: tuple[SectionCounts, ...]
    steps: tuple[StepFigures, ...]
    late: tuple[LateVisit, ...]
    reminders: int
    reminded_items: int
    escalations: int
    escalated_items: int
    targets: tuple[TargetFigures, ...]
    decisions: tuple[Decision, ...] = field(default=())

    @property
    def outcomes(self) -> dict[Outcome, int]:
        totals: Counter[Outcome] = Counter()
        for section in self.sections:
            totals.update(section.counts)
        return {outcome: totals[outcome] for outcome in Outcome}

    @property
    def handed_over(self) -> int:
        return sum(section.total for section in self.sections)


# --- the arithmetic -------------------------------------------------------------------


@dataclass(frozen=True)
class _Visit:
    state: State
    entered: datetime
    decided: datetime | None  # when the holder decided (None: open at the cut-off)
    ended_by: HistoryEvent | None


def _visits(item: ItemRecord, cutoff: datetime) -> list[_Visit]:
    visits: list[_Visit] = []
    state, entered, scheduled = State.COLLECTING, item.created_at, None
    for event in item.events:
        if event.at >= cutoff:
            break
        if event.action == Action.SCHEDULE.value and scheduled is None:
            scheduled = event  # the publisher decided: "later", at a chosen time
        if not event.moves:
            continue
        ender = scheduled or event
        visits.append(_Visit(state, entered, ender.at, ender))
        state, entered, scheduled = State(str(event.to_state)), event.at, None
    visits.append(_Visit(state, entered, scheduled.at if scheduled else None, scheduled))
    return visits


def _state_at(item: ItemRecord, cutoff: datetime) -> State:
    state = State.COLLECTING
    for event in item.events:
        if event.at >= cutoff:
            break
        if event.moves:
            state = State(str(event.to_state))
    return state


def _first(item: ItemRecord, action: str) -> HistoryEvent | None:
    return next((event for event in item.events if event.action == action), None)


def _median(values: Sequence[timedelta]) -> timedelta:
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _p90(values: Sequence[timedelta]) -> timedelta:
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _target_of(event: HistoryEvent) -> str:
    return (event.note or "").split(" ", 1)[0]


class _Month:
    """One month's window on the history."""

    def __init__(self, month: Month, calendar: OfficeCalendar, now: datetime) -> None:
        self.start, end = month.bounds(calendar.zone)
        self.cutoff = min(end, now)
        self.complete = now >= end

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.cutoff


def monthly_report(
    month: Month,
    items: Iterable[ItemRecord],
    *,
    calendar: OfficeCalendar,
    standards: TimeStandards,
    now: datetime,
) -> MonthlyReport:
    """The month's figures from the records of every item that was open in it."""
    window = _Month(month, calendar, now)
    by_section: dict[str | None, Counter[Outcome]] = defaultdict(Counter)
    lengths: dict[State, list[timedelta]] = {state: [] for state in STEPS}
    within: Counter[State] = Counter()
    late: list[LateVisit] = []
    reminders: Counter[int] = Counter()
    escalations: Counter[int] = Counter()
    targets: dict[str, Counter[str]] = defaultdict(Counter)
    decisions: list[Decision] = []
    publisher_standard = standards.approved.late

    for item in items:
        submitted = _first(item, Action.SUBMIT.value)
        if submitted is not None and window.holds(submitted.at):
            outcome = _OUTCOME_OF_STATE.get(_state_at(item, window.cutoff), Outcome.IN_PROGRESS)
            by_section[item.section][outcome] += 1

        for visit in _visits(item, window.cutoff):
            standard = standards.for_state(visit.state)
            if standard is None:
                continue
            due = calendar.add(visit.entered, standard.late)
            if window.holds(visit.decided):
                assert visit.decided is not None
                lengths[visit.state].append(calendar.between(visit.entered, visit.decided))
                if visit.decided <= due:
                    within[visit.state] += 1
            if window.holds(due) and (visit.decided is None or visit.decided > due):
                ender = visit.ended_by
                late.append(
                    LateVisit(
                        code=item.code,
                        title=item.label,
                        state=visit.state,
                        holder_name=ender.actor_name if ender else None,
                        holder_role=ender.actor_role if ender else None,
                        due=due,
                        late_by=calendar.between(due, visit.decided or window.cutoff),
                        still_open=visit.decided is None,
                    )
                )

        published_at: dict[str, datetime] = {}
        for event in item.events:
            if event.at >= window.cutoff:
                break
            if event.action == TARGET_PUBLISHED:
                published_at.setdefault(_target_of(event), event.at)
            if not window.holds(event.at):
                continue
            if event.action == REMINDED:
                reminders[item.item_id] += 1
            elif event.action == ESCALATED:
                escalations[item.item_id] += 1
            elif event.action == TARGET_REMOVED:
                targets[_target_of(event)]["taken_down"] += 1
            elif event.action in (Action.REJECT, Action.HOLD, Action.UNPUBLISH):
                decisions.append(
                    Decision(
                        item.code, item.label, event.action, event.at, event.actor_name, event.note
                    )
                )
        for publication in item.publications:
            if not window.holds(publication.created_at):
                continue
            tally = targets[publication.target]
            tally["decided"] += 1
            reached = published_at.get(publication.target)
            if reached is None:
                tally["failed"] += 1
            elif reached <= calendar.add(publication.created_at, publisher_standard):
                tally["on_time"] += 1
            else:
                tally["late"] += 1
            if publication.attempts > 1:
                tally["retried"] += 1

    return MonthlyReport(
        month=month,
        cutoff=window.cutoff,
        complete=window.complete,
        sections=tuple(
            SectionCounts(section, {outcome: counts[outcome] for outcome in Outcome})
            for section, counts in sorted(
                by_section.items(), key=lambda pair: (pair[0] is None, pair[0] or "")
            )
        ),
        steps=tuple(
            StepFigures(
                state=state,
                standard=standards_for(standards, state),
                visits=len(lengths[state]),
                within=within[state],
                median=_median(lengths[state]) if lengths[state] else None,
                p90=_p90(lengths[state]) if lengths[state] else None,
            )
            for state in STEPS
        ),
        late=tuple(sorted(late, key=lambda visit: (-visit.late_by, visit.due, visit.code))),
        reminders=sum(reminders.values()),
        reminded_items=len(reminders),
        escalations=sum(escalations.values()),
        escalated_items=len(escalations),
        targets=tuple(
            TargetFigures(
                target=name,
                decided=tally["decided"],
                on_time=tally["on_time"],
                late=tally["late"],
                retried=tally["retried"],
                failed=tally["failed"],
                taken_down=tally["taken_down"],
            )
            for name, tally in sorted(targets.items())
        ),
        decisions=tuple(sorted(decisions, key=lambda decision: decision.at)),
    )


def standards_for(standards: TimeStandards, state: State) -> WorkSpan:
    standard = standards.for_state(state)
    assert standard is not None  # STEPS are the states with a standard
    return standard.late
