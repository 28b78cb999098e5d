"""Who can be reached for an item right now, read inside the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.card_facts import CardSpot
from bot.core.outgoing import Reach
from bot.core.purposes import Purpose
from bot.core.workflow import Role
from storage.models import Absence, Card, Item, Person, RoleGrant, TeamChat

STEP_PURPOSES = (Purpose.IT, Purpose.EDITOR, Purpose.OFFICIAL, Purpose.PUBLISHER)


async def read_cards(session: AsyncSession, item_id: int) -> dict[int, CardSpot]:
    """Where the item's cards are: chat id -> its message and audience."""
    rows = await session.scalars(select(Card).where(Card.item_id == item_id).order_by(Card.id))
    return {c.chat_id: CardSpot(c.message_id, c.audience) for c in rows}


async def reach_of(
    session: AsyncSession,
    item: Item,
    *,
    wardens: bool = False,
    cards: dict[int, CardSpot] | None = None,
    deputies_on: date | None = None,
) -> Reach:
    """:func:`reach_for` the item."""
    return await reach_for(
        session, item.id, item.officer_id, wardens=wardens, cards=cards, deputies_on=deputies_on
    )


async def reach_for(
    session: AsyncSession,
    item_id: int,
    officer_id: int,
    *,
    wardens: bool = False,
    cards: dict[int, CardSpot] | None = None,
    deputies_on: date | None = None,
) -> Reach:
    """Each step's chats (its group, or its reachable holders in private) and the item's
    cards (``cards``, when the caller read them already); with ``wardens``, also who
    hears that a step has nobody (the log group and the admins). Where every step has
    its group, no role holder is looked up."""
    teams = {t.purpose: t.chat_id for t in await session.scalars(select(TeamChat))}
    unbound = [p.role.value for p in STEP_PURPOSES if p.value not in teams and p.role]
    wanted = [*unbound, Role.ADMIN.value] if wardens else unbound
    holders = await _holders(session, wanted) if wanted else {}
    steps: dict[Purpose, list[int]] = {}
    for purpose in STEP_PURPOSES:
        if purpose.value in teams:
            steps[purpose] = [teams[purpose.value]]
        elif purpose.role is not None:
            steps[purpose] = holders.get(purpose.role.value, [])
    if deputies_on is not None:
        # Deputies of officials away that day take part in the officials' step, in private.
        deputies = await _deputies(session, deputies_on)
        steps[Purpose.OFFICIAL] = list(dict.fromkeys([*steps[Purpose.OFFICIAL], *deputies]))
    if Purpose.LOG.value in teams:
        steps[Purpose.LOG] = [teams[Purpose.LOG.value]]
    if cards is None:
        cards = await read_cards(session, item_id)
    return Reach(
        steps=steps,
        officer_id=officer_id,
        cards={chat: spot.audience for chat, spot in cards.items()},
        wardens=wardens_of(steps, holders) if wardens else (),
    )


def wardens_of(steps: dict[Purpose, list[int]], holders: dict[str, list[int]]) -> list[int]:
    return list(dict.fromkeys([*steps.get(Purpose.LOG, []), *holders.get(Role.ADMIN.value, [])]))


async def _deputies(session: AsyncSession, day: date) -> list[int]:
    rows = await session.scalars(
        select(Absence.deputy_id)
        .join(Person, Person.id == Absence.deputy_id)
        .where(
            Absence.cancelled_at.is_(None),
            Absence.starts_on <= day,
            Absence.ends_on >= day,
            Person.unreachable.is_(False),
        )
        .order_by(Absence.id)
    )
    return [person_id for person_id in rows if person_id is not None]


async def _holders(session: AsyncSession, roles: list[str]) -> dict[str, list[int]]:
    """The reachable people holding each role, in the order they were granted it."""
    holders: dict[str, list[int]] = {}
    rows = await session.execute(
        select(RoleGrant.role, Person.id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(RoleGrant.role.in_(roles), Person.unreachable.is_(False))
        .order_by(RoleGrant.id)
    )
    for role, person_id in rows:
        holders.setdefault(role, [])
        if person_id not in holders[role]:
            holders[role].append(person_id)
    return holders
