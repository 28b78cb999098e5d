"""Which messages a move writes (``bot.core.outgoing``): pure table tests."""

from __future__ import annotations

from bot.core.notices import delivery
from bot.core.outgoing import Kind, Message, Reach, after_move, card_redraws, done_notices
from bot.core.purposes import Purpose
from bot.core.workflow import Action, State

OFFICER, IT, EDITORS, OFFICIALS, PUBLISHERS, LOG, ADMIN = 11, -1, -2, -3, -4, -9, 99
FACTS = {"code": "PKP-2026-0001", "title": "Kerja bakti", "name": "Budi", "note": ""}
TEAMS = {
    Purpose.IT: [IT],
    Purpose.EDITOR: [EDITORS],
    Purpose.OFFICIAL: [OFFICIALS],
    Purpose.PUBLISHER: [PUBLISHERS],
}


def reach(
    cards: dict[int, str] | None = None, steps: dict[Purpose, list[int]] | None = None
) -> Reach:
    return Reach(
        steps=TEAMS if steps is None else steps,
        officer_id=OFFICER,
        cards=cards or {},
        wardens=[LOG, ADMIN],
    )


def shape(messages: tuple[Message, ...]) -> list[tuple[int, Kind, str | None]]:
    return [(m.chat_id, m.kind, m.key or m.audience) for m in messages]


def test_a_submission_hands_the_files_then_the_card_to_it() -> None:
    plan = after_move(
        1, "submitted", delivery(State.SUBMITTED, Action.SUBMIT, None), reach(), FACTS
    )
    assert plan.deliverable
    assert shape(plan.messages) == [(IT, Kind.FILES, None), (IT, Kind.CARD, "it")]
    assert all(m.completes == "state:submitted" for m in plan.messages)
    assert plan.messages[-1].repost


def test_a_text_only_submission_hands_over_only_the_card() -> None:
    # No row for files the item does not have: it would send nothing and cost queries.
    plan = after_move(
        1,
        "submitted",
        delivery(State.SUBMITTED, Action.SUBMIT, None),
        reach(),
        FACTS,
        has_files=False,
    )
    assert plan.deliverable
    assert shape(plan.messages) == [(IT, Kind.CARD, "it")]


def test_an_approval_previews_even_without_files() -> None:
    # The preview is the post's text too: it goes whether or not there are files.
    plan = after_move(
        1,
        "approved",
        delivery(State.APPROVED, Action.APPROVE, None),
        reach(),
        FACTS,
        has_files=False,
    )
    assert (PUBLISHERS, Kind.PREVIEW, None) in shape(plan.messages)


def test_a_group_that_already_shows_the_files_only_gets_the_card() -> None:
    # One webmaster group edits and publishes: it held the editor's card already.
    steps = {**TEAMS, Purpose.PUBLISHER: [EDITORS]}
    plan = after_move(
        1,
        "approved",
        delivery(State.APPROVED, Action.APPROVE, None),
        reach(cards={EDITORS: "editor"}, steps=steps),
        FACTS,
    )
    assert (EDITORS, Kind.PREVIEW, None) not in shape(plan.messages)
    assert (EDITORS, Kind.CARD, "publisher") in shape(plan.messages)


def test_an_approval_tells_everyone_before_and_previews_for_the_publishers() -> None:
    plan = after_move(1, "approved", delivery(State.APPROVED, Action.APPROVE, None), reach(), FACTS)
    assert shape(plan.messages) == [
        (OFFICER, Kind.NOTICE, "notify.approved"),
        (IT, Kind.NOTICE, "notify.approved"),
        (EDITORS, Kind.NOTICE, "notify.approved"),
        (PUBLISHERS, Kind.PREVIEW, None),
        (PUBLISHERS, Kind.CARD, "publisher"),
    ]
    assert plan.messages[0].params == FACTS


def test_a_step_with_nobody_warns_the_admins_and_stays_undelivered() -> None:
    steps = {**TEAMS, Purpose.IT: []}
    plan = after_move(
        1, "submitted", delivery(State.SUBMITTED, Action.SUBMIT, None), reach(steps=steps), FACTS
    )
    assert not plan.deliverable
    assert shape(plan.messages) == [
        (LOG, Kind.NOTICE, "notify.nobody"),
        (ADMIN, Kind.NOTICE, "notify.nobody"),
    ]
    assert plan.messages[0].params["group"] == "purpose.it" and plan.messages[0].translate == (
        "group",
    )
    assert all(m.completes is None for m in plan.messages)
    # The sweep's later try warns nobody again.
    later = after_move(
        1,
        "submitted",
        delivery(State.SUBMITTED, None, None),
        reach(steps=steps),
        FACTS,
        first=False,
    )
    assert later.messages == () and not later.deliverable


def test_changes_requested_send_the_note_and_the_card_but_not_the_files() -> None:
    plan = after_move(
        1, "editing", delivery(State.EDITING, Action.REQUEST_CHANGES, "Judul"), reach(), FACTS
    )
    assert shape(plan.messages) == [
        (EDITORS, Kind.NOTICE, "notify.changes"),
        (EDITORS, Kind.CARD, "editor"),
    ]


def test_a_sweep_re_delivery_leaves_the_notices_out() -> None:
    plan = after_move(
        1, "approved", delivery(State.APPROVED, Action.APPROVE, None), reach(), FACTS, notices=False
    )
    assert [m.kind for m in plan.messages] == [Kind.PREVIEW, Kind.CARD]


def test_every_card_is_redrawn_where_it_is() -> None:
    assert card_redraws(1, {OFFICER: "officer", IT: "it"}) == [
        Message(OFFICER, Kind.CARD, 1, "officer"),
        Message(IT, Kind.CARD, 1, "it"),
    ]


def test_a_takedown_is_told_to_the_officials_too_once_per_chat() -> None:
    steps = {**TEAMS, Purpose.OFFICIAL: [EDITORS]}
    removed = done_notices(1, True, reach(steps=steps), officer_reachable=True)
    assert [m.chat_id for m in removed] == [EDITORS, OFFICER]
    assert {m.completes for m in removed} == {"notice:removed"}
    published = done_notices(1, False, reach(), officer_reachable=False)
    assert [m.chat_id for m in published] == [EDITORS]
