"""Reminders and escalations: what the time standards make warta say, and to whom.

Pure decisions, returned as messages for the sender (``bot.core.outgoing``):

- At a step's reminder point, whoever holds it is reminded: the officer in private for
  a draft, otherwise the step's team group or, with none bound, its holders in
  private. The reminder names the item, how long it has waited in working time and
  offers the one button that moves it on.
- At its late point the step escalates to the supervisor: the configured supervisor
  chat, else the officials' chat. The officials' own step escalates to the configured
  supervisor, else to the admins (and the log group).
- While an official is away, their deputy (Plt/Plh) is reminded of the officials' step
  and hears the escalations the officials hear; an official away with no deputy makes
  those escalations go to the admins (and the log group) too.
- Whoever should hear and cannot be reached, the admins hear it instead: a reminder is
  never silently lost.

Each is sent once per step visit: the sweep marks the visit in the same transaction
that writes these messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.deputies import Away
from bot.core.outgoing import Kind, Message, Reach
from bot.core.purposes import Purpose, purpose_for_role
from bot.core.workflow import Action, State, holder_role


class Stage(StrEnum):
    REMIND = "remind"
    LATE = "late"


# The one move that takes each step on: the button a reminder offers.
NEXT_MOVE: dict[State, Action] = {
    State.COLLECTING: Action.SUBMIT,
    State.SUBMITTED: Action.ACCEPT,
    State.EDITING: Action.SEND_TO_OFFICIAL,
    State.REVIEW: Action.APPROVE,
    State.APPROVED: Action.PUBLISH,
}


@dataclass(frozen=True)
class Absent:
    """Today's absences, as the reminders need them."""

    # The deputies acting for an official away today.
    deputies: tuple[int, ...] = ()
    # Some official is away today with nobody acting for them.
    unattended: bool = False

    @classmethod
    def of(cls, aways: Iterable[Away]) -> Absent:
        aways = list(aways)
        deputies = tuple(dict.fromkeys(a.deputy_id for a in aways if a.deputy_id is not None))
        return cls(deputies, any(a.deputy_id is None for a in aways))


def holder_purpose(state: State) -> Purpose | None:
    """The team that holds a step; None for the officer's own draft."""
    if state is State.COLLECTING:
        return None
    role = holder_role(state)
    return purpose_for_role(role) if role is not None else None


def holder_chats(state: State, reach: Reach) -> list[int]:
    purpose = holder_purpose(state)
    return [reach.officer_id] if purpose is None else reach.chats(purpose)


def supervisor_chats(state: State, reach: Reach, supervisor: int | None) -> list[int]:
    if supervisor is not None:
        return [supervisor]
    if holder_purpose(state) is Purpose.OFFICIAL:
        return list(reach.wardens)
    return reach.chats(Purpose.OFFICIAL)


def reminder_messages(
    item_id: int,
    state: State,
    stage: Stage,
    reach: Reach,
    supervisor: int | None = None,
    absent: Absent = Absent(),
) -> list[Message]:
    """The messages of one reminder or escalation; the text is drawn when it is sent
    (the item as it is then, with its button at the item's version then)."""
    to_officials = False
    if stage is Stage.REMIND:
        chats = holder_chats(state, reach)
        to_officials = holder_purpose(state) is Purpose.OFFICIAL
    else:
        chats = supervisor_chats(state, reach, supervisor)
        to_officials = supervisor is None and holder_purpose(state) is not Purpose.OFFICIAL
    if to_officials:
        chats = [*chats, *absent.deputies]
        if stage is Stage.LATE and absent.unattended:
            chats += reach.wardens
    if not chats:
        chats = list(reach.wardens)
    params = {"state": state.value, "stage": stage.value}
    return [Message(chat, Kind.REMINDER, item_id, params=params) for chat in dict.fromkeys(chats)]
