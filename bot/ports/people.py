"""The people's port: persons, their roles, invites and the history of who granted what,
as one unit of work (``storage.people`` implements it). The use case decides (who may
grant, whether an invite still holds); the port only reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.values import Invite, Person
from bot.core.workflow import Role


@dataclass(frozen=True)
class NewPerson:
    id: int
    full_name: str
    username: str | None
    language: str


@dataclass(frozen=True)
class Happened:
    """A line of the office-wide history (not about one item): who did what, when."""

    actor_id: int | None
    actor_name: str
    actor_role: Role
    action: str
    note: str | None
    at: datetime


class PeopleWork(Protocol):
    async def person(self, person_id: int) -> Person | None:
        """The person with their roles, as this unit of work sees them now."""
        ...

    async def add_person(self, new: NewPerson, now: datetime) -> Person: ...

    async def refresh(self, person_id: int, full_name: str, username: str | None) -> None:
        """As Telegram shows them now; a person who writes is reachable again."""
        ...

    async def grant(
        self, person_id: int, role: Role, granted_by: int | None, now: datetime
    ) -> None: ...

    async def revoke(self, person_id: int, role: Role) -> None: ...

    async def set_section(self, person_id: int, section: str) -> None: ...

    async def set_language(self, person_id: int, language: str) -> None: ...

    async def mark_unreachable(self, person_id: int) -> None: ...

    async def invite(self, token: str) -> Invite | None:
        """The invite, locked until the unit of work ends (two redeemers never both win)."""
        ...

    async def add_invite(self, invite: Invite) -> None: ...

    async def use_invite(self, token: str, user_id: int, now: datetime) -> None: ...

    def record(self, happened: Happened) -> None: ...

    async def holder_ids(self, role: Role) -> set[int]:
        """Who holds ``role`` by a grant (not by configuration)."""
        ...

    async def people(self) -> list[Person]:
        """Everyone, by name."""
        ...

    async def holders(self, role: Role) -> list[Person]: ...

    async def deputy_candidates(self, official_id: int) -> list[tuple[int, str, bool]]:
        """Who may act for an official: (id, name, is an official), officials first."""
        ...
