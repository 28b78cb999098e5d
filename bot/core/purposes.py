"""What a team chat is for: the step whose people it holds (or the log)."""

from __future__ import annotations

from enum import StrEnum

from bot.core.workflow import Role


class Purpose(StrEnum):
    """What a bound group is for (one group per purpose, one purpose per group)."""

    IT = "it"
    EDITOR = "editor"
    OFFICIAL = "official"
    PUBLISHER = "publisher"
    LOG = "log"

    @property
    def role(self) -> Role | None:
        return {
            Purpose.IT: Role.IT,
            Purpose.EDITOR: Role.EDITOR,
            Purpose.OFFICIAL: Role.OFFICIAL,
            Purpose.PUBLISHER: Role.PUBLISHER,
        }.get(self)


def purpose_for_role(role: Role) -> Purpose | None:
    return next((p for p in Purpose if p.role is role), None)
