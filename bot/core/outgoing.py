"""The messages a move must send, as values: planned in the move's own transaction,
written as rows, and sent later by the one sender (``handlers.sender``).

Pure: given what the database says at the moment of the move (the item's cards, the
chats of each step, the officer), :func:`after_move` lists every message in the order
it must arrive. A message names *what* to show (a card, the files, a notice by key), not
its final text: the sender renders it when it goes, so a card shows the item as it is
then, and two redraws waiting for the same card collapse into one.

A row may *complete* something: when the last row that completes ``state:<s>`` has gone,
the item's delivery of state ``s`` is done; ``notice:<published|removed>`` likewise
records that the people were told where the item went. Until then the sweeps know the
work is unfinished (and retry the rows that failed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.core.notices import Audience, Delivery, Show
from bot.core.purposes import Purpose


class Kind(StrEnum):
    CARD = "card"  # the item's one card in that chat, as ``audience`` sees it
    FILES = "files"  # the officer's photos, videos and documents, as albums
    PREVIEW = "preview"  # the post as the public will see it
    NOTICE = "notice"  # a short message from the catalog (``key`` and ``params``)
    DONE = "done"  # "it is out (or gone) everywhere", with the links, rendered when sent
    REMINDER = "reminder"  # a step's reminder or escalation (``params``: state, stage)
    DIGEST = "digest"  # a team group's morning digest of its queue, drawn when sent
    HISTORY = "history"  # the item's history, drawn when sent (a button or /riwayat)
    FULL_TEXT = "fulltext"  # the item's whole title and text, in as many messages as needed
    REPORT = "report"  # a month's SOP report (``params``: month), made when it goes


@dataclass(frozen=True)
class Message:
    chat_id: int
    kind: Kind
    item_id: int | None = None
    audience: str | None = None
    # Post the card anew at the bottom of the chat (instead of editing it in place).
    repost: bool = False
    key: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    # Parameters whose value is itself a catalog key, translated per chat when sent.
    translate: tuple[str, ...] = ()
    completes: str | None = None


def completes_state(state: str) -> str:
    return f"state:{state}"


def completes_notice(notice: str) -> str:
    return f"notice:{notice}"


@dataclass(frozen=True)
class Reach:
    """Who can be reached for an item at the moment of a move."""

    # Each step's chats: its team group or, with none bound, each reachable holder.
    steps: Mapping[Purpose, Sequence[int]]
    officer_id: int
    # The item's cards: chat id -> audience.
    cards: Mapping[int, str]
    # Who hears that a step has nobody: the log group and the admins.
    wardens: Sequence[int] = ()

    def chats(self, purpose: Purpose) -> list[int]:
        return list(self.steps.get(purpose, ()))

    def earlier(self) -> list[int]:
        """The officer, the IT team and the editors: everyone before the official."""
        return list(
            dict.fromkeys([self.officer_id, *self.chats(Purpose.IT), *self.chats(Purpose.EDITOR)])
        )


@dataclass(frozen=True)
class Plan:
    messages: tuple[Message, ...]
    # True when nothing is left to deliver for the new state once these have gone
    # (False: a step had nobody to receive the item; the delivery sweep tries later).
    deliverable: bool


def card_redraws(item_id: int, cards: Mapping[int, str]) -> list[Message]:
    """Every card of the item drawn again where it is (the item changed)."""
    return [Message(chat, Kind.CARD, item_id, audience) for chat, audience in cards.items()]


def after_move(
    item_id: int,
    state: str,
    plan: Delivery,
    reach: Reach,
    facts: Mapping[str, str],
    *,
    first: bool = True,
    notices: bool = True,
    has_files: bool = True,
) -> Plan:
    """The messages that deliver the item's new ``state``: the notices, the officer's
    card, the hand-over to the next step. ``first`` is False for the sweep's later try
    (nobody is warned twice); ``notices`` False leaves out what was already sent;
    ``has_files`` False: the item has no files to hand over (only its card goes)."""
    done = completes_state(state)
    messages: list[Message] = []
    if notices:
        for notice in plan.notices:
            for chat in _audience(notice.to, reach):
                messages.append(
                    Message(
                        chat, Kind.NOTICE, item_id, key=notice.key, params=facts, completes=done
                    )
                )
        if plan.officer_card:
            messages.append(
                Message(
                    reach.officer_id, Kind.CARD, item_id, "officer", repost=True, completes=done
                )
            )
    step = plan.hand_over
    if step is None:
        return Plan(tuple(messages), True)
    chats = reach.chats(step.to)
    if not chats:
        # Nobody to hand it to: the admins hear it once; it is not delivered yet.
        undone = [replace(m, completes=None) for m in messages]
        if first:
            for chat in reach.wardens:
                undone.append(
                    Message(
                        chat,
                        Kind.NOTICE,
                        item_id,
                        key="notify.nobody",
                        params={"code": facts.get("code", ""), "group": f"purpose.{step.to.value}"},
                        translate=("group",),
                    )
                )
        return Plan(tuple(undone), False)
    audience = step.to.value
    for chat in chats:
        if step.show is Show.NOTE:
            if step.key is not None:
                messages.append(
                    Message(chat, Kind.NOTICE, item_id, key=step.key, params=facts, completes=done)
                )
        else:
            held = reach.cards.get(chat)
            # A group serving several steps already shows the item's files.
            if step.show is Show.PREVIEW and (held is None or held == audience):
                messages.append(Message(chat, Kind.PREVIEW, item_id, completes=done))
            elif has_files and (held is None or held == audience):
                messages.append(Message(chat, Kind.FILES, item_id, completes=done))
        messages.append(Message(chat, Kind.CARD, item_id, audience, repost=True, completes=done))
    return Plan(tuple(messages), True)


def _audience(to: Audience | Purpose, reach: Reach) -> list[int]:
    if to is Audience.OFFICER:
        return [reach.officer_id]
    if to is Audience.EARLIER:
        return reach.earlier()
    assert isinstance(to, Purpose)
    return reach.chats(to)


def done_notices(
    item_id: int, removal: bool, reach: Reach, officer_reachable: bool
) -> list[Message]:
    """Every target has the item (or none has it any more): the webmaster group, the
    officer and, for a takedown, the officials are told, with the links."""
    chats = reach.chats(Purpose.EDITOR)
    if removal:
        chats += reach.chats(Purpose.OFFICIAL)
    if officer_reachable:
        chats.append(reach.officer_id)
    marker = completes_notice("removed" if removal else "published")
    return [Message(chat, Kind.DONE, item_id, completes=marker) for chat in dict.fromkeys(chats)]
