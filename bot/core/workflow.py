"""The SOP WASDA 006 hand-over chain as a pure state machine.

Every rule about who may move an item where lives here, and nowhere else: handlers
build their buttons from :func:`allowed_actions` and call :func:`transition`, so a
button can never offer a move the rules refuse. No Telegram, no SQLAlchemy.

The diagram of these rules is drawn from them by :mod:`bot.core.workflow_diagram` (shown in
the README).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class State(StrEnum):
    COLLECTING = "collecting"
    SUBMITTED = "submitted"
    EDITING = "editing"
    REVIEW = "review"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    UNPUBLISHED = "unpublished"


FINAL_STATES = frozenset({State.REJECTED, State.WITHDRAWN, State.UNPUBLISHED})


class Role(StrEnum):
    OFFICER = "officer"
    IT = "it"
    EDITOR = "editor"
    OFFICIAL = "official"
    PUBLISHER = "publisher"
    ADMIN = "admin"


class Action(StrEnum):
    # state-changing actions
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    SEND_BACK = "send_back"
    SEND_TO_OFFICIAL = "to_official"
    APPROVE = "approve"
    REQUEST_CHANGES = "changes"
    REJECT = "reject"
    PUBLISH = "publish"
    HOLD = "hold"
    UNPUBLISH = "unpublish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    RETRY = "retry"
    CONFIRM_OUT = "confirm_out"
    # actions that change the content but not the state
    ADD_MEDIA = "add_media"
    EDIT_TEXT = "edit_text"
    EDIT_TITLE = "edit_title"
    EDIT_BODY = "edit_body"
    SET_CATEGORY = "set_category"
    DROP_MEDIA = "drop_media"
    SET_COVER = "set_cover"
    SET_ALT = "set_alt"


@dataclass(frozen=True)
class Rule:
    action: Action
    source: State
    target: State
    role: Role
    needs_reason: bool = False
    # Only the officer who owns the draft may act, not any officer.
    owner_only: bool = False


RULES: tuple[Rule, ...] = (
    Rule(Action.ADD_MEDIA, State.COLLECTING, State.COLLECTING, Role.OFFICER, owner_only=True),
    Rule(Action.EDIT_TEXT, State.COLLECTING, State.COLLECTING, Role.OFFICER, owner_only=True),
    # A wrong photo can be taken out of one's own draft before it is handed over.
    Rule(Action.DROP_MEDIA, State.COLLECTING, State.COLLECTING, Role.OFFICER, owner_only=True),
    Rule(Action.SUBMIT, State.COLLECTING, State.SUBMITTED, Role.OFFICER, owner_only=True),
    Rule(Action.WITHDRAW, State.COLLECTING, State.WITHDRAWN, Role.OFFICER, owner_only=True),
    Rule(Action.ACCEPT, State.SUBMITTED, State.EDITING, Role.IT),
    Rule(Action.SEND_BACK, State.SUBMITTED, State.COLLECTING, Role.IT, needs_reason=True),
    Rule(Action.EDIT_TITLE, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.EDIT_BODY, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.SET_CATEGORY, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.DROP_MEDIA, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.SET_COVER, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.SET_ALT, State.EDITING, State.EDITING, Role.EDITOR),
    Rule(Action.SEND_TO_OFFICIAL, State.EDITING, State.REVIEW, Role.EDITOR),
    Rule(Action.APPROVE, State.REVIEW, State.APPROVED, Role.OFFICIAL),
    Rule(Action.REQUEST_CHANGES, State.REVIEW, State.EDITING, Role.OFFICIAL, needs_reason=True),
    Rule(Action.REJECT, State.REVIEW, State.REJECTED, Role.OFFICIAL, needs_reason=True),
    Rule(Action.PUBLISH, State.APPROVED, State.PUBLISHED, Role.PUBLISHER),
    Rule(Action.SCHEDULE, State.APPROVED, State.APPROVED, Role.PUBLISHER),
    Rule(Action.UNSCHEDULE, State.APPROVED, State.APPROVED, Role.PUBLISHER),
    Rule(Action.HOLD, State.APPROVED, State.REJECTED, Role.PUBLISHER, needs_reason=True),
    # A target that keeps failing (or whose outcome is unknown) is tried again now.
    Rule(Action.RETRY, State.PUBLISHED, State.PUBLISHED, Role.PUBLISHER),
    # The publisher looked at a target warta could not ask (the channel) after an
    # interrupted attempt, and the post is there: it counts as published.
    Rule(Action.CONFIRM_OUT, State.PUBLISHED, State.PUBLISHED, Role.PUBLISHER),
    Rule(Action.UNPUBLISH, State.PUBLISHED, State.UNPUBLISHED, Role.OFFICIAL, needs_reason=True),
)

_RULE_BY_KEY: dict[tuple[Action, State], Rule] = {(r.action, r.source): r for r in RULES}

# Publishing bookkeeping: the state stays, the content too.
PUBLISHING_ACTIONS = frozenset(
    {Action.SCHEDULE, Action.UNSCHEDULE, Action.RETRY, Action.CONFIRM_OUT}
)
# Actions that change the content but not the state.
CONTENT_ACTIONS = frozenset(
    r.action for r in RULES if r.source == r.target and r.action not in PUBLISHING_ACTIONS
)

MAX_REASON_LENGTH = 1000


class WorkflowError(Exception):
    """A move the SOP does not allow; ``key`` names the user-facing message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Actor:
    person_id: int
    roles: frozenset[Role]


