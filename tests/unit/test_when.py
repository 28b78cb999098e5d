"""Reading when a publisher wants an item out: ``bot.core.when``.

Unless a test says otherwise, "now" is Thursday 26 November 2026, 10.15 WIB
(03.15 UTC), and the office is in Jakarta.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import timefmt, when, when_reading
from bot.core.when import QuickChoice, WhenError, parse_when, quick_choices, resolve_quick

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 3, 15, tzinfo=UTC)  # Kamis 26 Nov 2026 10.15 WIB


def at(
    year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = WIB
) -> datetime:
    """A wall-clock time in ``zone`` as the UTC instant ``parse_when`` returns."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def error(
    text: str, now: datetime = NOW, max_ahead: timedelta = when.DEFAULT_MAX_AHEAD
) -> WhenError:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now, WIB, max_ahead=max_ahead)
    return caught.value


# --- formats that work ----------------------------------------------------------------

TODAY_1430 = at(2026, 11, 26, 14, 30)
FRIDAY_0800 = at(2026, 11, 27, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a time alone is today
        ("14.30", TODAY_1430),
        ("14:30", TODAY_1430),
        ("pukul 14.30", TODAY_1430),
        ("Pukul 14.30 WIB", TODAY_1430),
        ("jam 14.30", TODAY_1430),
        ("pkl 14.30", TODAY_1430),
        ("pkl. 14.30", TODAY_1430),
        ("at 14:30", TODAY_1430),
        ("14.30 wib", TODAY_1430),
        ("14.30WIB", TODAY_1430),
        ("14.30.", TODAY_1430),
        ("  PUKUL   14.30   WIB  ", TODAY_1430),
        ("\u00a014.30\t", TODAY_1430),
        ("jam 15", at(2026, 11, 26, 15)),
        ("pukul 1430", TODAY_1430),
        ("2:30 pm", TODAY_1430),
        ("2:30PM", TODAY_1430),
        ("at 3pm", at(2026, 11, 26, 15)),
        ("12pm", at(2026, 11, 26, 12)),
        ("10.16", at(2026, 11, 26, 10, 16)),  # exactly one minute ahead is enough
        ("23.59", at(2026, 11, 26, 23, 59)),
        # days named relative to today
        ("besok 08.00", FRIDAY_0800),
        ("Besok pukul 8.00", FRIDAY_0800),
        ("besok jam 8", FRIDAY_0800),
        ("esok 08.00", FRIDAY_0800),
        ("08.00 besok", FRIDAY_0800),
        ("tomorrow 8:00", FRIDAY_0800),
        ("tomorrow at 8am", FRIDAY_0800),
        ("Tomorrow 8 AM", FRIDAY_0800),
        ("besok 9.05", at(2026, 11, 27, 9, 5)),
        ("besok 00.00", at(2026, 11, 27, 0, 0)),
        ("lusa 10:00", at(2026, 11, 28, 10)),
        ("day after tomorrow 10:00", at(2026, 11, 28, 10)),
        ("hari ini 15.00", at(2026, 11, 26, 15)),
        ("Hari  Ini pukul 15.00", at(2026, 11, 26, 15)),
        ("nanti 15.00", at(2026, 11, 26, 15)),
        ("today 15:00", at(2026, 11, 26, 15)),
        ("today at 3 pm", at(2026, 11, 26, 15)),
        # numeric dates, day first
        ("27/11/2026 08.00", FRIDAY_0800),
        ("27-11-2026 08:00", FRIDAY_0800),
        ("27.11.2026 08.00", FRIDAY_0800),
        ("27/11 08.00", FRIDAY_0800),
        ("27-11 08.00", FRIDAY_0800),
        ("27/11/26 08.00", FRIDAY_0800),
        ("tgl 27/11/2026 pkl 08.00", FRIDAY_0800),
        ("tanggal 27/11 jam 08.00 WIB", FRIDAY_0800),
        ("08.00 27/11/2026", FRIDAY_0800),
        ("1/12 8.00", at(2026, 12, 1, 8)),
        ("01/12/2026 08.00", at(2026, 12, 1, 8)),
        # ISO, year first
        ("2026-11-27 08:00", FRIDAY_0800),
        ("2026-11-27T08:00", FRIDAY_0800),
        ("2026/11/27 08.00", FRIDAY_0800),
        # month names
        ("27 November 2026 08.00", FRIDAY_0800),
        ("27 Nov 08.00", FRIDAY_0800),
        ("27 nov 2026 pukul 08.00", FRIDAY_0800),
        ("27 Nov. 2026 08.00", FRIDAY_0800),
        ("27 Nopember 2026 08.00", FRIDAY_0800),
        ("27 nov 26 08.00", FRIDAY_0800),
        ("November 27, 2026 8:00 am", FRIDAY_0800),
        ("Nov 27th 08:00", FRIDAY_0800),
        ("27th November 2026 at 8am", FRIDAY_0800),
        ("1 Desember 2026 13.00", at(2026, 12, 1, 13)),
        ("1 Dec 2026 13:00", at(2026, 12, 1, 13)),
        # weekday with a date or a relative day, checked for agreement
        ("Jumat, 27 Nov 2026 08.00", FRIDAY_0800),
        ("jumat 27/11 08.00", FRIDAY_0800),
        ("Jum'at, 27 November 2026 pukul 08.00 WIB", FRIDAY_0800),
        ("Jum’at 27/11/2026 08.00", FRIDAY_0800),
        ("hari Jumat, 27 November 2026 pukul 08.00 WIB", FRIDAY_0800),
        ("Jum, 27 Nov 08.00", FRIDAY_0800),
        ("Friday, 27 Nov 2026 08:00", FRIDAY_0800),
        ("Fri 27/11 8am", FRIDAY_0800),
        ("on Friday, November 27 at 8:00", FRIDAY_0800),
        ("besok jumat 08.00", FRIDAY_0800),
        ("Kamis 14.30", TODAY_1430),
        ("hari ini kamis 14.30", TODAY_1430),
        # the part of the day after a 12-hour clock
        ("besok jam 9 pagi", at(2026, 11, 27, 9)),
        ("besok 9 pagi", at(2026, 11, 27, 9)),
        ("jam 4 sore", at(2026, 11, 26, 16)),
        ("Jam 4.30 sore", at(2026, 11, 26, 16, 30)),
        ("4 sore", at(2026, 11, 26, 16)),
        ("nanti sore jam 4", at(2026, 11, 26, 16)),
        ("sore ini jam 5", at(2026, 11, 26, 17)),
        ("jam 1 siang", at(2026, 11, 26, 13)),
        ("jam 12 siang", at(2026, 11, 26, 12)),
        ("jam 11 siang", at(2026, 11, 26, 11)),
        ("jam 6 petang", at(2026, 11, 26, 18)),
        ("jam 7 malam", at(2026, 11, 26, 19)),
        ("malam ini pukul 20.00", at(2026, 11, 26, 20)),
        ("17.00 sore", at(2026, 11, 26, 17)),
        ("besok jam 8 pagi WIB", FRIDAY_0800),
        # a lone number after a named day is the hour
        ("besok 9", at(2026, 11, 27, 9)),
        ("Besok 8", FRIDAY_0800),
        ("Senin 10", at(2026, 11, 30, 10)),
        ("lusa 08.00", at(2026, 11, 28, 8)),
        # a weekday of the coming week (today is Thursday)
        ("senin depan 08.00", at(2026, 11, 30, 8)),
        ("Kamis depan 9", at(2026, 12, 3, 9)),
        ("Jumat depan jam 2 siang", at(2026, 12, 4, 14)),
        ("hari Minggu depan 08.00", at(2026, 12, 6, 8)),
        ("next Friday 10am", at(2026, 12, 4, 10)),
        # a span from now, rounded up to the minute like the quick buttons
        ("2 jam lagi", at(2026, 11, 26, 12, 15)),
        ("1 jam lagi", at(2026, 11, 26, 11, 15)),
        ("sejam lagi", at(2026, 11, 26, 11, 15)),
        ("2jam lagi", at(2026, 11, 26, 12, 15)),
        ("dua jam lagi", at(2026, 11, 26, 12, 15)),
        ("30 menit lagi", at(2026, 11, 26, 10, 45)),
        ("dalam 90 menit", at(2026, 11, 26, 11, 45)),
        ("dalam setengah jam", at(2026, 11, 26, 10, 45)),
        ("1 jam 30 menit lagi", at(2026, 11, 26, 11, 45)),
        ("2 jam", at(2026, 11, 26, 12, 15)),
        ("in 2 hours", at(2026, 11, 26, 12, 15)),
        ("in an hour", at(2026, 11, 26, 11, 15)),
        ("in 45 min", at(2026, 11, 26, 11)),
        ("24 jam lagi", at(2026, 11, 27, 10, 15)),
    ],
)
def test_reads(text: str, expected: datetime) -> None:
    result = parse_when(text, NOW, WIB)
    assert result == expected
    assert result.tzinfo is UTC


