"""The monthly report as labelled tables and a short chat summary (pure).

One set of tables feeds every format: the PDF prints them, the spreadsheet gives each
its own sheet. Cells keep their kind (a number, a length of working time, an instant),
so the spreadsheet can sum and sort them while the PDF writes them as words; every
label comes from the catalogs, in the reader's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.core import timefmt
from bot.core.i18n import Translator
from bot.core.months import Month
from bot.core.report import Decision, LateVisit, MonthlyReport, Outcome, StepFigures

Cell = str | int | float | timedelta | datetime | None


@dataclass(frozen=True)
class Table:
    key: str  # short and stable: the spreadsheet's sheet name comes from its title
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Column widths relative to each other, for the PDF.
    widths: tuple[int, ...] = ()
    note: str | None = None


def month_name_of(month: Month, t: Translator, language: str) -> str:
    """``November 2026`` in the reader's language."""
    return t(f"report.month.{month.month}", language) + f" {month.year}"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class ReportTables:
    """The tables of one report, for one reader's language and the office's zone."""

    def __init__(self, report: MonthlyReport, t: Translator, language: str, zone: ZoneInfo):
        self.report = report
        self._t = t
        self._language = self.language = language
        self.zone = zone

    def month_label(self) -> str:
        return month_name_of(self.report.month, self._t, self._language)

    def t(self, key: str, **params: object) -> str:
        return self._t(key, self._language, **params)

    def duration(self, delta: timedelta | None) -> str:
        """Working time in hours and minutes: a working day is not 24 hours, so the
        report never turns hours into days."""
        if delta is None:
            return "—"
        minutes = max(0, math.ceil(delta.total_seconds() / 60))
        hours, rest = divmod(minutes, 60)
        parts = [self.t("time.hours", n=hours)] if hours else []
        if rest or not parts:
            parts.append(self.t("time.minutes", n=rest))
        return " ".join(parts)

    def standard(self, step: StepFigures) -> str:
        """A standard as the SOP states it: working days, then hours and minutes."""
        days = [self.t("time.days", n=step.standard.days)] if step.standard.days else []
        rest = timedelta(minutes=step.standard.minutes)
        return " ".join([*days, self.duration(rest)] if rest or not days else days)

    def all(self) -> tuple[Table, ...]:
        return (
            self.sections(),
            self.steps(),
            self.late(),
            self.reminders(),
            self.targets(),
            self.decisions(),
        )

    def sections(self) -> Table:
        outcomes = self.report.outcomes
        rows: list[tuple[Cell, ...]] = [
            (
                section.section or self.t("report.no_section"),
                *(section.counts[outcome] for outcome in Outcome),
                section.total,
            )
            for section in self.report.sections
        ]
        rows.append(
            (
                self.t("report.total"),
                *(outcomes[outcome] for outcome in Outcome),
                self.report.handed_over,
            )
        )
        return Table(
            "sections",
            self.t("report.table.sections"),
            (
                self.t("report.col.section"),
                *(self.t(f"report.outcome.{outcome.value}") for outcome in Outcome),
                self.t("report.col.total"),
            ),
            tuple(rows),
            widths=(5, 2, 2, 2, 2, 2, 2),
            note=self.t("report.note.sections"),
        )

    def step_label(self, step: StepFigures) -> str:
        return self.t(f"report.step.{step.state.value}")

    def steps(self) -> Table:
        return Table(
            "steps",
            self.t("report.table.steps"),
            (
                self.t("report.col.step"),
                self.t("report.col.standard"),
                self.t("report.col.visits"),
                self.t("report.col.median"),
                self.t("report.col.p90"),
                self.t("report.col.within"),
                self.t("report.col.share"),
            ),
            tuple(
                (
                    self.step_label(step),
                    self.standard(step),
                    step.visits,
                    step.median,
                    step.p90,
                    step.within,
                    step.share_within,
                )
                for step in self.report.steps
            ),
            widths=(5, 2, 2, 2, 2, 2, 2),
            note=self.t("report.note.steps"),
        )

    def late_row(self, visit: LateVisit) -> tuple[Cell, ...]:
        if visit.still_open:
            holder = self.t("report.holder_open", step=self.t(f"report.step.{visit.state.value}"))
        else:
            role = self.t(f"role.{visit.holder_role}") if visit.holder_role else ""
            holder = f"{visit.holder_name or '—'} ({role})" if role else visit.holder_name or "—"
        return (
            visit.code,
            visit.title,
            self.t(f"report.step.{visit.state.value}"),
            holder,
            visit.due,
            visit.late_by,
        )

    def late(self) -> Table:
        return Table(
            "late",
            self.t("report.table.late"),
            (
                self.t("report.col.code"),
                self.t("report.col.title"),
                self.t("report.col.step"),
                self.t("report.col.holder"),
                self.t("report.col.due"),
                self.t("report.col.late_by"),
            ),
            tuple(self.late_row(visit) for visit in self.report.late),
            widths=(3, 4, 4, 4, 3, 3),
        )

    def reminders(self) -> Table:
        report = self.report
        return Table(
            "reminders",
            self.t("report.table.reminders"),
            (self.t("report.col.kind"), self.t("report.col.sent"), self.t("report.col.items")),
            (
                (self.t("report.reminders"), report.reminders, report.reminded_items),
                (self.t("report.escalations"), report.escalations, report.escalated_items),
            ),
            widths=(5, 2, 2),
        )

    def targets(self) -> Table:
        return Table(
            "targets",
            self.t("report.table.targets"),
            (
                self.t("report.col.target"),
                self.t("report.col.decided"),
                self.t("report.col.on_time"),
                self.t("report.col.late"),
                self.t("report.col.retried"),
                self.t("report.col.failed"),
                self.t("report.col.taken_down"),
            ),
            tuple(
                (
                    self.targets_label(target.target),
                    target.decided,
                    target.on_time,
                    target.late,
                    target.retried,
                    target.failed,
                    target.taken_down,
                )
                for target in self.report.targets
            ),
            widths=(4, 2, 2, 2, 2, 2, 2),
            note=self.t("report.note.targets"),
        )

    def decision_row(self, decision: Decision) -> tuple[Cell, ...]:
        return (
            decision.at,
            decision.code,
            decision.title,
            self.t(f"event.{decision.action}"),
            decision.by or "—",
            decision.reason or "—",
        )

    def decisions(self) -> Table:
        return Table(
            "decisions",
            self.t("report.table.decisions"),
            (
                self.t("report.col.when"),
                self.t("report.col.code"),
                self.t("report.col.title"),
                self.t("report.col.decision"),
                self.t("report.col.by"),
                self.t("report.col.reason"),
            ),
            tuple(self.decision_row(decision) for decision in self.report.decisions),
            widths=(3, 3, 4, 3, 3, 5),
        )

    # The chat's short summary

    def summary(self) -> str:
        report = self.report
        outcomes = report.outcomes
        lines = [
            self.t(
                "report.summary.title",
                month=escape(self.month_label()),
            ),
        ]
        if not report.complete:
            lines.append(
                self.t(
                    "report.summary.running",
                    until=escape(timefmt.full(report.cutoff, self.zone, self._language)),
                )
            )
        lines.append(
            self.t(
                "report.summary.items",
                total=report.handed_over,
                published=outcomes[Outcome.PUBLISHED],
                rejected=outcomes[Outcome.REJECTED],
                withdrawn=outcomes[Outcome.WITHDRAWN],
                taken_down=outcomes[Outcome.TAKEN_DOWN],
                open=outcomes[Outcome.IN_PROGRESS],
            )
        )
        for step in report.steps:
            if not step.visits:
                continue
            lines.append(
                self.t(
                    "report.summary.step",
                    step=escape(self.step_label(step)),
                    median=self.duration(step.median),
                    p90=self.duration(step.p90),
                    within=step.within,
                    visits=step.visits,
                    standard=self.standard(step),
                )
            )
        lines.append(
            self.t(
                "report.summary.late",
                late=len(report.late),
                reminders=report.reminders,
                escalations=report.escalations,
            )
        )
        for target in report.targets:
            lines.append(
                self.t(
                    "report.summary.target",
                    target=escape(self.targets_label(target.target)),
                    on_time=target.on_time,
                    decided=target.decided,
                    failed=target.failed,
                    taken_down=target.taken_down,
                )
            )
        return "\n".join(lines)

    def targets_label(self, name: str) -> str:
        key = f"target.{name}"
        return self.t(key) if self._t.has(key) else name
