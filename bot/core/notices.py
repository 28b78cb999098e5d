"""What must happen after a move: who is told what, and who the item is handed to.

Pure decisions, returned as values; the Telegram adapter (``handlers.announce``)
renders and sends them, and records when a state's delivery is complete. Every notice
about an item carries the same facts (its code, title, who moved it, the note), so a
notice here is just an audience and a message key.

The SOP's rules, in one place:

- The officer whose draft IT sends back is told why, and gets the draft's card again.
- When the official (or the publisher, or an official taking it down) decides, the
  officer, the IT team and the editors (everyone before the official) are told.
- Entering a state where another team must act hands the item to that team: its files
  and card for IT and the editors, a preview as the public will see it for the official
  and the publishers; back from the official with a note, the editors get the note and
  their card (the files are there already).
- The outbox starts at once after a publish, a takedown, a retry (and an approval when
  approved items are published without a tap).
- When nothing more will happen on any target, the people are told it is out (or gone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.publication import CANCELLED, DONE, REMOVED
from bot.core.purposes import Purpose, purpose_for_role
from bot.core.workflow import HANDOVER_STATES, Action, State, holder_role


class Audience(StrEnum):
    """People named by their relation to the item rather than by a team chat."""

    OFFICER = "officer"  # the item's officer, in private
    EARLIER = "earlier"  # the officer, the IT team and the editors


class Show(StrEnum):
    """What a team receives with the card when the item is handed to it."""

    FILES = "files"  # the officer's photos, videos and documents
    PREVIEW = "preview"  # the post as the public will see it
    NOTE = "note"  # a note on an item the team already holds (no files again)


@dataclass(frozen=True)
class Notice:
    to: Audience | Purpose
    key: str


@dataclass(frozen=True)
class HandOver:
    to: Purpose
    show: Show
    # Sent before the card when ``show`` is NOTE.
    key: str | None = None


@dataclass(frozen=True)
class Delivery:
    """Everything people must be told once an item has entered its current state."""

    notices: tuple[Notice, ...] = ()
    # The officer gets the item's card again (a draft sent back to them).
    officer_card: bool = False
    hand_over: HandOver | None = None


# The decision the officer and the teams before the official hear about.
OUTCOME_NOTICES: dict[Action, str] = {
    Action.APPROVE: "notify.approved",
    Action.REJECT: "notify.rejected",
    Action.HOLD: "notify.held",
    Action.UNPUBLISH: "notify.unpublished",
}
# Moves after which the publication outbox has new work.
OUTBOX_MOVES = frozenset({Action.PUBLISH, Action.UNPUBLISH, Action.RETRY})


def delivery(state: State, last_action: Action | None, note: str | None) -> Delivery:
    """Who must hear of the item now that it is in ``state``, reached by ``last_action``
    (the last state-changing move; None for a new draft) with ``note`` (its reason)."""
    notices: list[Notice] = []
    officer_card = False
    if state is State.COLLECTING and last_action is Action.SEND_BACK:
        notices.append(Notice(Audience.OFFICER, "notify.sent_back"))
        officer_card = True
    if last_action in OUTCOME_NOTICES:
        notices.append(Notice(Audience.EARLIER, OUTCOME_NOTICES[last_action]))
    return Delivery(tuple(notices), officer_card, _hand_over(state, note))


def _hand_over(state: State, note: str | None) -> HandOver | None:
    if state not in HANDOVER_STATES:
        return None
    role = holder_role(state)
    purpose = purpose_for_role(role) if role is not None else None
    if purpose is None:
        return None
    if state is State.EDITING and note:
        return HandOver(purpose, Show.NOTE, "notify.changes")
    if state in (State.REVIEW, State.APPROVED):
        return HandOver(purpose, Show.PREVIEW)
    return HandOver(purpose, Show.FILES)


def starts_outbox(action: Action, *, auto_publish: bool) -> bool:
    """Whether the outbox should run right after this move."""
    return action in OUTBOX_MOVES or (action is Action.APPROVE and auto_publish)


def settled_by_the_move(action: Action, statuses: Iterable[str]) -> bool:
    """Whether this move itself left every target done, so the people are told now
    (the outbox has nothing left to do and will not tell them)."""
    done = list(statuses)
    if action is Action.UNPUBLISH:
        # Taken down before anything went out.
        return all(s in (CANCELLED, REMOVED) for s in done)
    if action is Action.CONFIRM_OUT:
        # The last uncertain target was confirmed by a person.
        return all(s in DONE for s in done)
    return False