MONTHS = [
    (1, "Januari January Jan"),
    (2, "Februari Pebruari February Feb Peb"),
    (3, "Maret March Mar"),
    (4, "April Apr"),
    (5, "Mei May"),
    (6, "Juni June Jun"),
    (7, "Juli July Jul"),
    (8, "Agustus August Agu Agt Ags Agust Aug"),
    (9, "September Sep Sept"),
    (10, "Oktober October Okt Oct"),
    (11, "November Nopember Nov Nop"),
    (12, "Desember December Des Dec"),
]


@pytest.mark.parametrize(
    ("name", "month"), [(name, month) for month, names in MONTHS for name in names.split()]
)
def test_every_month_name(name: str, month: int) -> None:
    result = parse_when(f"5 {name} 2027 08.00", NOW, WIB, max_ahead=timedelta(days=400))
    assert result == at(2027, month, 5, 8)


def test_month_names_in_any_case() -> None:
    for text in ("5 JANUARI 2027 08.00", "5 januari 2027 08.00", "5 jAnUaRi 2027 08.00"):
        assert parse_when(text, NOW, WIB) == at(2027, 1, 5, 8)


# Thursday 26 Nov 2026: the coming days are Fri 27, Sat 28, Sun 29, Mon 30, Tue 1 Dec...
WEEKDAYS = [
    ("Senin Monday Mon Sen", at(2026, 11, 30, 8)),
    ("Selasa Tuesday Tue Tues Sel", at(2026, 12, 1, 8)),
    ("Rabu Wednesday Wed Rab", at(2026, 12, 2, 8)),
    ("Jumat Jum'at Friday Fri Jum", at(2026, 11, 27, 8)),
    ("Sabtu Saturday Sat Sab", at(2026, 11, 28, 8)),
    ("Minggu Ahad Sunday Sun Min", at(2026, 11, 29, 8)),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, expected) for names, expected in WEEKDAYS for name in names.split()],
)
def test_weekday_alone_is_its_next_occurrence(name: str, expected: datetime) -> None:
    assert parse_when(f"{name} 08.00", NOW, WIB) == expected
    assert parse_when(f"{name.upper()}, pukul 08.00 WIB", NOW, WIB) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamis 14.00", at(2026, 11, 26, 14)),  # today, still ahead
        ("Thursday 14:00", at(2026, 11, 26, 14)),
        ("Kamis 09.00", at(2026, 12, 3, 9)),  # today but gone: a week later
        ("Thu 10.15", at(2026, 12, 3, 10, 15)),  # not a minute ahead: a week later
        ("Kamis 10.16", at(2026, 11, 26, 10, 16)),
    ],
)
def test_weekday_of_today(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW, WIB) == expected


