"""Persons, role grants and invites on one session (the port
:class:`bot.ports.people.PeopleWork`); nothing here decides who may do what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.values import Invite, Person
from bot.core.workflow import Role
from bot.ports.people import Happened, NewPerson
from storage import absences
from storage import values as to_value
from storage.loading import WITH_ROLES
from storage.models import Event, RoleGrant
from storage.models import Invite as InviteRow
from storage.models import Person as PersonRow


class SqlPeopleWork:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, person_id: int) -> PersonRow | None:
        return await self._session.get(PersonRow, person_id, options=WITH_ROLES)

    async def person(self, person_id: int) -> Person | None:
        return to_value.maybe_person(await self._row(person_id))

    async def add_person(self, new: NewPerson, now: datetime) -> Person:
        row = PersonRow(
            id=new.id,
            full_name=new.full_name,
            username=new.username,
            language=new.language,
            created_at=now,
            roles=[],
        )
        self._session.add(row)
        await self._session.flush()
        return to_value.person(row)

    async def refresh(self, person_id: int, full_name: str, username: str | None) -> None:
        row = await self._row(person_id)
        if row is not None:
            row.full_name, row.username, row.unreachable = full_name, username, False

    async def grant(
        self, person_id: int, role: Role, granted_by: int | None, now: datetime
    ) -> None:
        row = await self._row(person_id)
        if row is not None and role.value not in {grant.role for grant in row.roles}:
            row.roles.append(RoleGrant(role=role.value, granted_by=granted_by, granted_at=now))

    async def revoke(self, person_id: int, role: Role) -> None:
        row = await self._row(person_id)
        if row is not None:
            for grant in [g for g in row.roles if g.role == role.value]:
                row.roles.remove(grant)

    async def set_section(self, person_id: int, section: str) -> None:
        row = await self._row(person_id)
        if row is not None:
            row.section = section

    async def set_language(self, person_id: int, language: str) -> None:
        row = await self._session.get(PersonRow, person_id)
        if row is not None:
            row.language = language

    async def mark_unreachable(self, person_id: int) -> None:
        row = await self._session.get(PersonRow, person_id)
        if row is not None:
            row.unreachable = True

    async def invite(self, token: str) -> Invite | None:
        row = await self._session.get(InviteRow, token, with_for_update=True)
        return None if row is None else to_value.invite(row)

    async def add_invite(self, invite: Invite) -> None:
        self._session.add(
            InviteRow(
                token=invite.token,
                role=invite.role,
                section=invite.section,
                created_by=invite.created_by,
                created_at=invite.created_at,
                expires_at=invite.expires_at,
            )
        )

    async def use_invite(self, token: str, user_id: int, now: datetime) -> None:
        row = await self._session.get(InviteRow, token)
        if row is not None:
            row.used_by, row.used_at = user_id, now

    def record(self, happened: Happened) -> None:
        self._session.add(
            Event(
                item_id=None,
                actor_id=happened.actor_id,
                actor_name=happened.actor_name,
                actor_role=happened.actor_role.value,
                action=happened.action,
                note=happened.note,
                created_at=happened.at,
            )
        )

    async def holder_ids(self, role: Role) -> set[int]:
        found = await self._session.scalars(
            select(RoleGrant.person_id).where(RoleGrant.role == role.value)
        )
        return set(found)

    async def people(self) -> list[Person]:
        result = await self._session.scalars(select(PersonRow).order_by(PersonRow.full_name))
        return [to_value.person(row) for row in result]

    async def holders(self, role: Role) -> list[Person]:
        result = await self._session.scalars(
            select(PersonRow).join(RoleGrant).where(RoleGrant.role == role.value)
        )
        return [to_value.person(row) for row in result.unique()]

    async def deputy_candidates(self, official_id: int) -> list[tuple[int, str, bool]]:
        return await absences.deputy_candidates(self._session, official_id)
