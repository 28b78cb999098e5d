"""Everything the sender needs to draw an item's messages, as values: the item, its
officer, its last event and where its cards are. A move hands them on with its outcome;
the sender reads them once for all of an item's rows (``storage.card_facts``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.values import Event, Item, Person


@dataclass(frozen=True)
class CardSpot:
    """The item's card in one chat: which message, for whose eyes."""

    message_id: int
    audience: str


@dataclass
class CardFacts:
    item: Item
    officer: Person | None
    last_event: Event | None
    # chat id -> the card there; kept current by the sender as it places cards.
    cards: dict[int, CardSpot] = field(default_factory=dict)
    # The item's rows still to go when these facts were read.
    rows: frozenset[int] = frozenset()