# --- year rollover and month ends -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/1 08.00", at(2027, 1, 5, 8)),
        ("5 Jan 08.00", at(2027, 1, 5, 8)),
        ("1/1 00.00", at(2027, 1, 1, 0)),
        ("31/12 23.59", at(2026, 12, 31, 23, 59)),
        ("31 Des 23.59", at(2026, 12, 31, 23, 59)),
        ("30/11 08.00", at(2026, 11, 30, 8)),
        ("31/1 08.00", at(2027, 1, 31, 8)),
        ("1/1/2027 08.00", at(2027, 1, 1, 8)),
        ("24/2/2027 10.15", at(2027, 2, 24, 10, 15)),  # exactly 90 days ahead
    ],
)
def test_rollover_and_month_ends(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW, WIB) == expected


def test_date_without_year_a_few_weeks_back_is_past_not_next_year() -> None:
    # 30 days back: a slip of the publisher's, not a post for next October.
    err = error("27/10 08.00")
    assert err.key == "when.in_past"
    assert err.params == {"at": at(2026, 10, 27, 8)}


def test_date_without_year_longer_ago_is_next_year() -> None:
    # 31 days back: read as next year, which the 90-day limit then refuses...
    assert error("26/10 08.00").key == "when.too_far"
    # ...unless the limit allows it.
    long = timedelta(days=400)
    assert parse_when("26/10 08.00", NOW, WIB, max_ahead=long) == at(2027, 10, 26, 8)


