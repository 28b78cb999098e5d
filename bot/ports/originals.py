"""The received files' port: keeping a file's original, or leaving it out of its item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.ports.units import Sends


@dataclass(frozen=True)
class Kept:
    """Where a file's original now is, and whether its item already holds the same bytes
    in another file that is still in."""

    dropped: bool
    twin: bool


@dataclass(frozen=True)
class LeftOut:
    """A file just left out of its item: what the officer's notice names, and the item's
    cards (chat id → audience) to redraw."""

    item_id: int
    code: str
    officer_id: int
    file: str
    cards: dict[int, str]


class OriginalsWork(Sends, Protocol):
    async def keep(
        self, media_id: int, key: str, size: int, sha256: str, mime: str | None
    ) -> Kept | None:
        """Record where the file's original is (and the type read from its bytes, where
        the sender's app named none); None when the file is gone."""
        ...

    async def leave_out(self, media_id: int, reason: str, now: datetime) -> LeftOut | None:
        """Drop the file from its item with its reason (the row stays, for the record;
        the item's history says so); None when the file is gone or refused already."""
        ...
