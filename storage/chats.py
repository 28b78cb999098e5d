"""Where things are shown, kept in the database (the port :class:`bot.ports.chats.Chats`):
the team chats, the living card per item per chat, and the open prompts, so that after a
restart the bot still edits the same cards and still understands the reply to a question
it asked before it went down."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import values
from bot.core.purposes import Purpose
from bot.core.values import Person
from bot.core.workflow import Role
from bot.ports.chats import StoredPrompt
from bot.ports.outgoing import UNFINISHED
from storage import values as to_value
from storage.models import Card, Event, OutgoingRow, Prompt, TeamChat
from storage.prompts import forget_prompt


class SqlChats:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # --- team chats ------------------------------------------------------------------

    async def bind(
        self, admin: Person, purpose: Purpose, chat_id: int, title: str | None, now: datetime
    ) -> None:
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

    async def prompt(self, chat_id: int, person_id: int) -> StoredPrompt | None:
        async with self._sessions() as session:
            prompt = await session.get(Prompt, (chat_id, person_id))
            if prompt is None:
                return None
            return StoredPrompt(
                prompt.kind,
                prompt.item_id,
                prompt.item_version,
                prompt.message_id,
                prompt.created_at,
            )

    async def forget(self, chat_id: int, person_id: int) -> bool:
        async with self._sessions.begin() as session:
            return await forget_prompt(session, chat_id, person_id)