def test_relative_days_cross_month_and_year_ends() -> None:
    new_years_eve = at(2026, 12, 31, 20)
    assert parse_when("besok 08.00", new_years_eve, WIB) == at(2027, 1, 1, 8)
    assert parse_when("lusa 08.00", new_years_eve, WIB) == at(2027, 1, 2, 8)
    assert parse_when("Sabtu 08.00", new_years_eve, WIB) == at(2027, 1, 2, 8)
    end_of_february = at(2027, 2, 28, 9)
    assert parse_when("besok 08.00", end_of_february, WIB) == at(2027, 3, 1, 8)


def test_leap_day() -> None:
    long = timedelta(days=500)
    assert parse_when("29/2/2028 08.00", NOW, WIB, max_ahead=long) == at(2028, 2, 29, 8)
    # In December 2027 "29/2" can only mean the coming leap day.
    december_2027 = at(2027, 12, 15, 9)
    assert parse_when("29/2 08.00", december_2027, WIB) == at(2028, 2, 29, 8)
    # Long after a leap day, with no leap day next year: that day is past.
    assert error("29/2 08.00", now=at(2028, 11, 1, 9)).key == "when.in_past"


def test_moment_at_the_same_instant_whatever_zone_now_is_given_in() -> None:
    for zone in (UTC, WIB, BERLIN, ZoneInfo("America/New_York")):
        assert parse_when("besok 08.00", NOW.astimezone(zone), WIB) == FRIDAY_0800


def test_today_is_the_office_day_not_the_utc_day() -> None:
    # 23.30 UTC on the 26th is already the 27th in Jakarta.
    late = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert parse_when("08.00", late, WIB) == at(2026, 11, 27, 8)
    assert parse_when("besok 08.00", late, WIB) == at(2026, 11, 28, 8)


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # nothing a date or a time can be made of
        ("", "when.unreadable"),
        ("   ", "when.unreadable"),
        ("pukul", "when.unreadable"),
        ("WIB", "when.unreadable"),
        ("hari", "when.unreadable"),
        ("kapan-kapan", "when.unreadable"),
        ("secepatnya", "when.unreadable"),
        ("27 08.00", "when.unreadable"),  # day without month
        ("Nov 08.00", "when.unreadable"),  # month without day
        ("2026 08.00", "when.unreadable"),
        ("27 Nov Des 08.00", "when.unreadable"),
        ("27 2026 Nov 08.00", "when.unreadable"),
        ("27 Nov 2026 5 08.00", "when.unreadable"),
        ("27 Nov 202 08.00", "when.unreadable"),
        ("27/11/202 08.00", "when.unreadable"),
        ("27/11-2026 08.00", "when.unreadable"),
        ("14.30 15.30", "when.unreadable"),  # two times
        ("27/11 28/11 08.00", "when.unreadable"),  # two dates
        ("27/11 28 Nov 08.00", "when.unreadable"),
        ("besok lusa 08.00", "when.unreadable"),
        ("besok 27/11 08.00", "when.unreadable"),  # relative day and a date
        ("Senin Selasa 08.00", "when.unreadable"),
        ("08.00 WIB WITA", "when.unreadable"),
        ("14.3", "when.unreadable"),
        ("14.300", "when.unreadable"),
        ("14 30", "when.unreadable"),
        ("08.00 " + "x" * 200, "when.unreadable"),
        ("08.00 " + " " * 200, "when.unreadable"),
        # times that do not exist
        ("25.00", "when.invalid_time"),
        ("24:00", "when.invalid_time"),
        ("08.61", "when.invalid_time"),
        ("besok 08.60", "when.invalid_time"),
        ("jam 25", "when.invalid_time"),
        ("pukul 2400", "when.invalid_time"),
        ("13pm", "when.invalid_time"),
        ("0am", "when.invalid_time"),
        ("13:00 pm", "when.invalid_time"),
        # dates that do not exist
        ("32/13/2026 08.00", "when.invalid_date"),
        ("32/11/2026 08.00", "when.invalid_date"),
        ("27/13/2026 08.00", "when.invalid_date"),
        ("0/11/2026 08.00", "when.invalid_date"),
        ("31/11/2026 08.00", "when.invalid_date"),
        ("31/11 08.00", "when.invalid_date"),
        ("31 November 2026 08.00", "when.invalid_date"),
        ("29 Feb 2027 08.00", "when.invalid_date"),
        ("2026-02-30 08:00", "when.invalid_date"),
        ("32 Des 08.00", "when.invalid_date"),
        # a day but no time
        ("besok", "when.time_missing"),
        ("hari ini", "when.time_missing"),
        ("lusa", "when.time_missing"),
        ("27/11/2026", "when.time_missing"),
        ("27 November 2026", "when.time_missing"),
        ("Jumat", "when.time_missing"),
        ("Jumat, 27 Nov 2026", "when.time_missing"),
        ("besok pukul", "when.time_missing"),
        ("besok pagi", "when.time_missing"),
        ("Senin depan", "when.time_missing"),
        ("nanti sore", "when.time_missing"),
        # a part of the day the time is not in
        ("15.00 pagi", "when.day_part_mismatch"),
        ("jam 12 malam", "when.day_part_mismatch"),  # start or end of the day? ask
        ("jam 8 siang", "when.day_part_mismatch"),
        ("jam 10 sore", "when.day_part_mismatch"),
        # "next" with nothing to be next, or against a date
        ("depan 08.00", "when.unreadable"),
        ("besok Senin depan 08.00", "when.unreadable"),
        ("Senin depan depan 08.00", "when.unreadable"),
        ("Senin depan 30/11 08.00", "when.unreadable"),
        ("pagi sore jam 8", "when.unreadable"),
        ("besok 9 27", "when.unreadable"),
        ("besok 27", "when.unreadable"),  # no hour 27
        ("9", "when.unreadable"),  # the ninth, or nine o'clock? a lone number says neither
        ("jam 2 lagi", "when.unreadable"),
        ("2 jam 3 menit 4 menit lagi", "when.unreadable"),
        ("banyak jam lagi", "when.unreadable"),
        ("0 menit lagi", "when.in_past"),
        ("3000 jam lagi", "when.too_far"),
        # too late to schedule
        ("9.05", "when.in_past"),
        ("pukul 08.00", "when.in_past"),
        ("10.15", "when.in_past"),
        ("10:15 WIB", "when.in_past"),
        ("hari ini 00.00", "when.in_past"),
        ("25/11/2026 08.00", "when.in_past"),
        ("25/11 08.00", "when.in_past"),
        ("26 Nov 2026 09.00", "when.in_past"),
        ("27/11/25 08.00", "when.in_past"),
        ("2025-11-27 08:00", "when.in_past"),
        # too early to schedule
        ("27/11/2027 08.00", "when.too_far"),
        ("24/2/2027 10.16", "when.too_far"),
        ("1 Maret 2027 08.00", "when.too_far"),
        ("27/11/99 08.00", "when.too_far"),
        # a weekday that contradicts the date
        ("Kamis, 27 Nov 2026 08.00", "when.weekday_mismatch"),
        ("Senin 27/11 08.00", "when.weekday_mismatch"),
        ("Saturday 2026-11-27 08:00", "when.weekday_mismatch"),
        ("besok Kamis 08.00", "when.weekday_mismatch"),
        ("hari ini Jumat 08.00", "when.weekday_mismatch"),
        ("Senin, 27 Nov 2026", "when.weekday_mismatch"),  # mismatch outranks no time
    ],
)
def test_errors(text: str, key: str) -> None:
    assert error(text).key == key


