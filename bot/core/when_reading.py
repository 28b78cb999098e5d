"""Reading a typed moment: the words, numbers and phrases of :mod:`bot.core.when`.

Turns ``besok jam 9 pagi``, ``Senin depan 08.00``, ``27/11 14.30`` or ``2 jam lagi``
into what they say (a clock time, a day, a weekday, a span from now), before any
calendar arithmetic. Pure; a reading that cannot be trusted raises :class:`WhenError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

# Far longer than any real answer; keeps pathological input cheap.
MAX_TEXT_LENGTH = 120


class WhenError(ValueError):
    """A moment that cannot be used; ``key`` names the user-facing message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, object] = params


# --- vocabulary -----------------------------------------------------------------------


def _words(*groups: str) -> dict[str, int]:
    """``("senin monday", ...)`` -> ``{"senin": 0, "monday": 0, ...}``."""
    return {word: number for number, group in enumerate(groups) for word in group.split()}


# Indonesian and English names with the abbreviations people (and Babel, which formats
# the bot's own times) use; index + 1 is the month number.
_MONTHS = {
    word: number + 1
    for word, number in _words(
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags agust aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ).items()
}
# Monday = 0 like ``date.weekday()`` and Babel's ``get_day_names``.
_WEEKDAYS = _words(
    "senin monday mon sen",
    "selasa tuesday tue tues sel",
    "rabu wednesday wed rab",
    "kamis thursday thu thur thurs kam",
    "jumat friday fri jum",
    "sabtu saturday sat sab",
    "minggu ahad sunday sun min",
)
_RELATIVE_DAYS = {"today": 0, "nanti": 0, "besok": 1, "esok": 1, "tomorrow": 1, "lusa": 2}
# Words that announce a clock time; a bare number right after one is an hour ("jam 8").
_CLOCK_WORDS = frozenset({"pukul", "pkl", "jam", "at"})
# Connecting words that carry no information ("hari Jumat", "tanggal 27", "on Friday").
_FILLER_WORDS = frozenset({"hari", "tanggal", "tgl", "pada", "on"})
# "jam 4 sore": the part of the day turns a 12-hour clock into the 24-hour one. Each
# part lists the 12-hour hours it covers and what to add; a 24-hour time inside the
# part ("16.00 sore") is fine too. "jam 12 malam" is left out: whether it is the start
# or the end of the day named is exactly the guess a schedule must not make.
_DAY_PARTS: dict[str, tuple[range, int]] = {
    "pagi": (range(1, 12), 0),  # 01.00-11.59
    "siang": (range(1, 4), 12),  # 13.00-15.59; "jam 10/11/12 siang" as typed
    "sore": (range(2, 7), 12),  # 14.00-18.59
    "petang": (range(4, 8), 12),  # 16.00-19.59
    "malam": (range(6, 12), 12),  # 18.00-23.59
}
_DAY_PART_AS_TYPED = {"siang": range(10, 13)}
# "senin depan" / "next monday": that weekday in the coming calendar week.
_NEXT_WEEK_WORDS = frozenset({"depan", "next"})
# "2 jam lagi", "dalam 30 menit", "in 2 hours", "setengah jam lagi": a span from now.
_SPAN_UNITS = {
    **dict.fromkeys(("jam", "hour", "hours", "hr", "hrs", "h"), 60),
    **dict.fromkeys(("menit", "minute", "minutes", "min", "mins", "m"), 1),
}
_SPAN_NUMBERS = {
    **_words(
        "nol",
        "satu se a an one",
        "dua two",
        "tiga three",
        "empat four",
        "lima five",
        "enam six",
        "tujuh seven",
        "delapan eight",
        "sembilan nine",
        "sepuluh ten",
    ),
}
_SPAN_LEAD = frozenset({"dalam", "in"})
_SPAN_TAIL = frozenset({"lagi", "later"})
_HALF = "setengah"
# An explicit Indonesian zone label means that zone, even if the office is elsewhere.
_ZONE_LABELS = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}

_TIME = re.compile(r"(\d{1,2})[.:](\d{2})(am|pm)?")
_TIME_AMPM = re.compile(r"(\d{1,2})(am|pm)")
_BARE_NUMBER = re.compile(r"\d{1,4}")
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR_NUMBER = re.compile(r"\d{4}|\d{2}")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
# Only "/" and "-" for day/month: "27.11" is how Indonesians write a clock time.
_DM = re.compile(r"(\d{1,2})[-/](\d{1,2})")


