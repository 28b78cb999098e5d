"""Where things are shown: team chats, the living card per item per chat, open prompts.

The rules are here (only an admin binds a group; a question is forgotten after a while);
what is kept is the port's (:class:`bot.ports.chats.Chats`), so that after a restart the
bot still edits the same cards and still understands the reply to a question it asked
before it went down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import values

# Re-exported: chats are bound for a purpose; the enum itself is pure (bot.core.purposes).
from bot.core.purposes import Purpose as Purpose
from bot.core.purposes import purpose_for_role as purpose_for_role
from bot.core.values import Person
from bot.core.workflow import Role, WorkflowError
from bot.ports.chats import Chats
from bot.usecases.people import roles_of

# A question left unanswered this long is forgotten, so a stray message a day later
# is not taken as the answer.
PROMPT_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class PendingPrompt:
    kind: str
    item_id: int | None
    item_version: int | None
    message_id: int | None
    data: str | None = None


class ChatService:
    def __init__(self, chats: Chats) -> None:
        self._chats = chats

    # --- team chats ------------------------------------------------------------------

    async def bind(
        self, admin: Person, purpose: Purpose, chat_id: int, title: str | None, now: datetime
    ) -> None:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        # One group per purpose, but a group may serve several purposes (the SOP's
        # webmaster group often both edits and publishes).
        await self._chats.bind(admin, purpose, chat_id, title, now)

    async def chat_for(self, purpose: Purpose) -> int | None:
        return await self._chats.chat_for(purpose)

    async def purposes_of(self, chat_id: int) -> list[Purpose]:
        return await self._chats.purposes_of(chat_id)

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: follow it everywhere we remember it."""
        await self._chats.migrate_chat(old_id, new_id)

    # --- cards -----------------------------------------------------------------------

    async def card(self, item_id: int, chat_id: int) -> values.Card | None:
        return await self._chats.card(item_id, chat_id)

    async def cards_of(self, item_id: int) -> list[values.Card]:
        return await self._chats.cards_of(item_id)

    async def save_card(self, item_id: int, chat_id: int, message_id: int, audience: str) -> None:
        await self._chats.save_card(item_id, chat_id, message_id, audience)

    # --- prompts ---------------------------------------------------------------------

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
        await self._chats.ask(chat_id, person_id, kind, now, item_id, item_version, message_id)

    async def set_prompt_message(self, chat_id: int, person_id: int, message_id: int) -> None:
        await self._chats.set_prompt_message(chat_id, person_id, message_id)

    async def pending(self, chat_id: int, person_id: int, now: datetime) -> PendingPrompt | None:
        prompt = await self._chats.prompt(chat_id, person_id)
        if prompt is None or prompt.created_at + PROMPT_TTL < now:
            return None
        return PendingPrompt(prompt.kind, prompt.item_id, prompt.item_version, prompt.message_id)

    async def forget(self, chat_id: int, person_id: int) -> bool:
        return await self._chats.forget(chat_id, person_id)
