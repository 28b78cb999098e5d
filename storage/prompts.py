"""The questions the bot asked and waits an answer to, inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Prompt


async def forget_prompt(session: AsyncSession, chat_id: int, person_id: int) -> bool:
    """Drop this person's open question in this chat; False when there was none."""
    result = await session.execute(
        delete(Prompt).where(Prompt.chat_id == chat_id, Prompt.person_id == person_id)
    )
    return bool(getattr(result, "rowcount", 0))
