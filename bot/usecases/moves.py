"""What a move is given and what it gives back: values shared by the use cases, the
handlers that render them and the log."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.card_facts import CardFacts
from bot.core.values import Event, Item, Person
from bot.core.workflow import Transition


class StaleItem(Exception):
    """The button or prompt refers to an older version of the item."""

    def __init__(self, item: Item, last_event: Event | None) -> None:
        super().__init__(item.code)
        self.item = item
        self.last_event = last_event


@dataclass
class Outcome:
    item: Item
    transition: Transition
    actor: Person | None  # None: the scheduler acted
    # The chats the move wrote messages for (the sender is woken for these).
    chats: tuple[int, ...] = ()
    # The item as the move left it, for whoever draws its cards and messages next
    # (None when the move did not read its officer: they are read again then).
    facts: CardFacts | None = None
    # The chat whose card the caller draws itself (the move wrote no row for it).
    drawn_in: int | None = None