# --- reading the text -----------------------------------------------------------------


@dataclass
class Reading:
    """What the words said, before any calendar arithmetic."""

    clock: time | None = None
    relative: int | None = None
    weekday: int | None = None
    # (year or None, month, day), numbers as typed: validated against the calendar later.
    ymd: tuple[int | None, int, int] | None = None
    zone: ZoneInfo | None = None
    day_part: str | None = None
    next_week: bool = False

    def says_anything(self) -> bool:
        return any(v is not None for v in (self.clock, self.relative, self.weekday, self.ymd))


def normalize(text: str) -> list[str]:
    text = text.lower().strip()
    # "Jum'at" / "Jum’at": the apostrophe is optional in Indonesian spelling.
    text = re.sub(r"['’‘`]", "", text)
    text = text.replace(",", " ")
    text = re.sub(r"\bhari\s+ini\b", "today", text)
    text = re.sub(r"\bday\s+after\s+tomorrow\b", "lusa", text)
    # "2026-11-27T08:00" (ISO) and "08.00WIB" / "8 pm" glued or split differently.
    text = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", text)
    text = re.sub(r"(\d)(wib|wita|wit)\b", r"\1 \2", text)
    text = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text)
    # "sore ini" / "malam ini" are today's; "sejam" is "satu jam"; "2jam" is "2 jam".
    text = re.sub(r"\b(pagi|siang|sore|petang|malam)\s+ini\b", r"today \1", text)
    text = re.sub(r"\bsejam\b", "se jam", text)
    text = re.sub(r"(\d)(jam|menit|mins?|minutes?|hours?|hrs?)\b", r"\1 \2", text)
    # "Nov." / "pkl." / a sentence-ending "08.00." keep their meaning without the dot.
    return [token.rstrip(".") for token in text.split() if token.rstrip(".")]


def clock_text(hour: int, minute: int) -> str:
    return f"{hour:02d}.{minute:02d}"


def date_text(year: int | None, month: int, day: int) -> str:
    return f"{day}/{month}" if year is None else f"{day}/{month}/{year}"


def _clock(hour: int, minute: int, meridiem: str | None) -> time:
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise WhenError("when.invalid_time", time=f"{hour}{meridiem}")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError("when.invalid_time", time=clock_text(hour, minute))
    return time(hour, minute)


def _full_year(text: str) -> int:
    # Two-digit years are this century: nobody schedules a post for 1926.
    return int(text) + 2000 if len(text) == 2 else int(text)


def _numeric_date(token: str) -> tuple[int | None, int, int] | None:
    if match := _YMD.fullmatch(token):
        return int(match[1]), int(match[3]), int(match[4])
    if match := _DMY.fullmatch(token):
        return _full_year(match[4]), int(match[3]), int(match[1])
    if match := _DM.fullmatch(token):
        return None, int(match[2]), int(match[1])
    return None


def _worded_date(parts: list[str]) -> tuple[int | None, int, int] | None:
    """``27 nov [2026]`` or ``nov 27 [2026]``; ``None`` when there is no month name."""
    if not parts:
        return None
    months = [i for i, part in enumerate(parts) if part in _MONTHS]
    if len(months) != 1 or len(parts) > 3:
        raise WhenError("when.unreadable")
    where = months[0]
    # The day sits right next to the month, the year (if any) last.
    if where == 0 and len(parts) >= 2:
        day_text, rest = parts[1], parts[2:]
    elif where == 1:
        day_text, rest = parts[0], parts[2:]
    else:
        raise WhenError("when.unreadable")
    day = _DAY_NUMBER.fullmatch(day_text)
    if day is None or (rest and not _YEAR_NUMBER.fullmatch(rest[0])):
        raise WhenError("when.unreadable")
    year = _full_year(rest[0]) if rest else None
    return year, _MONTHS[parts[where]], int(day[1])


