"""Working time: the office's clock for the SOP's time standards.

The SOP's standards ("1 day", "1-3 hours", "1 hour", "15 minutes") count the office's
working time: its days and hours in its own time zone, without weekends, public
holidays and collective leave (cuti bersama). A step entered on Friday at 15.50 with an
hour to go is therefore due early on the next working day, not on Saturday.

Pure: the calendar is built from plain values (weekly hours, the closed days as a
look-up), so the arithmetic is tested against hand-computed cases without a clock or a
holiday library; :mod:`bot.shell.office_calendar` builds the office's own from its settings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# A calendar without a single open hour within this many days is a configuration
# mistake, reported instead of looping for ever.
SEARCH_DAYS = 5 * 366

Period = tuple[time, time]
# Opening periods per weekday (Monday 0 ... Sunday 6), breaks already taken out.
WeeklyHours = Mapping[int, tuple[Period, ...]]


class NoWorkingTime(ValueError):
    """The calendar has no open hour ahead (every day closed)."""


class ClosedDays(Protocol):
    """The days the office is shut although its week says open, with their names."""

    def get(self, day: date, /) -> str | None: ...


class NoClosedDays:
    def get(self, day: date, /) -> str | None:
        return None


# --- standards written as text: "1d 2h", "45m", "1 hari 2 jam" --------------------------

_UNITS = {
    "d": "days",
    "hari": "days",
    "h": "hours",
    "j": "hours",
    "jam": "hours",
    "m": "minutes",
    "mnt": "minutes",
    "min": "minutes",
    "menit": "minutes",
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")


@dataclass(frozen=True, order=True)
class WorkSpan:
    """A length of working time: whole working days, then working minutes.

    A working day moves an instant to the same place in the next working day (handed
    in at 10.15, due 10.15 the next working day), whatever the length of either day;
    minutes count only open minutes.
    """

    days: int = 0
    minutes: int = 0

    def __post_init__(self) -> None:
        if self.days < 0 or self.minutes < 0:
            raise ValueError("a time standard cannot be negative")

    @classmethod
    def parse(cls, text: str) -> WorkSpan:
        """``"1d 2h"``, ``"45m"``, ``"3h"``, ``"1 hari 2 jam"``, ``"90"`` (minutes)."""
        cleaned = text.strip().lower()
        if cleaned.isdigit():
            return cls(minutes=int(cleaned))
        amounts = {"days": 0, "hours": 0, "minutes": 0}
        position = 0
        for match in _PART.finditer(cleaned):
            if cleaned[position : match.start()].strip():
                break
            unit = _UNITS.get(match.group(2))
            if unit is None:
                raise ValueError(f"unknown unit {match.group(2)!r} (use d, h or m)")
            amounts[unit] += int(match.group(1))
            position = match.end()
        if not cleaned or cleaned[position:].strip() or position == 0:
            raise ValueError(f"cannot read {text!r} as a duration (write e.g. 1d 2h, 3h, 45m)")
        return cls(days=amounts["days"], minutes=amounts["hours"] * 60 + amounts["minutes"])

    def __str__(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        parts = [f"{self.days}d"] if self.days else []
        parts += [f"{hours}h"] if hours else []
        parts += [f"{minutes}m"] if minutes or not parts else []
        return " ".join(parts)


# --- the office week written as text: "Mon-Thu 07:30-16:00, Fri 07:30-16:30" ------------

_DAY_NAMES = {
    name: index
    for names in (
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ("sen", "sel", "rab", "kam", "jum", "sab", "min"),
    )
    for index, name in enumerate(names)
}
_ENTRY = re.compile(
    r"^\s*(?P<first>[a-z]+)(?:\s*-\s*(?P<last>[a-z]+))?\s+"
    r"(?P<start>\d{1,2}[:.]\d{2})\s*-\s*(?P<end>\d{1,2}[:.]\d{2})\s*$"
)


def _weekday(name: str) -> int:
    index = _DAY_NAMES.get(name[:3])
    if index is None:
        raise ValueError(f"unknown day {name!r} (use Mon..Sun or Sen..Min)")
    return index


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in re.split(r"[:.]", text))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"{text!r} is not a time of day")
    return time(hours, minutes)


def parse_week(text: str) -> dict[int, list[Period]]:
    """``"Mon-Thu 07:30-16:00, Fri 07:30-16:30"`` → periods per weekday.

    Entries are separated by commas or semicolons; a day range may wrap (``Sat-Mon``);
    a day may appear in several entries (two periods). Empty text: no periods."""
    week: dict[int, list[Period]] = {}
    for raw in re.split(r"[,;]", text.lower()):
        if not raw.strip():
            continue
        match = _ENTRY.match(raw)
        if match is None:
            raise ValueError(f"cannot read {raw.strip()!r} (write e.g. Mon-Thu 07:30-16:00)")
        first = _weekday(match["first"])
        last = _weekday(match["last"]) if match["last"] else first
        start, end = _clock(match["start"]), _clock(match["end"])
        if end <= start:
            raise ValueError(f"{raw.strip()!r}: the end must come after the start")
        day = first
        while True:
            week.setdefault(day, []).append((start, end))
            if day == last:
                break
            day = (day + 1) % 7
    return week


def _without(periods: Sequence[Period], breaks: Sequence[Period]) -> tuple[Period, ...]:
    """The opening periods with the breaks cut out, merged and in order."""
    result: list[Period] = []
    for start, end in sorted(periods):
        pieces = [(start, end)]
        for pause_start, pause_end in breaks:
            cut: list[Period] = []
            for piece_start, piece_end in pieces:
                if pause_end <= piece_start or pause_start >= piece_end:
                    cut.append((piece_start, piece_end))
                    continue
                if piece_start < pause_start:
                    cut.append((piece_start, pause_start))
                if pause_end < piece_end:
                    cut.append((pause_end, piece_end))
            pieces = cut
        for piece in pieces:
            if result and piece[0] <= result[-1][1]:
                result[-1] = (result[-1][0], max(result[-1][1], piece[1]))
            else:
                result.append(piece)
    return tuple(result)


def office_week(hours: str, breaks: str = "") -> dict[int, tuple[Period, ...]]:
    """The weekly hours from their two settings; every weekday has an entry."""
    opening = parse_week(hours)
    if not opening:
        raise ValueError("the office must be open on at least one day of the week")
    pauses = parse_week(breaks)
    return {day: _without(opening.get(day, []), pauses.get(day, [])) for day in range(7)}


# --- the calendar -----------------------------------------------------------------------


class OfficeCalendar:
    """The office's open periods and the arithmetic of working time over them.

    Instants given may be in any zone; instants returned are in the office's zone.
    """

    def __init__(
        self,
        zone: ZoneInfo,
        week: WeeklyHours,
        closed: ClosedDays | None = None,
        extra_open: Collection[date] = (),
    ) -> None:
        self.zone = zone
        self._week = {day: tuple(week.get(day, ())) for day in range(7)}
        if not any(self._week.values()):
            raise ValueError("the office must be open on at least one day of the week")
        self._closed = closed or NoClosedDays()
        self._extra_open = frozenset(extra_open)
        # An extra working day on a day the week keeps shut (a Saturday worked to make
        # up for cuti bersama) has the hours of the office's first open weekday.
        self._usual = next(periods for periods in self._week.values() if periods)
        self._periods: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    # What a day is

    def closed_because(self, day: date) -> str | None:
        """The holiday's name when the office is shut on a day its week opens."""
        if day in self._extra_open or not self._week[day.weekday()]:
            return None
        return self._closed.get(day)

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods(day))

    def periods(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's open periods as instants in the office's zone."""
        known = self._periods.get(day)
        if known is not None:
            return known
        if day in self._extra_open:
            hours = self._week[day.weekday()] or self._usual
        elif self._closed.get(day) is not None:
            hours = ()
        else:
            hours = self._week[day.weekday()]
        found = tuple((self._at(day, start), self._at(day, end)) for start, end in hours)
        if len(self._periods) > 4096:  # a long-running bot walks forward in time
            self._periods.clear()
        self._periods[day] = found
        return found

    def _at(self, day: date, moment: time) -> datetime:
        if moment == time.max:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        return datetime.combine(day, moment, tzinfo=self.zone)

    def _days_from(self, day: date) -> Iterator[date]:
        for offset in range(SEARCH_DAYS):
            yield day + timedelta(days=offset)
        raise NoWorkingTime("the office calendar has no open hour in the next five years")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    # Instants

    def is_open(self, moment: datetime) -> bool:
        at = self.local(moment)
        return any(start <= at < end for start, end in self.periods(at.date()))

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` itself when the office is open then, else its next opening."""
        at = self.local(moment)
        for day in self._days_from(at.date()):
            for start, end in self.periods(day):
                if at < end:
                    return max(start, at)
        raise AssertionError("unreachable")  # pragma: no cover

    def day_opening(self, day: date) -> datetime | None:
        periods = self.periods(day)
        return periods[0][0] if periods else None

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        for candidate in self._days_from(day + timedelta(days=1)):
            if self.periods(candidate):
                return candidate
        raise AssertionError("unreachable")  # pragma: no cover

    # Arithmetic

    def add(self, start: datetime, span: WorkSpan) -> datetime:
        """The instant ``span`` of working time after ``start``.

        Counting begins at the next opening when ``start`` falls outside the office's
        hours; an instant that uses up a period exactly is that period's end (due at
        16.00, not at the next morning's opening)."""
        at = self.next_open(start)
        for _ in range(span.days):
            at = self._same_place_next_day(at)
        if not span.minutes:
            return at  # a shorter next day may end the span at its close
        return self._add_minutes(at, timedelta(minutes=span.minutes))

    def _same_place_next_day(self, at: datetime) -> datetime:
        done = self._worked_today(at)
        day = self.next_working_day(at.date())
        for start, end in self.periods(day):
            if start + done <= end:
                return start + done
            done -= end - start
        return self.periods(day)[-1][1]  # a shorter day: due at its close

    def _worked_today(self, at: datetime) -> timedelta:
        worked = timedelta(0)
        for start, end in self.periods(at.date()):
            if at <= start:
                break
            worked += min(at, end) - start
        return worked

    def _add_minutes(self, at: datetime, remaining: timedelta) -> datetime:
        for day in self._days_from(at.date()):
            for start, end in self.periods(day):
                if end <= at:
                    continue
                begin = max(start, at)
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end``; negative when ``end`` comes first."""
        if end < start:
            return -self.between(end, start)
        first, last = self.local(start), self.local(end)
        total = timedelta(0)
        day = first.date()
        while day <= last.date():
            for open_at, close_at in self.periods(day):
                low, high = max(open_at, first), min(close_at, last)
                if low < high:
                    total += high - low
            day += timedelta(days=1)
        return total
