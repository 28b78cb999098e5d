"""Table tests for what must happen after a move (``bot.core.notices``): pure, no Telegram."""

from __future__ import annotations

import pytest

from bot.core.notices import (
    Audience,
    Delivery,
    HandOver,
    Notice,
    Show,
    delivery,
    settled_by_the_move,
    starts_outbox,
)
from bot.core.publication import CANCELLED, PENDING, PUBLISHED, REMOVED, REMOVING, UNCERTAIN
from bot.core.purposes import Purpose
from bot.core.workflow import Action, State

DELIVERIES = [
    # A new draft: nobody else hears of it yet.
    (State.COLLECTING, None, None, Delivery()),
    # Sent back by IT: the officer is told why and gets the draft's card again.
    (
        State.COLLECTING,
        Action.SEND_BACK,
        "Foto buram",
        Delivery((Notice(Audience.OFFICER, "notify.sent_back"),), officer_card=True),
    ),
    # Submitted: IT receives the files and the card.
    (State.SUBMITTED, Action.SUBMIT, None, Delivery(hand_over=HandOver(Purpose.IT, Show.FILES))),
    # Accepted by IT: the editors receive the files.
    (
        State.EDITING,
        Action.ACCEPT,
        None,
        Delivery(hand_over=HandOver(Purpose.EDITOR, Show.FILES)),
    ),
    # Back from the official with a note: the editors get the note, not the files again.
    (
        State.EDITING,
        Action.REQUEST_CHANGES,
        "Judul terlalu panjang",
        Delivery(hand_over=HandOver(Purpose.EDITOR, Show.NOTE, "notify.changes")),
    ),
    # To the official: a preview as the public will see it.
    (
        State.REVIEW,
        Action.SEND_TO_OFFICIAL,
        None,
        Delivery(hand_over=HandOver(Purpose.OFFICIAL, Show.PREVIEW)),
    ),
    # Approved: the earlier people are told, the publishers get a preview.
    (
        State.APPROVED,
        Action.APPROVE,
        None,
        Delivery(
            (Notice(Audience.EARLIER, "notify.approved"),),
            hand_over=HandOver(Purpose.PUBLISHER, Show.PREVIEW),
        ),
    ),
    # Held back by the publisher (the item closes): the earlier people hear why.
    (
        State.REJECTED,
        Action.HOLD,
        "Menunggu acara selesai",
        Delivery((Notice(Audience.EARLIER, "notify.held"),)),
    ),
    # Rejected: told, and nobody holds it any more.
    (
        State.REJECTED,
        Action.REJECT,
        "Tidak sesuai",
        Delivery((Notice(Audience.EARLIER, "notify.rejected"),)),
    ),
    # Taken down: told; the outbox does the rest.
    (
        State.UNPUBLISHED,
        Action.UNPUBLISH,
        "Salah data",
        Delivery((Notice(Audience.EARLIER, "notify.unpublished"),)),
    ),
    # Published and withdrawn: nobody else has to act.
    (State.PUBLISHED, Action.PUBLISH, None, Delivery()),
    (State.WITHDRAWN, Action.WITHDRAW, None, Delivery()),
]


@pytest.mark.parametrize(("state", "action", "note", "expected"), DELIVERIES)
def test_who_hears_of_a_move(
    state: State, action: Action | None, note: str | None, expected: Delivery
) -> None:
    assert delivery(state, action, note) == expected


def test_a_note_only_changes_the_editors_hand_over() -> None:
    # IT accepting with a remark still sends the files: only a return with a note skips them.
    with_note = delivery(State.REVIEW, Action.SEND_TO_OFFICIAL, "Mohon dicek")
    assert with_note.hand_over == HandOver(Purpose.OFFICIAL, Show.PREVIEW)


@pytest.mark.parametrize(
    ("action", "auto_publish", "expected"),
    [
        (Action.PUBLISH, False, True),
        (Action.UNPUBLISH, False, True),
        (Action.RETRY, False, True),
        (Action.APPROVE, False, False),
        (Action.APPROVE, True, True),
        (Action.SCHEDULE, True, False),
        (Action.HOLD, True, False),
        (Action.CONFIRM_OUT, False, False),
        (Action.ACCEPT, True, False),
    ],
)
def test_which_moves_start_the_outbox(action: Action, auto_publish: bool, expected: bool) -> None:
    assert starts_outbox(action, auto_publish=auto_publish) is expected


@pytest.mark.parametrize(
    ("action", "statuses", "expected"),
    [
        # Taken down before anything went out: nothing is left, tell them now.
        (Action.UNPUBLISH, [CANCELLED, CANCELLED], True),
        (Action.UNPUBLISH, [CANCELLED, REMOVED], True),
        # A post still has to be removed: the outbox will tell them.
        (Action.UNPUBLISH, [CANCELLED, REMOVING], False),
        # The last uncertain post confirmed by a person.
        (Action.CONFIRM_OUT, [PUBLISHED, PUBLISHED], True),
        (Action.CONFIRM_OUT, [PUBLISHED, UNCERTAIN], False),
        (Action.CONFIRM_OUT, [PUBLISHED, PENDING], False),
        # Other moves never settle the targets themselves.
        (Action.PUBLISH, [PUBLISHED], False),
        (Action.RETRY, [PUBLISHED], False),
        # No targets at all: a takedown has nothing left to do.
        (Action.UNPUBLISH, [], True),
    ],
)
def test_when_a_move_itself_settles_the_targets(
    action: Action, statuses: list[str], expected: bool
) -> None:
    assert settled_by_the_move(action, statuses) is expected
