"""Who follows an item, and which states hand it to which team."""

from __future__ import annotations

import pytest

from bot.core.workflow import HANDOVER_STATES, Actor, Role, State, holder_role, may_follow

OFFICER_ID = 7


@pytest.mark.parametrize(
    ("person_id", "roles", "expected"),
    [
        (OFFICER_ID, {Role.OFFICER}, True),  # the item's own officer
        (8, {Role.OFFICER}, False),  # another officer
        (8, set(), False),  # nobody
        (8, {Role.IT}, True),
        (8, {Role.EDITOR}, True),
        (8, {Role.OFFICIAL}, True),
        (8, {Role.PUBLISHER}, True),
        (8, {Role.ADMIN}, True),
        (8, {Role.OFFICER, Role.EDITOR}, True),
    ],
)
def test_who_may_follow_an_item(person_id: int, roles: set[Role], expected: bool) -> None:
    assert may_follow(Actor(person_id, frozenset(roles)), OFFICER_ID) is expected


def test_each_hand_over_state_goes_to_the_sop_team() -> None:
    expected = {
        State.SUBMITTED: Role.IT,
        State.EDITING: Role.EDITOR,
        State.REVIEW: Role.OFFICIAL,
        State.APPROVED: Role.PUBLISHER,
    }
    assert {s: holder_role(s) for s in HANDOVER_STATES} == expected
    assert State.COLLECTING not in HANDOVER_STATES  # the officer's own step
