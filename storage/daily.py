"""Marks of once-a-day work (the morning digest), written with its messages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.purposes import Purpose
from storage.models import DailyMark, TeamChat


async def done_on(session: AsyncSession, name: str, day: date) -> bool:
    return await session.get(DailyMark, (name, day)) is not None


def mark_done(session: AsyncSession, name: str, day: date, now: datetime) -> None:
    """Inside the caller's transaction; a second writer of the same day fails its commit
    on the primary key (and writes none of its messages)."""
    session.add(DailyMark(name=name, day=day, done_at=now))


async def team_chats(session: AsyncSession) -> dict[int, list[Purpose]]:
    """Each bound step group (not the log group) with the steps it serves."""
    chats: dict[int, list[Purpose]] = {}
    for team in await session.scalars(select(TeamChat).order_by(TeamChat.bound_at)):
        purpose = Purpose(team.purpose)
        if purpose is not Purpose.LOG:
            chats.setdefault(team.chat_id, []).append(purpose)
    return chats
