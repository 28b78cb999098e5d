"""The office's own working-time calendar, built from its settings.

Indonesia's public holidays and collective-leave days (cuti bersama) come from the
maintained ``holidays`` package (its ``public`` and ``government`` categories, names in
Indonesian); the settings add days closed by a local decree and days worked to make up
for leave. Years are filled in as they are asked for, so a bot running across New Year
needs no restart.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from zoneinfo import ZoneInfo

import holidays

from bot.core.working_time import OfficeCalendar, office_week
from bot.shell.config import Settings

# A day closed by the office itself has no national name; cards and digests say so in
# the reader's language.
EXTRA_CLOSED_NAME = ""


class IndonesianHolidays:
    """Indonesia's holidays of the chosen categories, plus the office's own closed days."""

    def __init__(self, categories: Collection[str], extra: Mapping[date, str]) -> None:
        self._extra = dict(extra)
        self._national = (
            holidays.country_holidays("ID", categories=tuple(categories), language="id")
            if categories
            else None
        )

    def get(self, day: date, /) -> str | None:
        named = self._extra.get(day)
        if named is not None:
            return named
        if self._national is None:
            return None
        found = self._national.get(day)
        return str(found) if found is not None else None


def office_calendar(settings: Settings) -> OfficeCalendar:
    return OfficeCalendar(
        ZoneInfo(settings.timezone),
        office_week(settings.office_hours, settings.office_break),
        IndonesianHolidays(
            settings.holidays, dict.fromkeys(settings.closed_days, EXTRA_CLOSED_NAME)
        ),
        extra_open=settings.working_days,
    )
