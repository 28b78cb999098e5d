"""When a publisher wants an item out: quick choices and typed dates and times.

Publishers either tap one of a few quick choices ("in 1 hour", "tomorrow 08.00") or
type a moment the way an Indonesian office writes it: ``besok 08.00``, ``27/11 14.30``,
``Jumat, 27 November 2026 pukul 08.00 WIB``, ``besok jam 9 pagi``, ``jam 4 sore``,
``Senin depan 08.00``, ``2 jam lagi`` (English works too). Everything is read in
the office zone and returned as an aware UTC datetime.

Pure functions: the caller passes ``now``. A reading that cannot be trusted raises
``WhenError`` whose ``key`` names a translatable message, so the publisher sees *why*
rather than getting a silently shifted moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.when_reading import (
    MAX_TEXT_LENGTH,
    WhenError,
    clock_text,
    date_text,
    normalize,
    read_span,
    read_text,
)

OFFICE_ZONE = ZoneInfo("Asia/Jakarta")
DEFAULT_MAX_AHEAD = timedelta(days=90)
# Scheduling a moment the scheduler may already have passed would publish "now" in
# disguise; a minute of margin keeps "10.16" typed at 10.15.59 from slipping through.
MIN_LEAD = timedelta(minutes=1)
# A "today 12.00" button is only worth showing if there is time left to use it.
TODAY_SLOT_LEAD = timedelta(minutes=30)
TODAY_SLOTS = (time(12, 0), time(16, 0))
QUICK_HOURS = (1, 3)
# "27/11" typed a few days after 27 November is most likely a mistake (say so); typed
# in spring it clearly means this coming November-or-January, i.e. next year.
ROLLOVER_DAYS = 30

__all__ = [
    "DEFAULT_MAX_AHEAD",
    "OFFICE_ZONE",
    "QuickChoice",
    "WhenError",
    "parse_when",
    "quick_choices",
    "resolve_quick",
]


@dataclass(frozen=True)
class QuickChoice:
    key: str
    label_key: str
    params: dict[str, object]
    at: datetime


# --- calendar arithmetic --------------------------------------------------------------


def _calendar_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_for(ymd: tuple[int | None, int, int], today: date) -> date:
    year, month, day = ymd
    if year is not None:
        found = _calendar_date(year, month, day)
        if found is None:
            raise WhenError("when.invalid_date", date=date_text(year, month, day))
        return found
    this_year = _calendar_date(today.year, month, day)
    if this_year is not None and (today - this_year).days <= ROLLOVER_DAYS:
        return this_year
    next_year = _calendar_date(today.year + 1, month, day)
    if next_year is not None:
        return next_year
    if this_year is not None:  # 29/2 of a leap year, long gone: report it as past
        return this_year
    raise WhenError("when.invalid_date", date=date_text(None, month, day))


def _local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``.

    Built with ``tzinfo=zone`` and converted, so the zone's own rules (including any
    daylight saving) decide the offset; for a time repeated when clocks go back the
    first occurrence (``fold=0``) is taken.
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _exists(day: date, clock: time, zone: ZoneInfo) -> bool:
    """False for a wall-clock time skipped when clocks go forward (not in WIB)."""
    wall = datetime.combine(day, clock)
    return _local(day, clock, zone).astimezone(zone).replace(tzinfo=None) == wall


def _utc_now(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # Arithmetic on a ZoneInfo-aware datetime is wall-clock arithmetic; UTC is not.
    return now.astimezone(UTC)


def _check_window(at: datetime, now: datetime, max_ahead: timedelta) -> datetime:
    if at - now < MIN_LEAD:
        raise WhenError("when.in_past", at=at)
    if at - now > max_ahead:
        raise WhenError("when.too_far", days=max_ahead.days)
    return at


def parse_when(
    text: str,
    now: datetime,
    tz: ZoneInfo = OFFICE_ZONE,
    *,
    max_ahead: timedelta = DEFAULT_MAX_AHEAD,
) -> datetime:
    """The moment ``text`` names, as an aware UTC datetime at least a minute ahead.

    Raises ``WhenError`` with one of: ``when.unreadable``, ``when.invalid_time``
    (``time``), ``when.invalid_date`` (``date``), ``when.time_missing``,
    ``when.weekday_mismatch`` (``date``, ``weekday``, ``actual``),
    ``when.day_part_mismatch`` (``time``, ``part``), ``when.in_past`` (``at``) or
    ``when.too_far`` (``days``).
    """
    now = _utc_now(now)
    if len(text) > MAX_TEXT_LENGTH:
        raise WhenError("when.unreadable")
    span = read_span(normalize(text))
    if span is not None:
        # Rounded up like the quick buttons: "in 2 hours" never comes early.
        return _check_window(_ceil_minute(now + span), now, max_ahead)
    reading = read_text(text)
    zone = reading.zone or tz
    today = now.astimezone(zone).date()

    day: date | None = None
    if reading.ymd is not None:
        day = _date_for(reading.ymd, today)
    elif reading.relative is not None:
        day = today + timedelta(days=reading.relative)
    elif reading.weekday is None:
        day = today  # a time alone means today; never silently tomorrow

    if day is not None and reading.weekday is not None and day.weekday() != reading.weekday:
        raise WhenError(
            "when.weekday_mismatch",
            date=date_text(day.year, day.month, day.day),
            weekday=reading.weekday,
            actual=day.weekday(),
        )
    clock = reading.clock
    if clock is None:
        raise WhenError("when.time_missing")
    if day is None and reading.next_week:
        # "Senin depan" said on any day of this week: the Monday of the coming week.
        assert reading.weekday is not None
        day = today + timedelta(days=7 - today.weekday() + reading.weekday)
    if day is None:
        # A weekday alone is its next occurrence: today while the time is still ahead.
        assert reading.weekday is not None
        day = today + timedelta(days=(reading.weekday - today.weekday()) % 7)
        if _local(day, clock, zone) - now < MIN_LEAD:
            day += timedelta(days=7)
    if not _exists(day, clock, zone):
        raise WhenError("when.invalid_time", time=clock_text(clock.hour, clock.minute))
    return _check_window(_local(day, clock, zone), now, max_ahead)


# --- quick choices --------------------------------------------------------------------

_IN_HOURS_KEY = re.compile(r"in_(\d{1,2})h")
_DAY_KEY = re.compile(r"(today|tomorrow)_(\d{2})(\d{2})")
_MAX_QUICK_HOURS = 24


def _ceil_minute(moment: datetime) -> datetime:
    # Up, not down: "in 1 hour" should never come earlier than promised.
    floored = moment.replace(second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=1)


def _quick(key: str, now: datetime, tz: ZoneInfo) -> QuickChoice:
    """Build the choice a key stands for, at ``now`` (UTC): one source for both the
    buttons and the tap, so they cannot drift apart."""
    if match := _IN_HOURS_KEY.fullmatch(key):
        hours = int(match[1])
        if 1 <= hours <= _MAX_QUICK_HOURS:
            at = _ceil_minute(now + timedelta(hours=hours))
            return QuickChoice(key, "when.quick.in_hours", {"hours": hours}, at)
    elif match := _DAY_KEY.fullmatch(key):
        hour, minute = int(match[2]), int(match[3])
        if hour <= 23 and minute <= 59:
            offset = 0 if match[1] == "today" else 1
            day = now.astimezone(tz).date() + timedelta(days=offset)
            at = _local(day, time(hour, minute), tz)
            params: dict[str, object] = {"time": clock_text(hour, minute)}
            return QuickChoice(key, f"when.quick.{match[1]}_at", params, at)
    raise WhenError("when.unreadable")


def _day_key(prefix: str, clock: time) -> str:
    return f"{prefix}_{clock.hour:02d}{clock.minute:02d}"


def quick_choices(now: datetime, tz: ZoneInfo = OFFICE_ZONE) -> list[QuickChoice]:
    """Four one-tap moments, all in the future: in 1 hour, in 3 hours, today at the
    next of 12.00 / 16.00 (if at least 30 minutes away) and tomorrow 08.00; after 15.30
    "tomorrow 12.00" takes the place of the today slot."""
    now = _utc_now(now)
    choices = [_quick(f"in_{hours}h", now, tz) for hours in QUICK_HOURS]
    taken = {choice.at for choice in choices}
    today = [_quick(_day_key("today", slot), now, tz) for slot in TODAY_SLOTS]
    # Skip a slot equal to "in N hours": two buttons for one moment only confuse.
    slot = next((c for c in today if c.at - now >= TODAY_SLOT_LEAD and c.at not in taken), None)
    if slot is not None:
        choices.append(slot)
    choices.append(_quick("tomorrow_0800", now, tz))
    if slot is None:
        # Late in the day the next useful moments are all tomorrow: keep four buttons.
        choices.append(_quick("tomorrow_1200", now, tz))
    return choices


def resolve_quick(
    key: str, now: datetime, tz: ZoneInfo = OFFICE_ZONE, *, shown_on: date | None = None
) -> datetime:
    """The moment a tapped quick choice means *now*: "in 1 hour" counts from the tap.

    ``shown_on`` is the office day the button was shown: "tomorrow 08.00" shown at
    23.50 and tapped at 00.10 still means the morning that was shown, not a day later.
    ``when.unreadable`` for a key no choice uses, ``when.in_past`` for "today 12.00"
    tapped after noon.
    """
    now = _utc_now(now)
    base = now
    if shown_on is not None and _DAY_KEY.fullmatch(key):
        base = _local(shown_on, time(12, 0), tz)
    at = _quick(key, base, tz).at
    if at - now < MIN_LEAD:
        raise WhenError("when.in_past", at=at)
    return at
