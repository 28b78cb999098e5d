"""The sender's port: its rows as values, and the stores it works through
(``storage.outgoing``, ``storage.deliveries``). A row is written with the move that
needs it, claimed and committed before its Telegram call, then finished, one commit per
message; see :class:`OutgoingRows`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.core.outgoing import Kind, Message

# Waiting for the sender (the stored value keeps its first name, "pending").
WAITING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SUPERSEDED = "superseded"
DROPPED = "dropped"
UNFINISHED = (WAITING, SENDING, FAILED)


@dataclass(frozen=True)
class PlacedCard:
    """An item's card is now this message in that chat, seen by ``audience``."""

    item_id: int
    chat_id: int
    message_id: int
    audience: str


@dataclass(frozen=True)
class Finished:
    """How a claimed row went: ``sent`` or ``dropped`` (nothing to send), and the card
    its call placed, if any."""

    row_id: int
    status: str
    card: PlacedCard | None = None
    error: str | None = None


@dataclass(frozen=True)
class Queued:
    """One row, as the sender sees it."""

    id: int
    chat_id: int
    kind: Kind
    item_id: int | None
    audience: str | None
    repost: bool
    key: str | None
    params: dict[str, str] = field(default_factory=dict)
    translate: tuple[str, ...] = ()
    attempts: int = 0
    created_at: datetime | None = None
    # Of a message that takes several calls, how many went before a failed try.
    calls_done: int = 0

    @property
    def hands_over(self) -> bool:
        """Whether it gives the item to a step's people (its files, preview or card)."""
        return self.kind in (Kind.FILES, Kind.PREVIEW) or (self.kind is Kind.CARD and self.repost)

    @property
    def new(self) -> bool:
        """Whether it posts new messages (a card may only be edited)."""
        return self.kind is not Kind.CARD or self.repost


class OutgoingRows(Protocol):
    async def enqueue(self, messages: Sequence[Message], now: datetime) -> int:
        """Write the rows in a unit of work of their own; how many."""
        ...

    async def chats_with_work(self) -> list[int]: ...

    async def next_for(self, chat_id: int) -> Queued | None:
        """The chat's next row to send (older rows of its item first)."""
        ...

    async def take(self, chat_id: int, finished: Finished | None, now: datetime) -> Queued | None:
        """Record how the previous row went, then claim the chat's next row before its
        call, in one commit; None when the chat has nothing left."""
        ...

    async def claim(self, row_id: int) -> bool: ...

    async def finish(
        self, row_id: int, now: datetime, *, status: str = SENT, error: str | None = None
    ) -> None: ...

    async def record(self, finished: Finished, now: datetime) -> None: ...

    async def fail(self, row_id: int, error: str, calls_done: int = 0) -> None:
        """The call failed: the row waits for the next sweep."""
        ...

    async def retry_failed(self) -> int: ...

    async def give_up(self, older_than: datetime, now: datetime) -> list[Queued]:
        """Failed rows that kept failing for too long are dropped (and returned)."""
        ...

    async def recover(self) -> int:
        """At start: a row left being sent by a crash is sent again."""
        ...

    async def prune(self, older_than: datetime) -> int: ...

    async def counts(self) -> dict[str, int]: ...


class Deliveries(Protocol):
    async def redeliver(self, now: datetime) -> list[str]:
        """Hand over the items whose hand-over has not gone and has no rows waiting;
        the codes handed over."""
        ...

    async def announce_done(self, item_ids: Sequence[int], now: datetime) -> int:
        """Write the "it is out (or gone)" notices for items whose targets are done."""
        ...
