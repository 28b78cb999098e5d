"""Publishing targets behind one small interface.

The outbox worker and the targets (static site, WordPress, Telegram channel, webhook)
arrive with the publishing issue; this module fixes the port they implement so the rest
of warta can already depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PublishedRef:
    """Where a target put an item: its remote id (for updates and takedowns) and URL."""

    remote_id: str
    url: str | None = None


class Target(Protocol):
    """One place an approved item is published to. Implementations must be idempotent:
    publishing an item that is already there updates it instead of duplicating it."""

    name: str

    async def publish(self, item_id: int) -> PublishedRef: ...

    async def unpublish(self, item_id: int, ref: PublishedRef) -> None: ...
