"""Where things are shown: team chats, the living card per item per chat, open prompts.

Kept in the database so that after a restart the bot still edits the same cards and
still understands the reply to a question it asked before it went down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import values

# Re-exported: chats are bound for a purpose; the enum itself is pure (bot.core.purposes).
from bot.core.purposes import Purpose as Purpose
from bot.core.purposes import purpose_for_role as purpose_for_role
from bot.core.values import Person
from bot.core.workflow import Role, WorkflowError
from bot.usecases.people import roles_of
from storage import values as to_value
from storage.models import Card, Event, OutgoingRow, Prompt, TeamChat
from storage.outgoing import UNFINISHED
from storage.prompts import forget_prompt

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
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # --- team chats ------------------------------------------------------------------

    async def bind(
        self, admin: Person, purpose: Purpose, chat_id: int, title: str | None, now: datetime
    ) -> None:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        async with self._sessions.begin() as session:
            # One group per purpose, but a group may serve several purposes (the SOP's
            # webmaster group often both edits and publishes).
            existing = await session.get(TeamChat, purpose.value)
            if existing is None:
                session.add(
                    TeamChat(
                        purpose=purpose.value,
                        chat_id=chat_id,
                        title=title,
                        bound_by=admin.id,
                        bound_at=now,
                    )
                )
            else:
                existing.chat_id = chat_id
                existing.title = title
                existing.bound_by = admin.id
                existing.bound_at = now
            session.add(
                Event(
                    actor_id=admin.id,
                    actor_name=admin.full_name,
                    actor_role=Role.ADMIN.value,
                    action="chat_bound",
                    note=f"{purpose.value} {chat_id} {title or ''}".strip(),
                    created_at=now,
                )
            )

    async def chat_for(self, purpose: Purpose) -> int | None:
        async with self._sessions() as session:
            team = await session.get(TeamChat, purpose.value)
            return team.chat_id if team else None

    async def purposes_of(self, chat_id: int) -> list[Purpose]:
        async with self._sessions() as session:
            values = await session.scalars(
                select(TeamChat.purpose).where(TeamChat.chat_id == chat_id)
            )
            return [Purpose(v) for v in values]

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: follow it everywhere we remember it."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(TeamChat).where(TeamChat.chat_id == old_id).values(chat_id=new_id)
            )
            await session.execute(update(Card).where(Card.chat_id == old_id).values(chat_id=new_id))
            await session.execute(
                update(Prompt).where(Prompt.chat_id == old_id).values(chat_id=new_id)
            )
            await session.execute(
                update(OutgoingRow)
                .where(OutgoingRow.chat_id == old_id, OutgoingRow.status.in_(UNFINISHED))
                .values(chat_id=new_id)
            )

    # --- cards -----------------------------------------------------------------------

    async def card(self, item_id: int, chat_id: int) -> values.Card | None:
        async with self._sessions() as session:
            found = await session.scalar(
                select(Card).where(Card.item_id == item_id, Card.chat_id == chat_id)
            )
            return None if found is None else to_value.card(found)

    async def cards_of(self, item_id: int) -> list[values.Card]:
        async with self._sessions() as session:
            found = await session.scalars(select(Card).where(Card.item_id == item_id))
            return [to_value.card(row) for row in found]

    async def save_card(self, item_id: int, chat_id: int, message_id: int, audience: str) -> None:
        """Where the item's card is in that chat now (one statement when it had one)."""
        async with self._sessions.begin() as session:
            moved = await session.execute(
                update(Card)
                .where(Card.item_id == item_id, Card.chat_id == chat_id)
                .values(message_id=message_id, audience=audience)
            )
            if getattr(moved, "rowcount", 0) == 0:
                session.add(
                    Card(item_id=item_id, chat_id=chat_id, message_id=message_id, audience=audience)
                )

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
        async with self._sessions.begin() as session:
            prompt = await session.get(Prompt, (chat_id, person_id))
            if prompt is None:
                prompt = Prompt(chat_id=chat_id, person_id=person_id)
                session.add(prompt)
            prompt.kind = kind
            prompt.item_id = item_id
            prompt.item_version = item_version
            prompt.message_id = message_id
            prompt.created_at = now

    async def set_prompt_message(self, chat_id: int, person_id: int, message_id: int) -> None:
        async with self._sessions.begin() as session:
            prompt = await session.get(Prompt, (chat_id, person_id))
            if prompt is not None:
                prompt.message_id = message_id

    async def pending(self, chat_id: int, person_id: int, now: datetime) -> PendingPrompt | None:
        async with self._sessions() as session:
            prompt = await session.get(Prompt, (chat_id, person_id))
            if prompt is None or prompt.created_at + PROMPT_TTL < now:
                return None
            return PendingPrompt(
                prompt.kind, prompt.item_id, prompt.item_version, prompt.message_id
            )

    async def forget(self, chat_id: int, person_id: int) -> bool:
        async with self._sessions.begin() as session:
            return await forget_prompt(session, chat_id, person_id)