@dataclass(frozen=True)
class ItemView:
    """What the rules need to know about an item."""

    state: State
    officer_id: int
    media_count: int = 0
    has_text: bool = False
    has_title: bool = False
    # A publication time the publisher chose (publishing steps only).
    scheduled: bool = False
    # Some target has not published (or removed) the item after several attempts, or
    # cannot tell whether it did: the publisher may ask for another try now.
    publishing_trouble: bool = False
    # Some target cannot tell whether an interrupted attempt reached it; a person can.
    publishing_uncertain: bool = False


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State
    role: Role
    note: str | None
    at: datetime

    @property
    def changes_state(self) -> bool:
        return self.source != self.target


def rule_for(action: Action, state: State) -> Rule | None:
    return _RULE_BY_KEY.get((action, state))


def _acting_role(rule: Rule, actor: Actor, item: ItemView) -> Role | None:
    if rule.role not in actor.roles:
        return None
    if rule.owner_only and actor.person_id != item.officer_id:
        return None
    return rule.role


def _unmet_precondition(action: Action, item: ItemView) -> str | None:
    """Why the item's content does not allow ``action`` yet (a message key), if so."""
    if action is Action.SUBMIT and item.media_count == 0 and not item.has_text:
        return "error.empty_draft"
    if action is Action.SEND_TO_OFFICIAL:
        if item.media_count == 0 and not item.has_text:
            return "error.empty_draft"
        if not item.has_title:
            return "error.title_missing"
    if action in (Action.DROP_MEDIA, Action.SET_COVER, Action.SET_ALT) and item.media_count == 0:
        return "error.media_unknown"
    if action is Action.UNSCHEDULE and not item.scheduled:
        return "error.not_scheduled"
    if action is Action.RETRY and not item.publishing_trouble:
        return "error.nothing_to_retry"
    if action is Action.CONFIRM_OUT and not item.publishing_uncertain:
        return "error.nothing_uncertain"
    return None


def allowed_actions(item: ItemView, actor: Actor) -> list[Action]:
    """Actions this person may take on this item right now, in the table's order.

    Moves whose content precondition is unmet (an empty draft cannot be handed over)
    are left out, so a button built from this list never leads to a refusal.
    """
    return [
        rule.action
        for rule in RULES
        if rule.source == item.state
        and _acting_role(rule, actor, item) is not None
        and _unmet_precondition(rule.action, item) is None
    ]


def actions_for_role(state: State, role: Role) -> list[Action]:
    """Actions the holder of ``role`` could take in ``state`` (for a group's shared card)."""
    return [r.action for r in RULES if r.source == state and r.role == role]


_FORWARD = frozenset(
    {Action.SUBMIT, Action.ACCEPT, Action.SEND_TO_OFFICIAL, Action.APPROVE, Action.PUBLISH}
)


def holder_role(state: State) -> Role | None:
    """The role whose turn it is in ``state`` (None when nobody has to act)."""
    for rule in RULES:
        if rule.source == state and rule.action in _FORWARD:
            return rule.role
    return None


# States in which the item waits for a team other than its officer: entering one hands
# the item over to the holders of ``holder_role(state)``.
HANDOVER_STATES = frozenset({State.SUBMITTED, State.EDITING, State.REVIEW, State.APPROVED})


def may_follow(actor: Actor, officer_id: int) -> bool:
    """Who may see an item's card details and history: its own officer, and anyone who
    takes part in the later steps (IT, editors, officials, publishers, admins)."""
    return actor.person_id == officer_id or bool(actor.roles - {Role.OFFICER})


# The scheduler publishing at the chosen time (or at once with auto-publish) acts as a
# publisher; its events name the system, not a person.
SYSTEM_ACTOR = Actor(person_id=0, roles=frozenset({Role.PUBLISHER}))
# How events name the system (the scheduler, the sweeps) when it acts on its own.
SYSTEM_NAME = "warta"
SYSTEM_ROLE = "system"


def needs_reason(action: Action) -> bool:
    return any(r.needs_reason for r in RULES if r.action == action)


def transition(
    item: ItemView,
    actor: Actor,
    action: Action,
    now: datetime,
    note: str | None = None,
) -> Transition:
    """Check one move against the SOP and return it, or raise :class:`WorkflowError`."""
    rule = rule_for(action, item.state)
    if rule is None:
        if item.state in FINAL_STATES:
            raise WorkflowError("error.item_closed", state=item.state.value)
        raise WorkflowError("error.not_now", state=item.state.value)
    role = _acting_role(rule, actor, item)
    if role is None:
        if rule.owner_only and rule.role in actor.roles:
            raise WorkflowError("error.not_owner")
        raise WorkflowError("error.wrong_role", role=rule.role.value)
    cleaned = (note or "").strip() or None
    if rule.needs_reason and cleaned is None:
        raise WorkflowError("error.reason_required")
    if cleaned is not None and len(cleaned) > MAX_REASON_LENGTH:
        raise WorkflowError("error.reason_too_long", limit=MAX_REASON_LENGTH)
    unmet = _unmet_precondition(action, item)
    if unmet is not None:
        raise WorkflowError(unmet)
    return Transition(action, item.state, rule.target, role, cleaned, now)


def roles_from(values: Iterable[str]) -> frozenset[Role]:
    known = {r.value for r in Role}
    return frozenset(Role(v) for v in values if v in known)


def summarize_roles(roles: Collection[Role]) -> list[Role]:
    """Roles in the SOP's order, for display."""
    order = list(Role)
    return sorted(roles, key=order.index)
