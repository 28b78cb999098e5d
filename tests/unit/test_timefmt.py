"""Office-style times in ``bot.core.timefmt``: local zone, Indonesian and English wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core import timefmt
from bot.core.i18n import Translator

JAKARTA = ZoneInfo("Asia/Jakarta")
# Thursday 26 November 2026, 10.15 in Jakarta (UTC+7).
MOMENT = datetime(2026, 11, 26, 3, 15, tzinfo=UTC)


@pytest.fixture
def t() -> Translator:
    return Translator()


# --- full -----------------------------------------------------------------------------


def test_full_indonesian() -> None:
    assert timefmt.full(MOMENT, JAKARTA, "id") == "Kamis, 26 Nov 2026 10.15 WIB"


def test_full_english() -> None:
    assert timefmt.full(MOMENT, JAKARTA, "en") == "Thursday, 26 Nov 2026 10:15 WIB"


def test_full_accepts_any_aware_datetime() -> None:
    same_instant = MOMENT.astimezone(ZoneInfo("Europe/Berlin"))
    assert timefmt.full(same_instant, JAKARTA, "id") == "Kamis, 26 Nov 2026 10.15 WIB"


def test_full_uses_indonesian_month_names() -> None:
    independence = datetime(2026, 8, 17, 2, 0, tzinfo=UTC)
    assert timefmt.full(independence, JAKARTA, "id") == "Senin, 17 Agu 2026 09.00 WIB"
    assert timefmt.full(independence, JAKARTA, "en") == "Monday, 17 Aug 2026 09:00 WIB"


def test_full_unknown_language_uses_indonesian_pattern() -> None:
    assert timefmt.full(MOMENT, JAKARTA, "fr").endswith("2026 10.15 WIB")


@pytest.mark.parametrize(
    ("zone", "clock", "label"),
    [
        ("Asia/Jakarta", "10.15", "WIB"),
        ("Asia/Makassar", "11.15", "WITA"),
        ("Asia/Jayapura", "12.15", "WIT"),
        ("Europe/Berlin", "04.15", "Europe/Berlin"),
    ],
)
def test_zone_labels(zone: str, clock: str, label: str) -> None:
    text = timefmt.full(MOMENT, ZoneInfo(zone), "id")
    assert text == f"Kamis, 26 Nov 2026 {clock} {label}"
    assert timefmt.zone_label(ZoneInfo(zone)) == label


def test_utc_evening_lands_on_the_next_local_date() -> None:
    # 23.30 UTC on Thursday is 06.30 on Friday in Jakarta.
    late_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert timefmt.full(late_utc, JAKARTA, "id") == "Jumat, 27 Nov 2026 06.30 WIB"
    assert timefmt.full(late_utc, JAKARTA, "en") == "Friday, 27 Nov 2026 06:30 WIB"


def test_local_midnight_boundary() -> None:
    before = datetime(2026, 11, 26, 16, 59, tzinfo=UTC)
    after = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert timefmt.full(before, JAKARTA, "id") == "Kamis, 26 Nov 2026 23.59 WIB"
    assert timefmt.full(after, JAKARTA, "id") == "Jumat, 27 Nov 2026 00.00 WIB"


def test_year_changes_on_the_local_date() -> None:
    new_year = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)  # 01.00 on 1 January in Jakarta
    assert timefmt.full(new_year, JAKARTA, "en") == "Friday, 1 Jan 2027 01:00 WIB"


# --- short ----------------------------------------------------------------------------


def test_short_same_day_is_clock_only() -> None:
    now = MOMENT + timedelta(hours=3)
    assert timefmt.short(MOMENT, JAKARTA, "id", now) == "10.15 WIB"
    assert timefmt.short(MOMENT, JAKARTA, "en", now) == "10:15 WIB"


def test_short_other_day_has_the_date() -> None:
    now = MOMENT + timedelta(days=1)
    assert timefmt.short(MOMENT, JAKARTA, "id", now) == "Kam, 26 Nov 10.15 WIB"
    assert timefmt.short(MOMENT, JAKARTA, "en", now) == "Thu, 26 Nov 10:15 WIB"


def test_short_without_now_has_the_date() -> None:
    assert timefmt.short(MOMENT, JAKARTA, "id") == "Kam, 26 Nov 10.15 WIB"


def test_short_same_day_is_judged_in_local_time() -> None:
    # Different UTC dates, same Jakarta date (Friday 27 Nov): clock only.
    moment = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # 06.30 WIB Friday
    now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08.00 WIB Friday
    assert timefmt.short(moment, JAKARTA, "id", now) == "06.30 WIB"
    # Same UTC date, different Jakarta dates: the date is shown.
    moment = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 23.30 WIB Thursday
    now = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # 00.30 WIB Friday
    assert timefmt.short(moment, JAKARTA, "id", now) == "Kam, 26 Nov 23.30 WIB"


# --- duration and deadline ------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "id_text", "en_text"),
    [
        (timedelta(0), "0 mnt", "0 min"),
        (timedelta(seconds=1), "1 mnt", "1 min"),
        (timedelta(seconds=59), "1 mnt", "1 min"),
        (timedelta(minutes=1), "1 mnt", "1 min"),
        (timedelta(minutes=1, seconds=1), "2 mnt", "2 min"),
        (timedelta(minutes=35), "35 mnt", "35 min"),
        (timedelta(hours=1), "1 j", "1 h"),
        (timedelta(hours=2, minutes=10), "2 j 10 mnt", "2 h 10 min"),
        (timedelta(hours=2, minutes=9, seconds=30), "2 j 10 mnt", "2 h 10 min"),
        (timedelta(hours=23, minutes=59, seconds=1), "1 hr", "1 d"),
        (timedelta(days=1), "1 hr", "1 d"),
        (timedelta(days=1, hours=5), "1 hr 5 j", "1 d 5 h"),
        (timedelta(days=3, minutes=7), "3 hr 7 mnt", "3 d 7 min"),
        (timedelta(days=2, hours=1, minutes=1), "2 hr 1 j 1 mnt", "2 d 1 h 1 min"),
        (timedelta(seconds=-30), "0 mnt", "0 min"),
    ],
)
def test_duration(delta: timedelta, id_text: str, en_text: str, t: Translator) -> None:
    assert timefmt.duration(delta, t, "id") == id_text
    assert timefmt.duration(delta, t, "en") == en_text


def deadline(due: datetime, left: timedelta, t: Translator, language: str) -> str:
    return timefmt.deadline(due, MOMENT, left, JAKARTA, t, language)


def test_deadline_ahead_in_working_time(t: Translator) -> None:
    due = MOMENT + timedelta(hours=2, minutes=10)
    assert deadline(due, timedelta(hours=2, minutes=10), t, "id") == (
        "12.25 WIB (2 j 10 mnt kerja lagi)"
    )
    assert deadline(due, timedelta(hours=2, minutes=10), t, "en") == (
        "12:25 WIB (2 h 10 min of working time left)"
    )


def test_deadline_late_in_working_time(t: Translator) -> None:
    due = MOMENT - timedelta(minutes=35)
    assert deadline(due, -timedelta(minutes=35), t, "id") == "09.40 WIB (terlambat 35 mnt kerja)"
    assert deadline(due, -timedelta(minutes=35), t, "en") == (
        "09:40 WIB (late by 35 min of working time)"
    )


def test_deadline_over_a_night_counts_only_working_time(t: Translator) -> None:
    # Thursday 10.15: due Friday 08.10, with 1 h 20 min of Thursday's and Friday's
    # working time between (the clock says almost a day).
    due = datetime(2026, 11, 27, 8, 10, tzinfo=JAKARTA)
    assert deadline(due, timedelta(hours=1, minutes=20), t, "id") == (
        "Jum, 27 Nov 08.10 WIB (1 j 20 mnt kerja lagi)"
    )


def test_deadline_past_while_the_office_was_closed(t: Translator) -> None:
    due = MOMENT - timedelta(hours=3)
    assert deadline(due, timedelta(0), t, "id") == "07.15 WIB (lewat batas waktu)"
    assert deadline(due, timedelta(0), t, "en") == "07:15 WIB (past the deadline)"


def test_deadline_rounds_minutes_up(t: Translator) -> None:
    due = MOMENT + timedelta(minutes=14, seconds=1)
    assert deadline(due, timedelta(minutes=14, seconds=1), t, "id") == (
        "10.29 WIB (15 mnt kerja lagi)"
    )
    late = MOMENT - timedelta(seconds=20)
    assert deadline(late, -timedelta(seconds=20), t, "en") == (
        "10:14 WIB (late by 1 min of working time)"
    )


def test_deadline_exactly_now_is_not_late(t: Translator) -> None:
    assert deadline(MOMENT, timedelta(0), t, "id") == "10.15 WIB (0 mnt kerja lagi)"
