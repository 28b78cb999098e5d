"""What the monthly report reads (:mod:`bot.core.report`): each item's history and targets,
as plain values the storage maps its rows to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    action: str
    from_state: str | None = None
    to_state: str | None = None
    actor_name: str | None = None
    actor_role: str | None = None
    note: str | None = None

    @property
    def moves(self) -> bool:
        return (
            self.from_state is not None
            and self.to_state is not None
            and self.from_state != self.to_state
        )


@dataclass(frozen=True)
class PublicationRecord:
    """One target of an item: when publishing it was decided, and the attempts made."""

    target: str
    created_at: datetime
    attempts: int = 1


@dataclass(frozen=True)
class ItemRecord:
    item_id: int
    code: str
    title: str | None
    section: str | None
    officer_name: str
    created_at: datetime
    events: tuple[HistoryEvent, ...] = ()
    publications: tuple[PublicationRecord, ...] = ()

    @property
    def label(self) -> str:
        return self.title or self.code