def test_error_is_a_value_error_with_key_and_params() -> None:
    err = WhenError("when.too_far", days=90)
    assert isinstance(err, ValueError)
    assert err.key == "when.too_far"
    assert err.params == {"days": 90}
    assert str(err) == "when.too_far"


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "when.unreadable", {}),
        ("besok", "when.time_missing", {}),
        ("25.00", "when.invalid_time", {"time": "25.00"}),
        ("besok 8.61", "when.invalid_time", {"time": "08.61"}),
        ("13pm", "when.invalid_time", {"time": "13pm"}),
        ("32/13/2026 08.00", "when.invalid_date", {"date": "32/13/2026"}),
        ("31/11/26 08.00", "when.invalid_date", {"date": "31/11/2026"}),
        ("31 Nov 08.00", "when.invalid_date", {"date": "31/11"}),
        ("9.05", "when.in_past", {"at": at(2026, 11, 26, 9, 5)}),
        ("25/11 08.00", "when.in_past", {"at": at(2026, 11, 25, 8)}),
        ("27/11/2027 08.00", "when.too_far", {"days": 90}),
        (
            "Kamis, 27 Nov 2026 08.00",
            "when.weekday_mismatch",
            {"date": "27/11/2026", "weekday": 3, "actual": 4},
        ),
        (
            "Minggu besok 08.00",
            "when.weekday_mismatch",
            {"date": "27/11/2026", "weekday": 6, "actual": 4},
        ),
    ],
)
def test_error_params(text: str, key: str, params: dict[str, object]) -> None:
    err = error(text)
    assert (err.key, err.params) == (key, params)


