"""A calendar month of the office, as the report and the archive name it ("2026-11")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 9999:
            raise ValueError(f"no such month: {self.year}-{self.month} (write it as 2026-11)")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-11"``; :class:`ValueError` otherwise."""
        found = _MONTH.match(text)
        if found is None:
            raise ValueError(f"cannot read {text!r} as a month (write it as 2026-11)")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, moment: datetime, zone: ZoneInfo) -> Month:
        local = moment.astimezone(zone)
        return cls(local.year, local.month)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The month's first instant and the next month's, in the office's zone."""
        start = datetime(self.year, self.month, 1, tzinfo=zone)
        following = self.next()
        return start, datetime(following.year, following.month, 1, tzinfo=zone)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
