"""Officials away and their deputies (Plt/Plh): who may act for whom, and for how long.

An official (or an admin for them) records that they are away from one office day to
another, why, and who acts for them. While the absence runs, the deputy may make the
official's moves (approve, reject, ask for changes, take down); the history says "by X
as Plh Y". Pure: storage reads absences as :class:`Away` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.workflow import Role, WorkflowError


class Reason(StrEnum):
    DUTY = "dinas"  # dinas luar: official business elsewhere
    LEAVE = "cuti"
    SICK = "sakit"
    OTHER = "lain"


class Start(StrEnum):
    """The first day away, offered as buttons."""

    TODAY = "0"
    TOMORROW = "1"
    MONDAY = "sen"  # the coming Monday


class Period(StrEnum):
    """How long, offered as buttons, from the first day."""

    ONE_DAY = "1"
    TWO_DAYS = "2"
    WEEK_END = "jum"  # until that week's Friday
    WEEK = "7"


@dataclass(frozen=True)
class Away:
    id: int
    official_id: int
    official_name: str
    deputy_id: int | None
    deputy_name: str | None
    starts_on: date
    ends_on: date
    reason: Reason

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def start_day(today: date, start: Start) -> date:
    """The first day away for a start chosen today."""
    if start is Start.TODAY:
        return today
    if start is Start.TOMORROW:
        return today + timedelta(days=1)
    return today + timedelta(days=7 - today.weekday())


def period_end(first: date, period: Period) -> date:
    """The last day away (included) for a period from ``first``."""
    if period is Period.ONE_DAY:
        return first
    if period is Period.TWO_DAYS:
        return first + timedelta(days=1)
    if period is Period.WEEK_END:
        return first + timedelta(days=(4 - first.weekday()) % 7)
    return first + timedelta(days=6)


def deputy_may_help(error: WorkflowError) -> bool:
    """Whether the move was refused only for want of the official's role, which a
    deputy of an official away has."""
    return error.key == "error.wrong_role" and error.params.get("role") == Role.OFFICIAL.value


def may_record(roles: frozenset[Role], person_id: int, official_id: int) -> bool:
    """An official records their own absence; an admin records anyone's."""
    return Role.ADMIN in roles or (person_id == official_id and Role.OFFICIAL in roles)


def validate(official_id: int, deputy_id: int | None, starts_on: date, ends_on: date) -> None:
    if deputy_id == official_id:
        raise WorkflowError("deputy.self")
    if ends_on < starts_on:
        raise WorkflowError("deputy.bad_period")
