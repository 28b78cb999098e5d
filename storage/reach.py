"""Who can be reached for an item right now, read inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outgoing import Reach
from bot.purposes import Purpose
from bot.workflow import Role
from storage.models import Card, Item, Person, RoleGrant, TeamChat

STEP_PURPOSES = (Purpose.IT, Purpose.EDITOR, Purpose.OFFICIAL, Purpose.PUBLISHER)


async def reach_of(session: AsyncSession, item: Item) -> Reach:
    """Each step's chats (its group, or its reachable holders in private), the item's
    cards, and who hears that a step has nobody (the log group and the admins)."""
    teams = {t.purpose: t.chat_id for t in await session.scalars(select(TeamChat))}
    unbound = [p.role.value for p in STEP_PURPOSES if p.value not in teams and p.role]
    holders: dict[str, list[int]] = {}
    wanted = [*unbound, Role.ADMIN.value]
    rows = await session.execute(
        select(RoleGrant.role, Person.id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(RoleGrant.role.in_(wanted), Person.unreachable.is_(False))
        .order_by(RoleGrant.id)
    )
    for role, person_id in rows:
        holders.setdefault(role, [])
        if person_id not in holders[role]:
            holders[role].append(person_id)
    steps: dict[Purpose, list[int]] = {}
    for purpose in STEP_PURPOSES:
        if purpose.value in teams:
            steps[purpose] = [teams[purpose.value]]
        elif purpose.role is not None:
            steps[purpose] = holders.get(purpose.role.value, [])
    if Purpose.LOG.value in teams:
        steps[Purpose.LOG] = [teams[Purpose.LOG.value]]
    wardens = list(dict.fromkeys([*steps.get(Purpose.LOG, []), *holders.get(Role.ADMIN.value, [])]))
    cards = {
        c.chat_id: c.audience
        for c in await session.scalars(
            select(Card).where(Card.item_id == item.id).order_by(Card.id)
        )
    }
    return Reach(steps=steps, officer_id=item.officer_id, cards=cards, wardens=wardens)
