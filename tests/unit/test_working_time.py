"""The working-time clock against cases worked out by hand on a calendar.

The default week is the settings' default (Mon-Thu 07:30-16:00, Fri 07:30-16:30, no
break). December 2026: Mon 7, Fri 11, Sat 12; Thu 24 is cuti bersama, Fri 25 Christmas.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.working_time import (
    NoWorkingTime,
    OfficeCalendar,
    WorkSpan,
    office_week,
    parse_week,
)
from bot.shell.config import load_settings
from bot.shell.office_calendar import office_calendar

WIB = ZoneInfo("Asia/Jakarta")
WEEK = "Mon-Thu 07:30-16:00, Fri 07:30-16:30"
HOLIDAYS = {
    date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
    date(2026, 12, 25): "Hari Raya Natal",
}


def at(day: int, clock: str, month: int = 12) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=WIB)


def calendar(
    week: str = WEEK,
    breaks: str = "",
    closed: dict[date, str] | None = None,
    extra_open: tuple[date, ...] = (),
) -> OfficeCalendar:
    return OfficeCalendar(
        WIB, office_week(week, breaks), dict(HOLIDAYS if closed is None else closed), extra_open
    )


ADD_CASES = [
    # (start, span, due, why)
    (at(7, "10:15"), "3h", at(7, "13:15"), "within one day"),
    (at(7, "15:30"), "1h", at(8, "08:00"), "over the evening"),
    (at(11, "15:50"), "1h", at(14, "07:50"), "Friday closes at 16.30, then the weekend"),
    (at(23, "15:50"), "1h", at(28, "08:20"), "cuti bersama, Christmas and a weekend"),
    (at(12, "09:00"), "15m", at(14, "07:45"), "handed in on a Saturday"),
    (at(8, "06:00"), "15m", at(8, "07:45"), "before the office opens"),
    (at(7, "15:00"), "1h", at(7, "16:00"), "ends exactly at closing time"),
    (at(7, "16:00"), "0m", at(8, "07:30"), "nothing to add after closing: the next opening"),
    (at(7, "10:15"), "1d", at(8, "10:15"), "one working day: the same place the next day"),
    (at(10, "10:15"), "1d", at(11, "10:15"), "Thursday to Friday"),
    (at(11, "16:10"), "1d", at(14, "16:00"), "Friday's last hour is past Monday's close"),
    (at(23, "10:15"), "1d", at(28, "10:15"), "a working day across the holidays"),
    (at(7, "10:15"), "1d 2h", at(8, "12:15"), "a day and two hours"),
    (at(7, "15:00"), "1d 2h", at(9, "08:30"), "a day and two hours over an evening"),
    (at(12, "10:00"), "1d", at(15, "07:30"), "a day from a Saturday: opening to opening"),
]


@pytest.mark.parametrize(("start", "span", "due", "why"), ADD_CASES)
def test_add_working_time(start: datetime, span: str, due: datetime, why: str) -> None:
    assert calendar().add(start, WorkSpan.parse(span)) == due, why


def test_add_takes_instants_in_any_zone_and_answers_in_the_office_zone() -> None:
    start = datetime(2026, 12, 7, 3, 15, tzinfo=UTC)  # 10.15 WIB
    due = calendar().add(start, WorkSpan(minutes=180))
    assert due == at(7, "13:15")
    assert due.tzinfo == WIB


def test_a_break_is_not_working_time() -> None:
    office = calendar(breaks="Mon-Thu 12:00-13:00, Fri 11:30-13:00")
    assert office.add(at(7, "11:30"), WorkSpan(minutes=60)) == at(7, "13:30")
    assert office.add(at(11, "11:00"), WorkSpan(minutes=60)) == at(11, "13:30")
    assert office.add(at(7, "12:15"), WorkSpan(minutes=15)) == at(7, "13:15")
    assert office.between(at(7, "11:00"), at(7, "14:00")) == timedelta(hours=2)


def test_days_closed_and_opened_by_the_office() -> None:
    closed = {**HOLIDAYS, date(2026, 12, 8): ""}
    office = calendar(closed=closed, extra_open=(date(2026, 12, 12), date(2026, 12, 24)))
    assert office.add(at(7, "15:30"), WorkSpan(minutes=60)) == at(9, "08:00")
    # A Saturday worked by decree keeps the usual (Monday's) hours.
    assert office.add(at(12, "09:00"), WorkSpan(minutes=15)) == at(12, "09:15")
    assert office.add(at(11, "16:20"), WorkSpan(minutes=20)) == at(12, "07:40")
    # A day of cuti bersama worked after all.
    assert office.is_working_day(date(2026, 12, 24))
    assert not office.is_working_day(date(2026, 12, 25))
    assert office.closed_because(date(2026, 12, 25)) == "Hari Raya Natal"
    assert office.closed_because(date(2026, 12, 24)) is None
    assert office.closed_because(date(2026, 12, 27)) is None  # a Sunday is no holiday


BETWEEN_CASES = [
    (at(7, "10:00"), at(7, "11:20"), 80),
    (at(11, "15:50"), at(14, "07:50"), 60),
    (at(12, "08:00"), at(13, "20:00"), 0),
    (at(23, "15:00"), at(28, "08:00"), 90),
    (at(7, "06:00"), at(7, "18:00"), 510),
    (at(7, "00:00"), at(14, "00:00"), 4 * 510 + 540),
    (at(7, "11:20"), at(7, "10:00"), -80),
]


@pytest.mark.parametrize(("start", "end", "minutes"), BETWEEN_CASES)
def test_working_time_between(start: datetime, end: datetime, minutes: int) -> None:
    assert calendar().between(start, end) == timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [0, 1, 29, 60, 181, 510, 511, 2000, 10_000])
@pytest.mark.parametrize("start", [at(7, "07:30"), at(11, "16:29"), at(23, "12:00")])
def test_between_undoes_add(start: datetime, minutes: int) -> None:
    office = calendar(breaks="Mon-Fri 12:00-12:30")
    due = office.add(start, WorkSpan(minutes=minutes))
    assert office.between(start, due) == timedelta(minutes=minutes)


def test_open_and_next_open() -> None:
    office = calendar()
    assert office.is_open(at(7, "07:30"))
    assert not office.is_open(at(7, "16:00"))
    assert not office.is_open(at(24, "10:00"))
    assert office.next_open(at(7, "09:00")) == at(7, "09:00")
    assert office.next_open(at(23, "16:00")) == at(28, "07:30")
    assert office.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
    assert office.day_opening(date(2026, 12, 26)) is None


def test_a_calendar_with_every_day_closed_says_so() -> None:
    office = OfficeCalendar(WIB, office_week("Mon 08:00-09:00"), ClosedMondays())
    with pytest.raises(NoWorkingTime):
        office.add(at(7, "08:00"), WorkSpan(minutes=1))


class ClosedMondays:
    def get(self, day: date, /) -> str | None:
        return "closed" if day.weekday() == 0 else None


# --- writing the week and the standards ------------------------------------------------


def test_parse_week() -> None:
    week = parse_week("Sen-Kam 07.30-16.00; jum 07:30-11:30, Fri 13:00-16:30, Sat-Mon 20:00-24:00")
    assert week[0][0] == (datetime(1, 1, 1, 7, 30).time(), datetime(1, 1, 1, 16).time())
    assert len(week[4]) == 2
    assert 5 in week and 6 in week and len(week[0]) == 2
    assert 3 in week and 2 in week and 1 in week


@pytest.mark.parametrize(
    "text",
    ["Mon 16:00-07:30", "Funday 07:30-16:00", "Mon 7-16", "Mon 25:00-26:00", "Mon-Fri"],
)
def test_parse_week_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        parse_week(text)


def test_office_week_needs_an_open_day() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        office_week("")


def test_a_period_until_midnight() -> None:
    office = OfficeCalendar(WIB, office_week("Mon-Sun 22:00-24:00"))
    assert office.add(at(7, "23:30"), WorkSpan(minutes=60)) == at(8, "22:30")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("1d", WorkSpan(days=1)),
        ("1d 2h", WorkSpan(days=1, minutes=120)),
        ("45m", WorkSpan(minutes=45)),
        ("3h", WorkSpan(minutes=180)),
        ("1 hari 2 jam", WorkSpan(days=1, minutes=120)),
        ("1j30mnt", WorkSpan(minutes=90)),
        ("90", WorkSpan(minutes=90)),
        (" 2H ", WorkSpan(minutes=120)),
    ],
)
def test_work_span_parse(text: str, span: WorkSpan) -> None:
    assert WorkSpan.parse(text) == span
    assert WorkSpan.parse(str(span)) == span


@pytest.mark.parametrize("text", ["", "soon", "1x", "1h soon", "-5m", "h"])
def test_work_span_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        WorkSpan.parse(text)


# --- the office's calendar from its settings, with Indonesia's real holidays ------------


def test_office_calendar_from_default_settings_knows_indonesian_holidays() -> None:
    office = office_calendar(load_settings())
    # The case: Friday 29 May 2026 at 15.50, an hour to go; Monday 1 June is
    # Hari Lahir Pancasila, so the last 20 minutes are on Tuesday.
    due = office.add(at(29, "15:50", month=5), WorkSpan(minutes=60))
    assert due == at(2, "07:50", month=6)
    assert office.closed_because(date(2026, 6, 1)) == "Hari Lahir Pancasila"
    # Collective leave (the "government" category) closes the office too.
    assert office.closed_because(date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
    # Years are filled in as asked for.
    assert not office.is_working_day(date(2031, 8, 17))


def test_office_calendar_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_HOLIDAYS", "public")
    monkeypatch.setenv("WARTA_CLOSED_DAYS", "2026-12-08, 2026-12-09")
    monkeypatch.setenv("WARTA_WORKING_DAYS", "2026-12-12")
    monkeypatch.setenv("WARTA_OFFICE_BREAK", "Mon-Fri 12:00-13:00")
    office = office_calendar(load_settings())
    assert office.is_working_day(date(2026, 12, 24))  # cuti bersama not taken
    assert office.closed_because(date(2026, 12, 8)) == ""
    assert not office.is_working_day(date(2026, 12, 9))
    assert office.is_working_day(date(2026, 12, 12))
    assert office.add(at(7, "11:30"), WorkSpan(minutes=60)) == at(7, "13:30")


def test_no_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_HOLIDAYS", "none")
    office = office_calendar(load_settings())
    assert office.is_working_day(date(2026, 12, 25))
