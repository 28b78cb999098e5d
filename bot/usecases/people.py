"""People, roles and invites: who may use warta and in which part of the SOP.

Admins come from ``WARTA_ADMIN_IDS``; everyone else arrives through a one-time,
expiring invite that grants one role. Every grant and revocation is an event.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.values import Invite, Person
from bot.core.workflow import Role, WorkflowError, roles_from
from storage import values
from storage.absences import deputy_candidates
from storage.loading import WITH_ROLES
from storage.models import Event, RoleGrant
from storage.models import Invite as InviteRow
from storage.models import Person as PersonRow

MAX_SECTION_LENGTH = 100


@dataclass(frozen=True)
class TelegramUser:
    """The few facts about a Telegram account that warta keeps."""

    id: int
    full_name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Redeemed:
    person: Person
    role: Role
    already_had: bool


def roles_of(person: Person | None) -> frozenset[Role]:
    return frozenset() if person is None else person.roles


def _held(row: PersonRow) -> frozenset[Role]:
    return roles_from(grant.role for grant in row.roles)


class PeopleService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        admin_ids: Sequence[int],
        invite_ttl: timedelta,
        default_language: str,
    ) -> None:
        self._sessions = sessions
        self.admin_ids = frozenset(admin_ids)
        self._invite_ttl = invite_ttl
        self._default_language = default_language

    async def get(self, person_id: int) -> Person | None:
        async with self._sessions() as session:
            return values.maybe_person(await session.get(PersonRow, person_id))

    async def recognise(self, user: TelegramUser, now: datetime) -> Person | None:
        """The registered person behind ``user`` (kept current), or None for strangers.

        Configured admins are registered on first contact, so a fresh install has
        someone who can hand out invites.
        """
        # Most updates come from someone already known and unchanged: read only, the
        # person and their roles in one statement.
        async with self._sessions() as session:
            row = await session.get(PersonRow, user.id, options=WITH_ROLES)
            known = values.maybe_person(row)
        if known is None and user.id not in self.admin_ids:
            return None
        if known is not None and not self._needs_update(known, user):
            return known
        try:
            return await self._register_or_refresh(user, now)
        except IntegrityError:
            # The same admin wrote in two chats at once and the other update won the
            # insert; the row exists now.
            return await self._register_or_refresh(user, now)

    async def _register_or_refresh(self, user: TelegramUser, now: datetime) -> Person | None:
        async with self._sessions.begin() as session:
            person = await session.get(PersonRow, user.id)
            if person is None and user.id in self.admin_ids:
                person = self._new_person(user, now)
                session.add(person)
                await session.flush()
            if person is None:
                return None
            person.full_name = user.full_name[:200]
            person.username = user.username
            person.unreachable = False
            if user.id in self.admin_ids and Role.ADMIN not in _held(person):
                person.roles.append(RoleGrant(role=Role.ADMIN.value, granted_at=now))
            return values.person(person)

    def is_current(self, person: Person, user: TelegramUser) -> bool:
        """Whether the stored person is as Telegram shows them now (nothing to refresh)."""
        return not self._needs_update(person, user)

    def _needs_update(self, person: Person, user: TelegramUser) -> bool:
        return (
            person.full_name != user.full_name[:200]
            or person.username != user.username
            or person.unreachable
            or (user.id in self.admin_ids and Role.ADMIN not in roles_of(person))
        )

    def _new_person(self, user: TelegramUser, now: datetime) -> PersonRow:
        language = (user.language_code or "").split("-")[0]
        return PersonRow(
            id=user.id,
            full_name=user.full_name[:200],
            username=user.username,
            language=language if language in ("id", "en") else self._default_language,
            created_at=now,
            roles=[],
        )

    async def create_invite(
        self, admin: Person, role: Role, section: str | None, now: datetime
    ) -> Invite:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        clean_section = (section or "").strip() or None
        if role is Role.OFFICER and clean_section is None:
            raise WorkflowError("error.section_required")
        if clean_section is not None and len(clean_section) > MAX_SECTION_LENGTH:
            raise WorkflowError("error.section_too_long", limit=MAX_SECTION_LENGTH)
        invite = InviteRow(
            token=secrets.token_urlsafe(18),
            role=role.value,
            section=clean_section if role is Role.OFFICER else None,
            created_by=admin.id,
            created_at=now,
            expires_at=now + self._invite_ttl,
        )
        async with self._sessions.begin() as session:
            session.add(invite)
            session.add(
                self._event(admin, "invite_created", f"{role.value} {clean_section or ''}", now)
            )
        return values.invite(invite)

    async def has_admin(self) -> bool:
        if self.admin_ids:
            return True
        async with self._sessions() as session:
            found = await session.scalar(
                select(RoleGrant.id).where(RoleGrant.role == Role.ADMIN.value).limit(1)
            )
            return found is not None

    async def admins(self) -> set[int]:
        """Telegram ids of every admin: those configured plus those made in chat (the
        first-admin link, or a grant by another admin)."""
        async with self._sessions() as session:
            granted = await session.scalars(
                select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN.value)
            )
            return set(self.admin_ids) | set(granted)

    async def bootstrap_invite(self, now: datetime) -> Invite:
        """An admin invite for a fresh install with nobody to hand one out yet; it is
        shown only to the operator on the server's console."""
        invite = InviteRow(
            token=secrets.token_urlsafe(18),
            role=Role.ADMIN.value,
            section=None,
            created_by=0,
            created_at=now,
            expires_at=now + self._invite_ttl,
        )
        async with self._sessions.begin() as session:
            session.add(invite)
            session.add(
                Event(
                    item_id=None,
                    actor_id=None,
                    actor_name="warta",
                    actor_role=Role.ADMIN.value,
                    action="invite_created",
                    note="admin (first start)",
                    created_at=now,
                )
            )
        return values.invite(invite)

    async def redeem(self, token: str, user: TelegramUser, now: datetime) -> Redeemed:
        async with self._sessions.begin() as session:
            invite = await session.get(InviteRow, token, with_for_update=True)
            if invite is None:
                raise WorkflowError("error.invite_unknown")
            role = Role(invite.role)
            person = await session.get(PersonRow, user.id)
            if invite.used_by is not None:
                # Reopening one's own link is harmless, as long as the role is still held.
                if invite.used_by == user.id and person is not None and role in _held(person):
                    return Redeemed(values.person(person), role, already_had=True)
                raise WorkflowError("error.invite_used")
            if invite.expires_at < now:
                raise WorkflowError("error.invite_expired")
            if person is None:
                person = self._new_person(user, now)
                session.add(person)
                await session.flush()
            already = role in _held(person)
            if not already:
                person.roles.append(
                    RoleGrant(role=role.value, granted_by=invite.created_by, granted_at=now)
                )
            if invite.section:
                person.section = invite.section
            invite.used_by = user.id
            invite.used_at = now
            fresh = values.person(person)
            session.add(self._event(fresh, "role_granted", role.value, now, actor_role=role))
            return Redeemed(fresh, role, already_had=already)

    async def list_people(self) -> list[Person]:
        async with self._sessions() as session:
            result = await session.scalars(select(PersonRow).order_by(PersonRow.full_name))
            return [values.person(row) for row in result]

    async def holders(self, role: Role) -> list[Person]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(PersonRow).join(RoleGrant).where(RoleGrant.role == role.value)
            )
            return [values.person(row) for row in result.unique()]

    async def deputy_candidates(self, official_id: int) -> list[tuple[int, str, bool]]:
        """Who may act for an official: (id, name, is an official), officials first."""
        async with self._sessions() as session:
            return await deputy_candidates(session, official_id)

    async def set_role(
        self, admin: Person, person_id: int, role: Role, granted: bool, now: datetime
    ) -> Person:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        if not granted and role is Role.ADMIN and person_id in self.admin_ids:
            # Configured admins are admins by configuration; revoking here would not stick.
            raise WorkflowError("error.admin_from_config")
        async with self._sessions.begin() as session:
            person = await session.get(PersonRow, person_id)
            if person is None:
                raise WorkflowError("error.person_unknown")
            current = {grant.role: grant for grant in person.roles}
            if granted and role.value not in current:
                person.roles.append(RoleGrant(role=role.value, granted_by=admin.id, granted_at=now))
            elif not granted and role.value in current:
                person.roles.remove(current[role.value])
            action = "role_granted" if granted else "role_revoked"
            session.add(self._event(admin, action, f"{person.id} {role.value}", now))
            return values.person(person)

    async def revoke_all(self, admin: Person, person_id: int, now: datetime) -> Person:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        async with self._sessions.begin() as session:
            person = await session.get(PersonRow, person_id)
            if person is None:
                raise WorkflowError("error.person_unknown")
            keep_admin = person_id in self.admin_ids
            for grant in list(person.roles):
                if not (keep_admin and grant.role == Role.ADMIN.value):
                    person.roles.remove(grant)
            session.add(self._event(admin, "roles_revoked", str(person.id), now))
            return values.person(person)

    async def set_language(self, person_id: int, language: str) -> None:
        async with self._sessions.begin() as session:
            person = await session.get(PersonRow, person_id)
            if person is not None:
                person.language = language

    async def mark_unreachable(self, person_id: int) -> None:
        async with self._sessions.begin() as session:
            person = await session.get(PersonRow, person_id)
            if person is not None:
                person.unreachable = True

    @staticmethod
    def _event(
        actor: Person, action: str, note: str, now: datetime, actor_role: Role | None = None
    ) -> Event:
        return Event(
            item_id=None,
            actor_id=actor.id,
            actor_name=actor.full_name,
            actor_role=(actor_role or Role.ADMIN).value,
            action=action,
            note=note.strip() or None,
            created_at=now,
        )
