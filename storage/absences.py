"""Absences of officials, read as :class:`bot.core.deputies.Away` values."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.deputies import Away, Reason
from bot.core.workflow import Role
from storage.models import Absence, Person, RoleGrant

_Official = aliased(Person)
_Deputy = aliased(Person)


def _query() -> Select[Absence, str, str | None]:
    return (
        select(Absence, _Official.full_name, _Deputy.full_name)
        .join(_Official, _Official.id == Absence.official_id)
        .outerjoin(_Deputy, _Deputy.id == Absence.deputy_id)
        .where(Absence.cancelled_at.is_(None))
        .order_by(Absence.starts_on, Absence.id)
    )


def _away(row: Absence, official: str, deputy: str | None) -> Away:
    return Away(
        id=row.id,
        official_id=row.official_id,
        official_name=official,
        deputy_id=row.deputy_id,
        deputy_name=deputy,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=Reason(row.reason),
    )


async def deputising(session: AsyncSession, person_id: int, day: date) -> Away | None:
    """The absence on ``day`` for which ``person_id`` acts (the earliest recorded)."""
    rows = await session.execute(
        _query().where(
            Absence.deputy_id == person_id, Absence.starts_on <= day, Absence.ends_on >= day
        )
    )
    row = rows.first()
    return None if row is None else _away(row[0], row[1], row[2])


async def upcoming(session: AsyncSession, day: date, official_id: int | None = None) -> list[Away]:
    """Absences running on ``day`` or later (one official's, or everyone's)."""
    query = _query().where(Absence.ends_on >= day)
    if official_id is not None:
        query = query.where(Absence.official_id == official_id)
    return [_away(row[0], row[1], row[2]) for row in await session.execute(query)]


async def away_on(session: AsyncSession, day: date) -> list[Away]:
    """The absences running on ``day``."""
    query = _query().where(Absence.starts_on <= day, Absence.ends_on >= day)
    return [_away(row[0], row[1], row[2]) for row in await session.execute(query)]


async def record(
    session: AsyncSession,
    official_id: int,
    deputy_id: int | None,
    starts_on: date,
    ends_on: date,
    reason: Reason,
    recorded_by: int,
    now: datetime,
) -> int:
    absence = Absence(
        official_id=official_id,
        deputy_id=deputy_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.value,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    session.add(absence)
    await session.flush()
    return absence.id


async def cancel(session: AsyncSession, absence_id: int, official_id: int, now: datetime) -> bool:
    """Cancel one of ``official_id``'s absences; False when there is none to cancel."""
    result = await session.execute(
        update(Absence)
        .where(
            Absence.id == absence_id,
            Absence.official_id == official_id,
            Absence.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def deputy_candidates(
    session: AsyncSession, official_id: int, limit: int = 12
) -> list[tuple[int, str, bool]]:
    """Who may be named deputy: registered people with a role, not the official
    themselves, not unreachable; officials first. (id, name, is an official)."""
    rows = await session.execute(
        select(Person.id, Person.full_name, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(Person.id != official_id, Person.unreachable.is_(False))
        .order_by(Person.full_name, Person.id)
    )
    people: dict[int, tuple[str, bool]] = {}
    for person_id, name, role in rows:
        known = people.get(person_id)
        official = role == Role.OFFICIAL.value or (known is not None and known[1])
        people[person_id] = (name, official)
    ranked = sorted(people.items(), key=lambda p: (not p[1][1], p[1][0]))
    return [(pid, name, official) for pid, (name, official) in ranked[:limit]]
