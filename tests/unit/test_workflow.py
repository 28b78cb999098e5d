"""The SOP WASDA 006 rules in ``bot.core.workflow``, checked against a hand-written table.

The expectations below are spelled out from ``SOP.md`` and the "workflow" section of
``DESIGN.md``; they never read ``RULES``, so a wrong rule in the code makes a test fail.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

import pytest

from bot.core.workflow import (
    CONTENT_ACTIONS,
    FINAL_STATES,
    MAX_REASON_LENGTH,
    Action,
    Actor,
    ItemView,
    Role,
    State,
    Transition,
    WorkflowError,
    actions_for_role,
    allowed_actions,
    holder_role,
    needs_reason,
    roles_from,
    summarize_roles,
    transition,
)

NOW = datetime(2024, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=7)))  # WIB
OWNER_ID = 101
OTHER_OFFICER_ID = 202
REASON = "foto kurang jelas"


class Expected(NamedTuple):
    target: State
    role: Role
    owner_only: bool = False
    needs_reason: bool = False


S, A, R = State, Action, Role

# (state, action) -> outcome, written from the SOP; every pair not listed must be refused.
EXPECTED: dict[tuple[State, Action], Expected] = {
    # step 1: the owner officer gathers media and text, hands over or cancels
    (S.COLLECTING, A.ADD_MEDIA): Expected(S.COLLECTING, R.OFFICER, owner_only=True),
    (S.COLLECTING, A.EDIT_TEXT): Expected(S.COLLECTING, R.OFFICER, owner_only=True),
    (S.COLLECTING, A.DROP_MEDIA): Expected(S.COLLECTING, R.OFFICER, owner_only=True),
    (S.COLLECTING, A.SUBMIT): Expected(S.SUBMITTED, R.OFFICER, owner_only=True),
    (S.COLLECTING, A.WITHDRAW): Expected(S.WITHDRAWN, R.OFFICER, owner_only=True),
    # step 2: the IT team accepts, or sends an incomplete hand-over back with a reason
    (S.SUBMITTED, A.ACCEPT): Expected(S.EDITING, R.IT),
    (S.SUBMITTED, A.SEND_BACK): Expected(S.COLLECTING, R.IT, needs_reason=True),
    # step 3: the editor edits, then passes it to the official
    (S.EDITING, A.EDIT_TITLE): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.EDIT_BODY): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.SET_CATEGORY): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.DROP_MEDIA): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.SET_COVER): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.SET_ALT): Expected(S.EDITING, R.EDITOR),
    (S.EDITING, A.SEND_TO_OFFICIAL): Expected(S.REVIEW, R.EDITOR),
    # step 4: the official screens it
    (S.REVIEW, A.APPROVE): Expected(S.APPROVED, R.OFFICIAL),
    (S.REVIEW, A.REQUEST_CHANGES): Expected(S.EDITING, R.OFFICIAL, needs_reason=True),
    (S.REVIEW, A.REJECT): Expected(S.REJECTED, R.OFFICIAL, needs_reason=True),
    # steps 5-7: the publisher shows it, or holds it back as unfit
    (S.APPROVED, A.PUBLISH): Expected(S.PUBLISHED, R.PUBLISHER),
    (S.APPROVED, A.HOLD): Expected(S.REJECTED, R.PUBLISHER, needs_reason=True),
    # ...or chooses when it goes out, and may change its mind
    (S.APPROVED, A.SCHEDULE): Expected(S.APPROVED, R.PUBLISHER),
    (S.APPROVED, A.UNSCHEDULE): Expected(S.APPROVED, R.PUBLISHER),
    # a target that failed is tried again at the publisher's request
    (S.PUBLISHED, A.RETRY): Expected(S.PUBLISHED, R.PUBLISHER),
    (S.PUBLISHED, A.CONFIRM_OUT): Expected(S.PUBLISHED, R.PUBLISHER),
    # afterwards an official may take it down
    (S.PUBLISHED, A.UNPUBLISH): Expected(S.UNPUBLISHED, R.OFFICIAL, needs_reason=True),
}

EXPECTED_FINAL = {S.REJECTED, S.WITHDRAWN, S.UNPUBLISHED}
EXPECTED_REASON_ACTIONS = {A.SEND_BACK, A.REQUEST_CHANGES, A.REJECT, A.HOLD, A.UNPUBLISH}
EXPECTED_CONTENT_ACTIONS = {
    A.ADD_MEDIA,
    A.EDIT_TEXT,
    A.EDIT_TITLE,
    A.EDIT_BODY,
    A.SET_CATEGORY,
    A.DROP_MEDIA,
    A.SET_COVER,
    A.SET_ALT,
}
EXPECTED_HOLDER = {
    S.COLLECTING: R.OFFICER,
    S.SUBMITTED: R.IT,
    S.EDITING: R.EDITOR,
    S.REVIEW: R.OFFICIAL,
    S.APPROVED: R.PUBLISHER,
    S.PUBLISHED: None,
    S.REJECTED: None,
    S.WITHDRAWN: None,
    S.UNPUBLISHED: None,
}


def item(
    state: State,
    *,
    media: int = 2,
    text: bool = True,
    title: bool = True,
    scheduled: bool = True,
    trouble: bool = True,
    uncertain: bool = True,
) -> ItemView:
    return ItemView(
        state=state,
        officer_id=OWNER_ID,
        media_count=media,
        has_text=text,
        has_title=title,
        scheduled=scheduled,
        publishing_trouble=trouble,
        publishing_uncertain=uncertain,
    )


def actor(*roles: Role, person_id: int = 1) -> Actor:
    return Actor(person_id=person_id, roles=frozenset(roles))


def owner(*extra: Role) -> Actor:
    return actor(R.OFFICER, *extra, person_id=OWNER_ID)


def other_officer(*extra: Role) -> Actor:
    return actor(R.OFFICER, *extra, person_id=OTHER_OFFICER_ID)


# Single-role actors, plus the officer who does not own the item and someone with no role.
SINGLE_ROLE_ACTORS: dict[str, Actor] = {
    "officer-owner": owner(),
    "officer-other": other_officer(),
    "it": actor(R.IT, person_id=2),
    "editor": actor(R.EDITOR, person_id=3),
    "official": actor(R.OFFICIAL, person_id=4),
    "publisher": actor(R.PUBLISHER, person_id=5),
    "admin": actor(R.ADMIN, person_id=6),
    "nobody": actor(person_id=7),
}

MULTI_ROLE_ACTORS: dict[str, Actor] = {
    "owner+it": owner(R.IT),
    "other-officer+it": other_officer(R.IT),
    "editor+publisher": actor(R.EDITOR, R.PUBLISHER, person_id=8),
    "official+editor": actor(R.OFFICIAL, R.EDITOR, person_id=9),
    "owner-with-every-role": owner(*R),
    "other-officer-with-every-role": other_officer(*R),
    "every-role-but-officer": actor(*(r for r in R if r is not R.OFFICER), person_id=10),
}

ALL_ACTORS = {**SINGLE_ROLE_ACTORS, **MULTI_ROLE_ACTORS}


def expected_precondition(action: Action, view: ItemView) -> str | None:
    """What the item's content must hold before ``action`` (a message key), from the SOP.

    An empty draft (no media, no text) can be neither handed over nor sent to the
    official; the official only sees titled items; media can only be dropped or made the
    cover when there is some.
    """
    empty = view.media_count == 0 and not view.has_text
    if action is A.SUBMIT:
        return "error.empty_draft" if empty else None
    if action is A.SEND_TO_OFFICIAL:
        if empty:
            return "error.empty_draft"
        return None if view.has_title else "error.title_missing"
    if action in (A.DROP_MEDIA, A.SET_COVER, A.SET_ALT):
        return "error.media_unknown" if view.media_count == 0 else None
    # Only a scheduled item can be unscheduled; only a target in trouble retried.
    if action is A.UNSCHEDULE:
        return None if view.scheduled else "error.not_scheduled"
    if action is A.RETRY:
        return None if view.publishing_trouble else "error.nothing_to_retry"
    # A person can only confirm a target that could not tell whether it has the item.
    if action is A.CONFIRM_OUT:
        return None if view.publishing_uncertain else "error.nothing_uncertain"
    return None


def expected_outcome(
    state: State, action: Action, who: Actor, view: ItemView | None = None
) -> tuple[str, object]:
    """("ok", Expected) or ("error", key), derived from EXPECTED and the preconditions.

    ``view`` is the item's content (a full, titled item unless given).
    """
    if state in EXPECTED_FINAL:
        return "error", "error.item_closed"
    exp = EXPECTED.get((state, action))
    if exp is None:
        return "error", "error.not_now"
    if exp.role not in who.roles:
        return "error", "error.wrong_role"
    if exp.owner_only and who.person_id != OWNER_ID:
        return "error", "error.not_owner"
    unmet = expected_precondition(action, view if view is not None else item(state))
    if unmet is not None:
        return "error", unmet
    return "ok", exp


def expected_allowed(state: State, who: Actor, view: ItemView | None = None) -> set[Action]:
    return {a for a in Action if expected_outcome(state, a, who, view)[0] == "ok"}


def succeeds(view: ItemView, who: Actor, action: Action) -> bool:
    try:
        transition(view, who, action, NOW, note=REASON)
    except WorkflowError:
        return False
    return True


# --- 1. the full table ----------------------------------------------------------------


def test_expectation_table_covers_only_known_states_and_actions() -> None:
    assert {s for s, _ in EXPECTED} | EXPECTED_FINAL | {S.PUBLISHED} == set(State)
    assert {a for _, a in EXPECTED} == set(Action)
    assert set(FINAL_STATES) == EXPECTED_FINAL


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("who_name", list(SINGLE_ROLE_ACTORS))
def test_every_state_action_role(state: State, who_name: str) -> None:
    who = SINGLE_ROLE_ACTORS[who_name]
    for action in Action:
        kind, detail = expected_outcome(state, action, who)
        view = item(state)
        if kind == "ok":
            assert isinstance(detail, Expected)
            result = transition(view, who, action, NOW, note=REASON)
            assert result == Transition(action, state, detail.target, detail.role, REASON, NOW)
            assert result.changes_state == (detail.target != state)
        else:
            with pytest.raises(WorkflowError) as caught:
                transition(view, who, action, NOW, note=REASON)
            assert caught.value.key == detail, (state, action, who_name)
            assert str(caught.value) == detail


def test_error_params_name_the_state_and_the_needed_role() -> None:
    with pytest.raises(WorkflowError) as closed:
        transition(item(S.REJECTED), owner(), A.SUBMIT, NOW)
    assert closed.value.params == {"state": "rejected"}

    with pytest.raises(WorkflowError) as not_now:
        transition(item(S.EDITING), actor(R.OFFICIAL), A.APPROVE, NOW)
    assert not_now.value.params == {"state": "editing"}

    with pytest.raises(WorkflowError) as wrong:
        transition(item(S.REVIEW), actor(R.EDITOR), A.APPROVE, NOW)
    assert wrong.value.params == {"role": "official"}

    with pytest.raises(WorkflowError) as not_owner:
        transition(item(S.COLLECTING), other_officer(), A.SUBMIT, NOW)
    assert not_owner.value.params == {}


@pytest.mark.parametrize("state", sorted(EXPECTED_FINAL))
def test_final_states_refuse_everything_for_everyone(state: State) -> None:
    for who, action in itertools.product(ALL_ACTORS.values(), Action):
        assert allowed_actions(item(state), who) == []
        with pytest.raises(WorkflowError) as caught:
            transition(item(state), who, action, NOW, note=REASON)
        assert caught.value.key == "error.item_closed"


EXPECTED_PUBLISHING_ACTIONS = {A.SCHEDULE, A.UNSCHEDULE, A.RETRY, A.CONFIRM_OUT}


def test_content_actions_are_exactly_the_in_place_edits() -> None:
    assert set(CONTENT_ACTIONS) == EXPECTED_CONTENT_ACTIONS
    in_place = EXPECTED_CONTENT_ACTIONS | EXPECTED_PUBLISHING_ACTIONS
    for (state, action), exp in EXPECTED.items():
        assert (exp.target == state) == (action in in_place), (state, action)


def test_content_edits_only_in_their_own_state() -> None:
    officer_edits = {A.ADD_MEDIA, A.EDIT_TEXT}
    editor_edits = EXPECTED_CONTENT_ACTIONS - officer_edits
    superuser = owner(*R)
    for state in State:
        offered = set(allowed_actions(item(state), superuser))
        assert (officer_edits <= offered) == (state is S.COLLECTING)
        assert (editor_edits <= offered) == (state is S.EDITING)
        if state not in (S.COLLECTING, S.EDITING):
            assert not offered & EXPECTED_CONTENT_ACTIONS


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", list(State))
def test_actions_for_role_matches_the_table(state: State, role: Role) -> None:
    expected = [a for (s, a), exp in EXPECTED.items() if s == state and exp.role == role]
    assert sorted(actions_for_role(state, role)) == sorted(expected)


def test_admin_has_no_workflow_moves() -> None:
    for state in State:
        assert actions_for_role(state, R.ADMIN) == []


def test_acting_role_is_the_rule_role_for_a_multi_role_actor() -> None:
    everyone = owner(*R)
    assert transition(item(S.SUBMITTED), everyone, A.ACCEPT, NOW).role is R.IT
    assert transition(item(S.APPROVED), everyone, A.PUBLISH, NOW).role is R.PUBLISHER
    assert transition(item(S.COLLECTING), everyone, A.SUBMIT, NOW).role is R.OFFICER


def test_non_owner_with_another_role_is_told_not_owner_for_officer_moves() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.COLLECTING), other_officer(R.IT, R.EDITOR), A.ADD_MEDIA, NOW)
    assert caught.value.key == "error.not_owner"
    # Without the officer role at all it is a wrong role, even with the owner's id.
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.COLLECTING), actor(R.IT, person_id=OWNER_ID), A.SUBMIT, NOW)
    assert caught.value.key == "error.wrong_role"


def test_owner_cannot_withdraw_after_hand_over() -> None:
    # Once handed over, only the IT team moves it; the owner cannot pull it back.
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.SUBMITTED), owner(), A.WITHDRAW, NOW)
    assert caught.value.key == "error.not_now"


# --- 2. consistency of the buttons ----------------------------------------------------


@pytest.mark.parametrize("who_name", list(ALL_ACTORS))
@pytest.mark.parametrize("state", list(State))
def test_allowed_actions_is_exactly_what_transition_accepts(state: State, who_name: str) -> None:
    who = ALL_ACTORS[who_name]
    view = item(state)
    offered = allowed_actions(view, who)
    assert len(offered) == len(set(offered))
    assert set(offered) == {a for a in Action if succeeds(view, who, a)}
    assert set(offered) == expected_allowed(state, who)


@pytest.mark.parametrize("state", list(State))
def test_multi_role_actor_gets_the_union(state: State) -> None:
    for combo_size in (2, 3):
        for roles in itertools.combinations(list(Role), combo_size):
            for person_id in (OWNER_ID, OTHER_OFFICER_ID):
                who = actor(*roles, person_id=person_id)
                union: set[Action] = set()
                for role in roles:
                    union |= set(allowed_actions(item(state), actor(role, person_id=person_id)))
                assert set(allowed_actions(item(state), who)) == union


def test_allowed_actions_keep_the_table_order() -> None:
    offered = allowed_actions(item(S.EDITING), actor(R.EDITOR))
    assert offered[-1] is A.SEND_TO_OFFICIAL
    assert set(offered) == EXPECTED_CONTENT_ACTIONS - {A.ADD_MEDIA, A.EDIT_TEXT} | {
        A.SEND_TO_OFFICIAL
    }
    assert allowed_actions(item(S.REVIEW), actor(R.OFFICIAL)) == [
        A.APPROVE,
        A.REQUEST_CHANGES,
        A.REJECT,
    ]


CONTENT_VARIANTS = [
    pytest.param(
        media,
        text,
        title,
        id=f"media{media}-{'text' if text else 'notext'}-{'title' if title else 'untitled'}",
    )
    for media in (0, 1, 2)
    for text in (False, True)
    for title in (False, True)
]


@pytest.mark.parametrize(("media", "text", "title"), CONTENT_VARIANTS)
def test_buttons_and_rules_agree_for_any_content(media: int, text: bool, title: bool) -> None:
    # Empty, media-less and untitled items included: a button is offered exactly when
    # the move would succeed, so no button ever leads to a refusal.
    for state, who in itertools.product(State, ALL_ACTORS.values()):
        view = item(state, media=media, text=text, title=title)
        offered = allowed_actions(view, who)
        assert len(offered) == len(set(offered))
        assert set(offered) == {a for a in Action if succeeds(view, who, a)}, (state, who)
        assert set(offered) == expected_allowed(state, who, view), (state, who)


def test_empty_draft_offers_no_hand_over() -> None:
    empty = item(S.COLLECTING, media=0, text=False, title=False)
    assert allowed_actions(empty, owner()) == [A.ADD_MEDIA, A.EDIT_TEXT, A.WITHDRAW]


# --- 3. reasons -----------------------------------------------------------------------

REASON_CASES = [(s, a, exp) for (s, a), exp in EXPECTED.items() if exp.needs_reason]
NO_REASON_CASES = [(s, a, exp) for (s, a), exp in EXPECTED.items() if not exp.needs_reason]


def doer(exp: Expected) -> Actor:
    return owner() if exp.role is R.OFFICER else actor(exp.role)


def test_reason_cases_are_the_ones_the_sop_names() -> None:
    assert {a for _, a, _ in REASON_CASES} == EXPECTED_REASON_ACTIONS
    for action in Action:
        assert needs_reason(action) == (action in EXPECTED_REASON_ACTIONS), action


@pytest.mark.parametrize(("state", "action", "exp"), REASON_CASES)
@pytest.mark.parametrize("missing", [None, "", " ", "   \n\t  "])
def test_reason_required(state: State, action: Action, exp: Expected, missing: str | None) -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(item(state), doer(exp), action, NOW, note=missing)
    assert caught.value.key == "error.reason_required"


@pytest.mark.parametrize(("state", "action", "exp"), REASON_CASES)
def test_reason_is_stripped_and_kept(state: State, action: Action, exp: Expected) -> None:
    result = transition(item(state), doer(exp), action, NOW, note="  \n kurang foto  \t")
    assert result.note == "kurang foto"
    assert result.target is exp.target


@pytest.mark.parametrize(("state", "action", "exp"), REASON_CASES + NO_REASON_CASES)
def test_note_length_limit(state: State, action: Action, exp: Expected) -> None:
    at_limit = "x" * MAX_REASON_LENGTH
    assert transition(item(state), doer(exp), action, NOW, note=at_limit).note == at_limit
    padded = f"  {at_limit}\n"
    assert transition(item(state), doer(exp), action, NOW, note=padded).note == at_limit
    with pytest.raises(WorkflowError) as caught:
        transition(item(state), doer(exp), action, NOW, note=at_limit + "x")
    assert caught.value.key == "error.reason_too_long"
    assert caught.value.params == {"limit": MAX_REASON_LENGTH}


@pytest.mark.parametrize(("state", "action", "exp"), NO_REASON_CASES)
def test_optional_note(state: State, action: Action, exp: Expected) -> None:
    assert transition(item(state), doer(exp), action, NOW).note is None
    assert transition(item(state), doer(exp), action, NOW, note="   ").note is None
    kept = transition(item(state), doer(exp), action, NOW, note=" sudah dicek ")
    assert kept.note == "sudah dicek"
    assert kept.target is exp.target


def test_role_is_checked_before_the_reason() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.REVIEW), actor(R.EDITOR), A.REJECT, NOW, note=None)
    assert caught.value.key == "error.wrong_role"


# --- 4. empty drafts ------------------------------------------------------------------


def test_empty_draft_cannot_be_submitted() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.COLLECTING, media=0, text=False), owner(), A.SUBMIT, NOW)
    assert caught.value.key == "error.empty_draft"


@pytest.mark.parametrize(("media", "text"), [(0, True), (1, False), (3, True)])
def test_draft_with_text_or_media_can_be_submitted(media: int, text: bool) -> None:
    result = transition(item(S.COLLECTING, media=media, text=text), owner(), A.SUBMIT, NOW)
    assert result.target is S.SUBMITTED


def test_empty_draft_can_still_be_filled_or_withdrawn() -> None:
    empty = item(S.COLLECTING, media=0, text=False)
    for action, target in [
        (A.ADD_MEDIA, S.COLLECTING),
        (A.EDIT_TEXT, S.COLLECTING),
        (A.WITHDRAW, S.WITHDRAWN),
    ]:
        assert transition(empty, owner(), action, NOW).target is target


def test_empty_draft_by_a_stranger_is_not_owner_not_empty() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(item(S.COLLECTING, media=0, text=False), other_officer(), A.SUBMIT, NOW)
    assert caught.value.key == "error.not_owner"


def test_untitled_draft_can_still_be_submitted() -> None:
    # The title is the editor's job (step 3); the officer may hand over without one.
    untitled = item(S.COLLECTING, media=1, text=False, title=False)
    assert A.SUBMIT in allowed_actions(untitled, owner())
    assert transition(untitled, owner(), A.SUBMIT, NOW).target is S.SUBMITTED


# --- 4b. what the official needs, and media to act on ---------------------------------


def test_untitled_item_cannot_go_to_the_official() -> None:
    untitled = item(S.EDITING, media=2, text=True, title=False)
    editor = actor(R.EDITOR)
    with pytest.raises(WorkflowError) as caught:
        transition(untitled, editor, A.SEND_TO_OFFICIAL, NOW)
    assert caught.value.key == "error.title_missing"
    assert caught.value.params == {}
    # The editor keeps every in-place edit, so the title can be added.
    assert allowed_actions(untitled, editor) == [
        A.EDIT_TITLE,
        A.EDIT_BODY,
        A.SET_CATEGORY,
        A.DROP_MEDIA,
        A.SET_COVER,
        A.SET_ALT,
    ]
    titled = transition(replace(untitled, has_title=True), editor, A.SEND_TO_OFFICIAL, NOW)
    assert titled.target is S.REVIEW


@pytest.mark.parametrize("title", [False, True])
def test_empty_item_cannot_go_to_the_official(title: bool) -> None:
    # Emptiness is reported first: a title alone does not make the item sendable.
    empty = item(S.EDITING, media=0, text=False, title=title)
    editor = actor(R.EDITOR)
    with pytest.raises(WorkflowError) as caught:
        transition(empty, editor, A.SEND_TO_OFFICIAL, NOW)
    assert caught.value.key == "error.empty_draft"
    assert A.SEND_TO_OFFICIAL not in allowed_actions(empty, editor)


@pytest.mark.parametrize(("media", "text"), [(0, True), (1, False), (3, True)])
def test_titled_item_with_text_or_media_goes_to_the_official(media: int, text: bool) -> None:
    view = item(S.EDITING, media=media, text=text, title=True)
    assert A.SEND_TO_OFFICIAL in allowed_actions(view, actor(R.EDITOR))
    assert transition(view, actor(R.EDITOR), A.SEND_TO_OFFICIAL, NOW).target is S.REVIEW


@pytest.mark.parametrize("action", [A.DROP_MEDIA, A.SET_COVER])
def test_media_actions_need_media(action: Action) -> None:
    editor = actor(R.EDITOR)
    bare = item(S.EDITING, media=0, text=True, title=True)
    with pytest.raises(WorkflowError) as caught:
        transition(bare, editor, action, NOW)
    assert caught.value.key == "error.media_unknown"
    assert action not in allowed_actions(bare, editor)
    assert allowed_actions(bare, editor) == [
        A.EDIT_TITLE,
        A.EDIT_BODY,
        A.SET_CATEGORY,
        A.SEND_TO_OFFICIAL,
    ]
    one = item(S.EDITING, media=1, text=True, title=True)
    assert action in allowed_actions(one, editor)
    assert transition(one, editor, action, NOW).target is S.EDITING


def test_media_preconditions_only_touch_their_own_actions() -> None:
    # Adding the first media to a text-only draft is never blocked by media_count == 0.
    text_only = item(S.COLLECTING, media=0, text=True, title=False)
    assert transition(text_only, owner(), A.ADD_MEDIA, NOW).target is S.COLLECTING
    # Later steps do not look at the content at all.
    bare = item(S.REVIEW, media=0, text=False, title=False)
    assert transition(bare, actor(R.OFFICIAL), A.APPROVE, NOW).target is S.APPROVED
    bare = item(S.APPROVED, media=0, text=False, title=False)
    assert transition(bare, actor(R.PUBLISHER), A.PUBLISH, NOW).target is S.PUBLISHED


def test_role_is_checked_before_the_content() -> None:
    untitled = item(S.EDITING, media=0, text=False, title=False)
    with pytest.raises(WorkflowError) as caught:
        transition(untitled, actor(R.OFFICIAL), A.SEND_TO_OFFICIAL, NOW)
    assert caught.value.key == "error.wrong_role"
    with pytest.raises(WorkflowError) as caught:
        transition(untitled, actor(R.IT), A.DROP_MEDIA, NOW)
    assert caught.value.key == "error.wrong_role"


# --- 5. holders ----------------------------------------------------


@pytest.mark.parametrize("state", list(State))
def test_holder_role(state: State) -> None:
    assert holder_role(state) == EXPECTED_HOLDER[state]


def test_transitions_carry_their_time() -> None:
    later = NOW + timedelta(hours=5, seconds=7)
    assert transition(item(S.REVIEW), actor(R.OFFICIAL), A.APPROVE, later).at == later
    edit = transition(item(S.EDITING), actor(R.EDITOR), A.EDIT_TITLE, later)
    assert edit.at == later
    assert not edit.changes_state


# --- small helpers --------------------------------------------------------------------


def test_roles_from_ignores_unknown_values() -> None:
    assert roles_from(["official", "it", "boss", "", "OFFICIAL"]) == {R.OFFICIAL, R.IT}


def test_summarize_roles_uses_the_sop_order() -> None:
    assert summarize_roles({R.ADMIN, R.PUBLISHER, R.OFFICER, R.IT}) == [
        R.OFFICER,
        R.IT,
        R.PUBLISHER,
        R.ADMIN,
    ]


# --- 6. random walks ------------------------------------------------------------------

WALK_ACTORS = list(ALL_ACTORS.values())


def apply_content(view: ItemView, action: Action) -> ItemView:
    """What a content action does to the parts the rules look at.

    The officer's first text line and the editor's title both give the item a title,
    and a title is text (``bot.usecases.items.view_of``).
    """
    if action is A.ADD_MEDIA:
        return replace(view, media_count=view.media_count + 1)
    if action in (A.EDIT_TEXT, A.EDIT_TITLE):
        return replace(view, has_text=True, has_title=True)
    if action is A.DROP_MEDIA:
        return replace(view, media_count=max(0, view.media_count - 1))
    return view


@pytest.mark.parametrize("seed", [0, 1, 2006, 20230720])
def test_random_walks_stay_inside_the_sop(seed: int) -> None:
    rng = random.Random(seed)
    fresh = ItemView(S.COLLECTING, OWNER_ID, media_count=0, has_text=False, has_title=False)
    view = fresh
    path: list[State] = [view.state]
    clock = NOW
    published = finished = untitled_editing = 0
    for _ in range(3000):
        who = rng.choice(WALK_ACTORS)
        offered = allowed_actions(view, who)
        assert set(offered) == expected_allowed(view.state, who, view)
        if view.state is S.EDITING and not view.has_title:
            untitled_editing += 1
        if view.state in EXPECTED_FINAL:
            assert offered == []
            with pytest.raises(WorkflowError) as caught:
                transition(view, who, rng.choice(list(Action)), clock, note=REASON)
            assert caught.value.key == "error.item_closed"
            if rng.random() < 0.5:  # a closed item stays closed; start a fresh draft
                finished += 1
                view = fresh
                path = [view.state]
            continue
        # An action that is not offered is always refused.
        hidden = [a for a in Action if a not in offered]
        if hidden:
            with pytest.raises(WorkflowError):
                transition(view, who, rng.choice(hidden), clock, note=REASON)
        if not offered:
            continue
        action = rng.choice(offered)
        note = REASON if action in EXPECTED_REASON_ACTIONS or rng.random() < 0.3 else None
        clock += timedelta(minutes=rng.randint(1, 120))
        # Every offered action succeeds, whatever the content (no precondition gap).
        step = transition(view, who, action, clock, note=note)
        assert step.source == view.state
        assert step.target in set(State)
        assert step.role in who.roles
        assert step.at == clock
        exp = EXPECTED[(view.state, action)]
        assert (step.target, step.role) == (exp.target, exp.role)
        if exp.owner_only:
            assert who.person_id == OWNER_ID
        view = apply_content(replace(view, state=step.target), action)
        if step.changes_state:
            path.append(step.target)
        if step.target is S.PUBLISHED:
            published += 1
            assert path[-3:] == [S.REVIEW, S.APPROVED, S.PUBLISHED]
            assert S.SUBMITTED in path and S.EDITING in path
        if step.target is S.UNPUBLISHED:
            assert path[-2:] == [S.PUBLISHED, S.UNPUBLISHED]
    # The walk really went somewhere, and met untitled items on the editor's desk.
    assert published + finished > 0
    assert untitled_editing > 0


@pytest.mark.parametrize(("trouble", "uncertain"), [(False, False), (True, False), (True, True)])
def test_only_an_uncertain_target_can_be_confirmed_as_out(trouble: bool, uncertain: bool) -> None:
    view = item(S.PUBLISHED, trouble=trouble, uncertain=uncertain)
    who = actor(R.PUBLISHER)
    offered = A.CONFIRM_OUT in allowed_actions(view, who)
    assert offered is uncertain
    if uncertain:
        assert transition(view, who, A.CONFIRM_OUT, NOW).target is S.PUBLISHED
    else:
        with pytest.raises(WorkflowError) as refused:
            transition(view, who, A.CONFIRM_OUT, NOW)
        assert refused.value.key == "error.nothing_uncertain"