def read_span(tokens: list[str]) -> timedelta | None:
    """``2 jam lagi`` / ``dalam 1 jam 30 menit`` / ``in 2 hours``; None if not a span.

    Either a leading ``dalam``/``in`` or a trailing ``lagi`` is required, or a unit
    after the number, so that ``jam 2`` (a clock time) never reads as two hours.
    """
    words = list(tokens)
    lead = bool(words) and words[0] in _SPAN_LEAD
    tail = bool(words) and words[-1] in _SPAN_TAIL
    words = words[lead : len(words) - tail]
    if not words:
        return None
    minutes = 0
    amounts = 0
    while words:
        if len(words) >= 2 and words[0] == _HALF and _SPAN_UNITS.get(words[1]) == 60:
            minutes, words = minutes + 30, words[2:]
        elif len(words) >= 2 and words[1] in _SPAN_UNITS:
            number = words[0]
            if number.isdigit() and len(number) <= 4:
                amount = int(number)
            elif number in _SPAN_NUMBERS:
                amount = _SPAN_NUMBERS[number]
            else:
                return None
            minutes, words = minutes + amount * _SPAN_UNITS[words[1]], words[2:]
        else:
            return None
        amounts += 1
    if amounts > 2:  # "1 jam 30 menit" is a span; a list of five is not
        return None
    return timedelta(minutes=minutes)  # "0 menit lagi" is refused as the past, later


def _day_part(clock: time, part: str) -> time:
    """``jam 4`` + ``sore`` = 16.00; a 24-hour time already in the part stays."""
    hours, add = _DAY_PARTS[part]
    if clock.hour in hours:
        return clock.replace(hour=clock.hour + add)
    if clock.hour - add in hours or clock.hour in _DAY_PART_AS_TYPED.get(part, ()):
        return clock
    raise WhenError("when.day_part_mismatch", time=clock_text(clock.hour, clock.minute), part=part)


def read_text(text: str) -> Reading:
    if len(text) > MAX_TEXT_LENGTH:
        raise WhenError("when.unreadable")
    reading = Reading()
    worded: list[str] = []
    after_clock_word = False

    def once(current: object) -> None:
        # Two times, two dates or "besok lusa": guessing which one was meant is unsafe.
        if current is not None:
            raise WhenError("when.unreadable")

    for token in normalize(text):
        expects_hour, after_clock_word = after_clock_word, False
        if token in _CLOCK_WORDS:
            after_clock_word = True
        elif token in _FILLER_WORDS:
            continue
        elif token in _DAY_PARTS:
            once(reading.day_part)
            reading.day_part = token
        elif token in _NEXT_WEEK_WORDS:
            if reading.next_week:
                raise WhenError("when.unreadable")
            reading.next_week = True
        elif token in _ZONE_LABELS:
            once(reading.zone)
            reading.zone = ZoneInfo(_ZONE_LABELS[token])
        elif match := _TIME.fullmatch(token):
            once(reading.clock)
            reading.clock = _clock(int(match[1]), int(match[2]), match[3])
        elif match := _TIME_AMPM.fullmatch(token):
            once(reading.clock)
            reading.clock = _clock(int(match[1]), 0, match[2])
        elif expects_hour and _BARE_NUMBER.fullmatch(token):
            # "jam 8" is 08.00; "pukul 0830" is the military-style 08.30.
            once(reading.clock)
            hour, minute = divmod(int(token), 100) if len(token) > 2 else (int(token), 0)
            reading.clock = _clock(hour, minute, None)
        elif token in _RELATIVE_DAYS:
            once(reading.relative)
            reading.relative = _RELATIVE_DAYS[token]
        elif token in _WEEKDAYS:
            once(reading.weekday)
            reading.weekday = _WEEKDAYS[token]
        elif (ymd := _numeric_date(token)) is not None:
            once(reading.ymd)
            reading.ymd = ymd
        elif token in _MONTHS or _DAY_NUMBER.fullmatch(token) or _BARE_NUMBER.fullmatch(token):
            worded.append(token)
        else:
            raise WhenError("when.unreadable")

    if (
        len(worded) == 1
        and worded[0].isdigit()
        and len(worded[0]) <= 2
        and reading.clock is None
        and any(x is not None for x in (reading.relative, reading.weekday, reading.day_part))
    ):
        # "besok 9", "Senin 10", "4 sore": with a day named, a lone number is the hour.
        hour = int(worded.pop())
        if hour > 23:
            raise WhenError("when.unreadable")
        reading.clock = time(hour, 0)
    if (ymd := _worded_date(worded)) is not None:
        once(reading.ymd)
        reading.ymd = ymd
    if reading.day_part is not None and reading.clock is not None:
        reading.clock = _day_part(reading.clock, reading.day_part)
    if reading.next_week and (
        reading.weekday is None or reading.relative is not None or reading.ymd is not None
    ):
        raise WhenError("when.unreadable")  # "depan" alone, or with a date: next what?
    if reading.ymd is not None and reading.relative is not None:
        raise WhenError("when.unreadable")
    if not reading.says_anything():
        raise WhenError("when.unreadable")
    return reading
