"""The monthly report's figures against the hand-computed month in ``report_month``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.months import Month
from bot.core.report import LateVisit, MonthlyReport, Outcome, TargetFigures, monthly_report
from bot.core.standards import TimeStandards
from bot.core.workflow import State
from tests.unit.report_month import CALENDAR, ITEMS, WIB, at

NOVEMBER = Month(2026, 11)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def november(now_month: int = 12, now_day: int = 7, clock: str = "09:00") -> MonthlyReport:
    return monthly_report(
        NOVEMBER,
        ITEMS,
        calendar=CALENDAR,
        standards=TimeStandards(),
        now=at(now_month, now_day, clock),
    )


def test_items_of_the_month_by_section_and_outcome() -> None:
    report = november()
    # 0003 was handed over in October: its takedown is reported, not counted here.
    assert [(s.section, s.total) for s in report.sections] == [
        ("Ketenagakerjaan", 1),
        ("Perizinan", 3),
        (None, 1),
    ]
    perizinan = report.sections[1].counts
    assert perizinan[Outcome.PUBLISHED] == 2 and perizinan[Outcome.REJECTED] == 1
    assert report.sections[0].counts[Outcome.WITHDRAWN] == 1
    assert report.sections[2].counts[Outcome.IN_PROGRESS] == 1
    assert report.outcomes == {
        Outcome.PUBLISHED: 2,
        Outcome.TAKEN_DOWN: 0,
        Outcome.REJECTED: 1,
        Outcome.WITHDRAWN: 1,
        Outcome.IN_PROGRESS: 1,
    }
    assert report.handed_over == 5
    assert report.complete and report.cutoff == at(12, 1, "00:00")


def test_step_times_in_working_time() -> None:
    steps = {figures.state: figures for figures in november().steps}
    # Collecting: 30 min (0006), 60 min five times (0002's second visit runs Monday
    # 15.30 to Wednesday 08.00 across the holiday: 30 + 30 min), 420 min (0005: Monday
    # 09.30-16.00 and Tuesday 07.30-08.00), all within a day and two hours.
    collecting = steps[State.COLLECTING]
    assert (collecting.visits, collecting.within) == (7, 7)
    assert (collecting.median, collecting.p90) == (minutes(60), minutes(420))
    # Handed over: 30 min four times and 0001's 330 (Friday 10.00-15.30); 0004 is still
    # waiting, so it has no length yet.
    submitted = steps[State.SUBMITTED]
    assert (submitted.visits, submitted.within) == (5, 4)
    assert (submitted.median, submitted.p90) == (minutes(30), minutes(330))
    assert submitted.share_within == pytest.approx(0.8)
    # Editing: 0001 across the weekend (Friday 15.30-16.30 and Monday 07.30-08.30).
    editing = steps[State.EDITING]
    assert (editing.visits, editing.within, editing.median, editing.p90) == (
        3,
        3,
        minutes(90),
        minutes(120),
    )
    review = steps[State.REVIEW]
    assert (review.visits, review.within, review.median, review.p90) == (
        3,
        2,
        minutes(30),
        minutes(120),
    )
    # The publisher: 10 min to publish 0001, 5 min to schedule 0006 (its wait for the
    # chosen time is not the publisher's).
    approved = steps[State.APPROVED]
    assert (approved.visits, approved.within, approved.median, approved.p90) == (
        2,
        2,
        minutes(7.5),
        minutes(10),
    )
    assert str(approved.standard) == "15m"


def test_late_visits_with_holder_and_how_late() -> None:
    assert november().late == (
        LateVisit(
            "PKP-2026-0004",
            "Rapat koordinasi",
            State.SUBMITTED,
            None,
            None,
            due=at(11, 30, "12:00"),
            late_by=minutes(240),
            still_open=True,
        ),
        LateVisit(
            "PKP-2026-0001",
            "Pelayanan izin keliling",
            State.SUBMITTED,
            "Budi",
            "it",
            due=at(11, 6, "13:00"),
            late_by=minutes(150),
            still_open=False,
        ),
        LateVisit(
            "PKP-2026-0002",
            "Sosialisasi OSS",
            State.REVIEW,
            "Ibu Sari",
            "official",
            due=at(11, 11, "11:00"),
            late_by=minutes(60),
            still_open=False,
        ),
    )


def test_reminders_and_escalations_of_the_month_only() -> None:
    report = november()
    # 0004's reminder on 1 December belongs to December.
    assert (report.reminders, report.reminded_items) == (2, 2)
    assert (report.escalations, report.escalated_items) == (2, 2)


def test_publication_per_target() -> None:
    assert november().targets == (
        TargetFigures("channel", decided=1, on_time=0, late=1, retried=1, failed=0, taken_down=0),
        TargetFigures("site", decided=2, on_time=2, late=0, retried=0, failed=0, taken_down=1),
        TargetFigures("webhook", decided=1, on_time=0, late=0, retried=1, failed=1, taken_down=0),
    )


def test_rejections_and_takedowns_with_reasons() -> None:
    decisions = november().decisions
    assert [(d.code, d.action, d.by, d.reason) for d in decisions] == [
        ("PKP-2026-0002", "reject", "Ibu Sari", "Tidak sesuai"),
        ("PKP-2026-0003", "unpublish", "Ibu Sari", "Data keliru"),
    ]


def test_a_running_month_stops_at_now() -> None:
    report = november(11, 11, "11:30")
    assert not report.complete and report.cutoff == at(11, 11, "11:30")
    # 0002 is with the official since 10.00, late since 11.00: 30 minutes so far.
    assert [(v.code, v.state, v.late_by, v.still_open) for v in report.late] == [
        ("PKP-2026-0001", State.SUBMITTED, minutes(150), False),
        ("PKP-2026-0002", State.REVIEW, minutes(30), True),
    ]
    assert report.outcomes[Outcome.IN_PROGRESS] == 1  # 0002, not yet rejected
    assert [d.code for d in report.decisions] == []


def test_a_month_without_items() -> None:
    report = monthly_report(
        Month(2026, 8), ITEMS, calendar=CALENDAR, standards=TimeStandards(), now=at(12, 7, "09:00")
    )
    assert report.handed_over == 0 and report.late == () and report.targets == ()
    assert all(step.visits == 0 and step.median is None for step in report.steps)
    assert report.steps[0].share_within is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11", Month(2026, 11)), (" 2026-1 ", Month(2026, 1)), ("2026-12", Month(2026, 12))],
)
def test_month_reads(text: str, expected: Month) -> None:
    assert Month.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "November", "26-11", "2026/11", ""])
def test_month_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        Month.parse(text)


def test_month_bounds_and_neighbours() -> None:
    start, end = Month(2026, 12).bounds(WIB)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+07:00",
        "2027-01-01T00:00:00+07:00",
    )
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert str(Month(2026, 12).next()) == "2027-01"
    assert Month.of(at(12, 1, "06:59"), WIB) == Month(2026, 12)
