"""People, roles and invites: who may use warta and in which part of the SOP.

Admins come from ``WARTA_ADMIN_IDS``; everyone else arrives through a one-time,
expiring invite that grants one role. Every grant and revocation is an event.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.values import Invite, Person
from bot.core.workflow import Role, WorkflowError
from bot.ports.people import Happened, NewPerson, PeopleWork
from bot.ports.units import Conflict, Units

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


class PeopleService:
    def __init__(
        self,
        units: Units[PeopleWork],
        admin_ids: Sequence[int],
        invite_ttl: timedelta,
        default_language: str,
    ) -> None:
        self._units = units
        self.admin_ids = frozenset(admin_ids)
        self._invite_ttl = invite_ttl
        self._default_language = default_language

    async def get(self, person_id: int) -> Person | None:
        async with self._units.read() as work:
            return await work.person(person_id)

    async def recognise(self, user: TelegramUser, now: datetime) -> Person | None:
        """The registered person behind ``user`` (kept current), or None for strangers.

        Configured admins are registered on first contact, so a fresh install has
        someone who can hand out invites.
        """
        # Most updates come from someone already known and unchanged: read only, the
        # person and their roles in one statement.
        known = await self.get(user.id)
        if known is None and user.id not in self.admin_ids:
            return None
        if known is not None and not self._needs_update(known, user):
            return known
        try:
            return await self._register_or_refresh(user, now)
        except Conflict:
            # The same admin wrote in two chats at once and the other update won the
            # insert; the row exists now.
            return await self._register_or_refresh(user, now)

    async def _register_or_refresh(self, user: TelegramUser, now: datetime) -> Person | None:
        async with self._units() as work:
            person = await work.person(user.id)
            if person is None and user.id in self.admin_ids:
                person = await work.add_person(self._new_person(user), now)
            if person is None:
                return None
            await work.refresh(person.id, user.full_name[:200], user.username)
            if user.id in self.admin_ids and Role.ADMIN not in person.roles:
                await work.grant(person.id, Role.ADMIN, None, now)
            return await work.person(person.id)

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

    def _new_person(self, user: TelegramUser) -> NewPerson:
        language = (user.language_code or "").split("-")[0]
        return NewPerson(
            id=user.id,
            full_name=user.full_name[:200],
            username=user.username,
            language=language if language in ("id", "en") else self._default_language,
        )

    def _new_invite(self, role: Role, section: str | None, by: int, now: datetime) -> Invite:
        return Invite(
            token=secrets.token_urlsafe(18),
            role=role.value,
            section=section,
            created_by=by,
            created_at=now,
            expires_at=now + self._invite_ttl,
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
        invite = self._new_invite(
            role, clean_section if role is Role.OFFICER else None, admin.id, now
        )
        async with self._units() as work:
            await work.add_invite(invite)
            work.record(
                _happened(admin, "invite_created", f"{role.value} {clean_section or ''}", now)
            )
        return invite

    async def has_admin(self) -> bool:
        if self.admin_ids:
            return True
        async with self._units.read() as work:
            return bool(await work.holder_ids(Role.ADMIN))

    async def admins(self) -> set[int]:
        """Telegram ids of every admin: those configured plus those made in chat (the
        first-admin link, or a grant by another admin)."""
        async with self._units.read() as work:
            return set(self.admin_ids) | await work.holder_ids(Role.ADMIN)

    async def bootstrap_invite(self, now: datetime) -> Invite:
        """An admin invite for a fresh install with nobody to hand one out yet; it is
        shown only to the operator on the server's console."""
        invite = self._new_invite(Role.ADMIN, None, 0, now)
        async with self._units() as work:
            await work.add_invite(invite)
            work.record(
                Happened(None, "warta", Role.ADMIN, "invite_created", "admin (first start)", now)
            )
        return invite

    async def redeem(self, token: str, user: TelegramUser, now: datetime) -> Redeemed:
        async with self._units() as work:
            invite = await work.invite(token)
            if invite is None:
                raise WorkflowError("error.invite_unknown")
            role = Role(invite.role)
            person = await work.person(user.id)
            if invite.used_by is not None:
                # Reopening one's own link is harmless, as long as the role is still held.
                if invite.used_by == user.id and person is not None and role in person.roles:
                    return Redeemed(person, role, already_had=True)
                raise WorkflowError("error.invite_used")
            if invite.expires_at < now:
                raise WorkflowError("error.invite_expired")
            if person is None:
                person = await work.add_person(self._new_person(user), now)
            already = role in person.roles
            if not already:
                await work.grant(person.id, role, invite.created_by, now)
            if invite.section:
                await work.set_section(person.id, invite.section)
            await work.use_invite(token, user.id, now)
            fresh = await work.person(person.id)
            assert fresh is not None
            work.record(_happened(fresh, "role_granted", role.value, now, actor_role=role))
            return Redeemed(fresh, role, already_had=already)

    async def list_people(self) -> list[Person]:
        async with self._units.read() as work:
            return await work.people()

    async def holders(self, role: Role) -> list[Person]:
        async with self._units.read() as work:
            return await work.holders(role)

    async def deputy_candidates(self, official_id: int) -> list[tuple[int, str, bool]]:
        """Who may act for an official: (id, name, is an official), officials first."""
        async with self._units.read() as work:
            return await work.deputy_candidates(official_id)

    async def set_role(
        self, admin: Person, person_id: int, role: Role, granted: bool, now: datetime
    ) -> Person:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        if not granted and role is Role.ADMIN and person_id in self.admin_ids:
            # Configured admins are admins by configuration; revoking here would not stick.
            raise WorkflowError("error.admin_from_config")
        async with self._units() as work:
            person = await work.person(person_id)
            if person is None:
                raise WorkflowError("error.person_unknown")
            if granted and role not in person.roles:
                await work.grant(person_id, role, admin.id, now)
            elif not granted and role in person.roles:
                await work.revoke(person_id, role)
            action = "role_granted" if granted else "role_revoked"
            work.record(_happened(admin, action, f"{person.id} {role.value}", now))
            fresh = await work.person(person_id)
            assert fresh is not None
            return fresh

    async def revoke_all(self, admin: Person, person_id: int, now: datetime) -> Person:
        if Role.ADMIN not in roles_of(admin):
            raise WorkflowError("error.admin_only")
        async with self._units() as work:
            person = await work.person(person_id)
            if person is None:
                raise WorkflowError("error.person_unknown")
            keep_admin = person_id in self.admin_ids
            for role in person.roles:
                if not (keep_admin and role is Role.ADMIN):
                    await work.revoke(person_id, role)
            work.record(_happened(admin, "roles_revoked", str(person.id), now))
            fresh = await work.person(person_id)
            assert fresh is not None
            return fresh

    async def set_language(self, person_id: int, language: str) -> None:
        async with self._units() as work:
            await work.set_language(person_id, language)

    async def mark_unreachable(self, person_id: int) -> None:
        async with self._units() as work:
            await work.mark_unreachable(person_id)


def _happened(
    actor: Person, action: str, note: str, now: datetime, actor_role: Role | None = None
) -> Happened:
    return Happened(
        actor.id, actor.full_name, actor_role or Role.ADMIN, action, note.strip() or None, now
    )
