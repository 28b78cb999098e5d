"""Reminders and escalations: what the time standards make warta say, and to whom.

Pure decisions, returned as messages for the sender (``bot.outgoing``):

- At a step's reminder point, whoever holds it is reminded: the officer in private for
  a draft, otherwise the step's team group or, with none bound, its holders in
  private. The reminder names the item, how long it has waited in working time and
  offers the one button that moves it on.
- At its late point the step escalates to the supervisor: the configured supervisor
  chat, else the officials' chat. The officials' own step escalates to the configured
  supervisor, else to the admins (and the log group).
- Whoever should hear and cannot be reached, the admins hear it instead: a reminder is
  never silently lost.

Each is sent once per step visit: the sweep marks the visit in the same transaction
that writes these messages.
"""

from __future__ import annotations

from enum import StrEnum

from bot.outgoing import Kind, Message, Reach
from bot.purposes import Purpose, purpose_for_role
from bot.workflow import Action, State, holder_role


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
    item_id: int, state: State, stage: Stage, reach: Reach, supervisor: int | None = None
) -> list[Message]:
    """The messages of one reminder or escalation; the text is drawn when it is sent
    (the item as it is then, with its button at the item's version then)."""
    if stage is Stage.REMIND:
        chats = holder_chats(state, reach)
    else:
        chats = supervisor_chats(state, reach, supervisor)
    if not chats:
        chats = list(reach.wardens)
    params = {"state": state.value, "stage": stage.value}
    return [Message(chat, Kind.REMINDER, item_id, params=params) for chat in dict.fromkeys(chats)]
