"""Times as an Indonesian office reads them: ``Kamis, 26 Nov 2026 10.15 WIB``.

Deadlines are shown both as a clock time and relative to now ("2 j 10 mnt lagi",
"terlambat 35 mnt"). Pure functions: the caller passes ``now``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from bot.core.i18n import Translator

_PATTERNS = {
    "id": ("EEEE, d MMM y HH.mm", "EEE, d MMM HH.mm", "HH.mm"),
    "en": ("EEEE, d MMM y HH:mm", "EEE, d MMM HH:mm", "HH:mm"),
}

_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(zone: ZoneInfo) -> str:
    return _ZONE_NAMES.get(zone.key, zone.key)


def _pattern(language: str, index: int) -> str:
    return _PATTERNS.get(language, _PATTERNS["id"])[index]


def full(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """``Kamis, 26 Nov 2026 10.15 WIB``."""
    local = moment.astimezone(zone)
    return f"{format_datetime(local, _pattern(language, 0), locale=language)} {zone_label(zone)}"


def day(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """``Jumat, 27 Nov 2026``."""
    return format_datetime(moment.astimezone(zone), "EEEE, d MMM y", locale=language)


def date_short(day: date, language: str) -> str:
    """``Sen, 7 Des``: a calendar day without a time."""
    return format_date(day, "EEE, d MMM", locale=language)


def short(moment: datetime, zone: ZoneInfo, language: str, now: datetime | None = None) -> str:
    """``10.15 WIB`` today, ``Jum, 27 Nov 10.15 WIB`` on another day."""
    local = moment.astimezone(zone)
    same_day = now is not None and now.astimezone(zone).date() == local.date()
    pattern = _pattern(language, 2 if same_day else 1)
    return f"{format_datetime(local, pattern, locale=language)} {zone_label(zone)}"


def duration(delta: timedelta, t: Translator, language: str) -> str:
    """``2 j 10 mnt`` / ``1 hr 5 d`` style compact duration, minutes rounded up."""
    minutes = max(0, int(-(-delta.total_seconds() // 60)))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t("time.days", language, n=days))
    if hours:
        parts.append(t("time.hours", language, n=hours))
    if mins or not parts:
        parts.append(t("time.minutes", language, n=mins))
    return " ".join(parts)


def deadline(
    due: datetime, now: datetime, left: timedelta, zone: ZoneInfo, t: Translator, language: str
) -> str:
    """``Sen, 14 Des 08.10 WIB (1 j 20 mnt kerja lagi)`` or ``13.15 WIB (terlambat 35 mnt
    kerja)``: ``left`` is the working time from now to ``due``, negative once past."""
    clock = short(due, zone, language, now)
    if due >= now:
        relative = t("time.work_left", language, d=duration(left, t, language))
    elif left < timedelta(0):
        relative = t("time.work_late", language, d=duration(-left, t, language))
    else:  # past, but the office has been closed since
        relative = t("time.past_due", language)
    return f"{clock} ({relative})"