def test_less_than_a_minute_ahead_is_past() -> None:
    half_a_minute_later = NOW + timedelta(seconds=30)
    assert error("10.16", now=half_a_minute_later).key == "when.in_past"
    assert parse_when("10.16", NOW, WIB) == at(2026, 11, 26, 10, 16)


def test_time_alone_that_has_passed_is_not_moved_to_tomorrow() -> None:
    err = error("08.00")
    assert err.key == "when.in_past"
    assert err.params["at"] == at(2026, 11, 26, 8)


def test_max_ahead_is_configurable_and_named_in_the_error() -> None:
    err = error("besok 08.00", max_ahead=timedelta(hours=12))
    assert (err.key, err.params) == ("when.too_far", {"days": 0})
    err = error("1/1/2027 08.00", max_ahead=timedelta(days=30))
    assert (err.key, err.params) == ("when.too_far", {"days": 30})
    assert parse_when("1/1/2027 08.00", NOW, WIB, max_ahead=timedelta(days=40)) == at(2027, 1, 1, 8)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as caught:
        parse_when("besok 08.00", datetime(2026, 11, 26, 10, 15), WIB)
    assert not isinstance(caught.value, WhenError)


# --- zones ----------------------------------------------------------------------------


def test_default_zone_is_jakarta() -> None:
    assert parse_when("besok 08.00", NOW) == FRIDAY_0800
    assert when.OFFICE_ZONE.key == "Asia/Jakarta"


def test_office_zone_is_used() -> None:
    assert parse_when("besok 08.00", NOW, WITA) == at(2026, 11, 27, 8, zone=WITA)
    assert parse_when("besok 08.00", NOW, WITA) == datetime(2026, 11, 27, 0, tzinfo=UTC)


def test_explicit_zone_label_wins_over_office_zone() -> None:
    # Typed "WIB" in a Makassar office: the publisher means Jakarta time.
    assert parse_when("besok 08.00 WIB", NOW, WITA) == datetime(2026, 11, 27, 1, tzinfo=UTC)
    assert parse_when("besok 08.00 WITA", NOW, WIB) == datetime(2026, 11, 27, 0, tzinfo=UTC)
    assert parse_when("besok 08.00 WIT", NOW, WIB) == datetime(2026, 11, 26, 23, tzinfo=UTC)
    assert parse_when("besok 08.00wita", NOW, WIB) == datetime(2026, 11, 27, 0, tzinfo=UTC)


def test_daylight_saving_zone() -> None:
    # WIB has no DST, but the arithmetic must hold for any zone. Berlin springs
    # forward on 29 March 2026 (02.00 -> 03.00) and falls back on 25 October 2026.
    before_spring = datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert parse_when("besok 01.30", before_spring, BERLIN) == datetime(
        2026, 3, 29, 0, 30, tzinfo=UTC
    )
    assert parse_when("besok 03.30", before_spring, BERLIN) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    err = error_in(BERLIN, "besok 02.30", before_spring)
    assert (err.key, err.params) == ("when.invalid_time", {"time": "02.30"})
    # A repeated hour is its first occurrence (still summer time, UTC+2).
    before_autumn = datetime(2026, 10, 24, 12, tzinfo=UTC)
    assert parse_when("besok 02.30", before_autumn, BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert parse_when("besok 12.00", before_autumn, BERLIN) == datetime(
        2026, 10, 25, 11, tzinfo=UTC
    )


def error_in(zone: ZoneInfo, text: str, now: datetime) -> WhenError:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now, zone)
    return caught.value


# --- what the bot itself writes reads back --------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "moment",
    [
        at(2026, 11, 27, 8),
        at(2026, 11, 26, 23, 59),
        at(2026, 12, 31, 7, 5),
        at(2027, 1, 1, 0, 0),
        at(2027, 2, 14, 16, 30),
    ],
)
def test_bot_formatted_times_read_back(moment: datetime, language: str) -> None:
    assert parse_when(timefmt.full(moment, WIB, language), NOW, WIB) == moment
    assert parse_when(timefmt.short(moment, WIB, language, NOW), NOW, WIB) == moment


# --- vocabulary -----------------------------------------------------------------------


