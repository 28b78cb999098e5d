"""The chats' port: the team chats, the living cards and the open prompts, each call its
own short unit of work (``storage.chats`` implements it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core import values
from bot.core.purposes import Purpose
from bot.core.values import Person


@dataclass(frozen=True)
class StoredPrompt:
    """A question the bot asked a person in a chat, as kept."""

    kind: str
    item_id: int | None
    item_version: int | None
    message_id: int | None
    created_at: datetime


class Chats(Protocol):
    async def bind(
        self, admin: Person, purpose: Purpose, chat_id: int, title: str | None, now: datetime
    ) -> None:
        """Bind the group to the purpose (one group per purpose), with a line of history."""
        ...

    async def chat_for(self, purpose: Purpose) -> int | None: ...

    async def purposes_of(self, chat_id: int) -> list[Purpose]: ...

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: follow it everywhere it is remembered."""
        ...

    async def card(self, item_id: int, chat_id: int) -> values.Card | None: ...

    async def cards_of(self, item_id: int) -> list[values.Card]: ...

    async def save_card(self, item_id: int, chat_id: int, message_id: int, audience: str) -> None:
        """Where the item's card is in that chat now."""
        ...

    async def ask(
        self,
        chat_id: int,
        person_id: int,
        kind: str,
        now: datetime,
        item_id: int | None = None,
        item_version: int | None = None,
        message_id: int | None = None,
    ) -> None:
        """Remember the question (one per person per chat: a new one replaces it)."""
        ...

    async def set_prompt_message(self, chat_id: int, person_id: int, message_id: int) -> None: ...

    async def prompt(self, chat_id: int, person_id: int) -> StoredPrompt | None: ...

    async def forget(self, chat_id: int, person_id: int) -> bool:
        """Forget the question; False when there was none."""
        ...