def test_word_lists_do_not_overlap() -> None:
    lists = [
        set(when_reading._MONTHS),
        set(when_reading._WEEKDAYS),
        set(when_reading._RELATIVE_DAYS),
        set(when_reading._CLOCK_WORDS),
        set(when_reading._FILLER_WORDS),
        set(when_reading._ZONE_LABELS),
        set(when_reading._DAY_PARTS),
        set(when_reading._NEXT_WEEK_WORDS),
    ]
    for i, first in enumerate(lists):
        for second in lists[i + 1 :]:
            assert first.isdisjoint(second), first & second


# --- quick choices --------------------------------------------------------------------


def quick(now: datetime) -> list[tuple[str, str, dict[str, object], datetime]]:
    return [(c.key, c.label_key, c.params, c.at) for c in quick_choices(now, WIB)]


def test_quick_choices_mid_morning() -> None:
    assert quick(NOW) == [
        ("in_1h", "when.quick.in_hours", {"hours": 1}, at(2026, 11, 26, 11, 15)),
        ("in_3h", "when.quick.in_hours", {"hours": 3}, at(2026, 11, 26, 13, 15)),
        ("today_1200", "when.quick.today_at", {"time": "12.00"}, at(2026, 11, 26, 12)),
        ("tomorrow_0800", "when.quick.tomorrow_at", {"time": "08.00"}, FRIDAY_0800),
    ]


@pytest.mark.parametrize(
    ("hour", "minute", "keys"),
    [
        (0, 0, ["in_1h", "in_3h", "today_1200", "tomorrow_0800"]),
        (7, 59, ["in_1h", "in_3h", "today_1200", "tomorrow_0800"]),
        (11, 30, ["in_1h", "in_3h", "today_1200", "tomorrow_0800"]),  # exactly 30 min
        (11, 31, ["in_1h", "in_3h", "today_1600", "tomorrow_0800"]),
        (11, 0, ["in_1h", "in_3h", "today_1600", "tomorrow_0800"]),  # 12.00 = in 1 hour
        (13, 0, ["in_1h", "in_3h", "tomorrow_0800", "tomorrow_1200"]),  # 16.00 = in 3 hours
        (15, 30, ["in_1h", "in_3h", "today_1600", "tomorrow_0800"]),
        (15, 31, ["in_1h", "in_3h", "tomorrow_0800", "tomorrow_1200"]),
        (16, 0, ["in_1h", "in_3h", "tomorrow_0800", "tomorrow_1200"]),
        (23, 50, ["in_1h", "in_3h", "tomorrow_0800", "tomorrow_1200"]),
    ],
)
def test_quick_choice_keys_through_the_day(hour: int, minute: int, keys: list[str]) -> None:
    assert [c.key for c in quick_choices(at(2026, 11, 26, hour, minute), WIB)] == keys


def test_quick_choices_late_evening() -> None:
    assert quick(at(2026, 11, 26, 23, 50)) == [
        ("in_1h", "when.quick.in_hours", {"hours": 1}, at(2026, 11, 27, 0, 50)),
        ("in_3h", "when.quick.in_hours", {"hours": 3}, at(2026, 11, 27, 2, 50)),
        ("tomorrow_0800", "when.quick.tomorrow_at", {"time": "08.00"}, FRIDAY_0800),
        ("tomorrow_1200", "when.quick.tomorrow_at", {"time": "12.00"}, at(2026, 11, 27, 12)),
    ]


def test_quick_in_hours_rounds_up_to_the_minute() -> None:
    odd = NOW + timedelta(seconds=20, microseconds=5)
    choices = quick_choices(odd, WIB)
    assert choices[0].at == at(2026, 11, 26, 11, 16)
    assert choices[1].at == at(2026, 11, 26, 13, 16)
    assert all(c.at.second == 0 and c.at.microsecond == 0 for c in choices)


EVERY_FIVE_MINUTES = [NOW + timedelta(minutes=5 * i, seconds=7) for i in range(24 * 12)]


@pytest.mark.parametrize("now", [*EVERY_FIVE_MINUTES, at(2026, 11, 26, 23, 50)])
def test_quick_choices_are_future_distinct_and_round_trip(now: datetime) -> None:
    choices = quick_choices(now, WIB)
    assert len(choices) == 4
    assert len({c.at for c in choices}) == 4
    assert len({c.key for c in choices}) == 4
    for choice in choices:
        assert isinstance(choice, QuickChoice)
        assert choice.at.tzinfo is UTC
        assert choice.at - now >= timedelta(minutes=30)
        assert choice.at - now <= timedelta(days=2)
        assert resolve_quick(choice.key, now, WIB) == choice.at


def test_quick_keys_fit_callback_data() -> None:
    keys = {c.key for now in EVERY_FIVE_MINUTES for c in quick_choices(now, WIB)}
    assert keys == {"in_1h", "in_3h", "today_1200", "today_1600", "tomorrow_0800", "tomorrow_1200"}
    for key in keys:
        assert key.isascii() and len(key) <= 16


def test_quick_choices_in_another_zone() -> None:
    choices = {c.key: c.at for c in quick_choices(NOW, WITA)}  # 11.15 WITA
    assert choices["today_1200"] == at(2026, 11, 26, 12, zone=WITA)
    assert choices["tomorrow_0800"] == at(2026, 11, 27, 8, zone=WITA)


def test_quick_choices_default_zone_is_jakarta() -> None:
    assert quick_choices(NOW) == quick_choices(NOW, WIB)


def test_resolve_quick_recomputes_at_tap_time() -> None:
    tap = NOW + timedelta(minutes=7)
    assert resolve_quick("in_1h", tap, WIB) == at(2026, 11, 26, 11, 22)
    assert resolve_quick("in_3h", tap, WIB) == at(2026, 11, 26, 13, 22)
    assert resolve_quick("today_1200", tap, WIB) == at(2026, 11, 26, 12)
    assert resolve_quick("tomorrow_0800", tap, WIB) == FRIDAY_0800
    assert resolve_quick("tomorrow_1200", tap, WIB) == at(2026, 11, 27, 12)


def test_resolve_quick_today_slot_tapped_too_late() -> None:
    after_noon = at(2026, 11, 26, 12, 10)
    with pytest.raises(WhenError) as caught:
        resolve_quick("today_1200", after_noon, WIB)
    assert (caught.value.key, caught.value.params) == ("when.in_past", {"at": at(2026, 11, 26, 12)})


@pytest.mark.parametrize(
    "key",
    [
        "",
        "garbage",
        "in_0h",
        "in_25h",
        "in_1",
        "in_h",
        "in_100h",
        " in_1h",
        "in_1h ",
        "IN_1H",
        "today_2500",
        "today_1260",
        "today_12",
        "tomorrow_800",
        "yesterday_0800",
        "lusa_0800",
    ],
)
def test_resolve_quick_unknown_key(key: str) -> None:
    with pytest.raises(WhenError) as caught:
        resolve_quick(key, NOW, WIB)
    assert (caught.value.key, caught.value.params) == ("when.unreadable", {})


def test_quick_choices_need_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        quick_choices(datetime(2026, 11, 26, 10, 15), WIB)
    with pytest.raises(ValueError, match="timezone-aware"):
        resolve_quick("in_1h", datetime(2026, 11, 26, 10, 15), WIB)


def test_a_day_button_keeps_the_day_it_was_shown_on() -> None:
    from datetime import date

    shown = at(2026, 11, 26, 23, 50)
    after_midnight = at(2026, 11, 27, 0, 10)
    # Recomputed at the tap, "tomorrow" would slide to Saturday...
    assert resolve_quick("tomorrow_0800", after_midnight, WIB) == at(2026, 11, 28, 8)
    # ...so the menu says which day it was shown on, and the tap keeps Friday.
    friday = resolve_quick("tomorrow_0800", after_midnight, WIB, shown_on=date(2026, 11, 26))
    assert friday == at(2026, 11, 27, 8)
    assert quick_choices(shown, WIB)[-2].at == friday
    # "In 1 hour" always counts from the tap.
    assert resolve_quick("in_1h", after_midnight, WIB, shown_on=date(2026, 11, 26)) == at(
        2026, 11, 27, 1, 10
    )
    # A day button shown yesterday for "today 16.00" is in the past now.
    with pytest.raises(WhenError) as late:
        resolve_quick("today_1600", after_midnight, WIB, shown_on=date(2026, 11, 26))
    assert late.value.key == "when.in_past"


def test_a_span_counts_from_now_and_rounds_up_to_the_minute() -> None:
    now = NOW + timedelta(seconds=30)
    assert parse_when("1 jam lagi", now, WIB) == at(2026, 11, 26, 11, 16)
    assert parse_when("1 menit lagi", NOW, WIB) == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("hours", when.QUICK_HOURS)
def test_the_quick_buttons_own_words_read_back(hours: int) -> None:
    # The menu says "1 jam lagi"; typing what the button says means the same moment.
    choice = next(c for c in quick_choices(NOW, WIB) if c.params.get("hours") == hours)
    assert parse_when(f"{hours} jam lagi", NOW, WIB) == choice.at
