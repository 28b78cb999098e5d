"""What a move changes on the item besides its state, decided as values: a new visit of
a step (its reminder and late instants), an editor's edit, and the outbox rows that
publishing, a takedown, a retry or a confirmation imply. Storage applies a
:class:`Changes` to its rows in the move's own unit of work; nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.publication import CANCELLED, PENDING, PUBLISHED, REMOVED, REMOVING, UNCERTAIN
from bot.core.standards import StepClock
from bot.core.text import split_title_body
from bot.core.values import Item, Publication
from bot.core.workflow import Action, ItemView, State, Transition, WorkflowError

MAX_TITLE_LENGTH = 300
MAX_BODY_LENGTH = 20_000
# A photo's description: a sentence or two (the column holds 300).
MAX_ALT_LENGTH = 300

Fields = Mapping[str, object]


@dataclass(frozen=True)
class Edit:
    """The content carried by an edit action."""

    title: str | None = None
    body: str | None = None
    category: str | None = None
    media_id: int | None = None
    publish_at: datetime | None = None
    alt: str | None = None  # a photo's description (``media_id`` names the photo)


@dataclass(frozen=True)
class Changes:
    """New values for the item's columns, its files' (by id) and its targets' rows (by
    target), and the targets that get a new outbox row (waiting, due at once)."""

    item: Fields = field(default_factory=dict)
    media: Mapping[int, Fields] = field(default_factory=dict)
    publications: Mapping[str, Fields] = field(default_factory=dict)
    new_targets: tuple[str, ...] = ()

    def then(self, later: Changes) -> Changes:
        """Both, the later winning where they touch the same column."""
        media = {k: dict(v) for k, v in self.media.items()}
        for media_id, media_fields in later.media.items():
            media.setdefault(media_id, {}).update(media_fields)
        publications = {k: dict(v) for k, v in self.publications.items()}
        for target, target_fields in later.publications.items():
            publications.setdefault(target, {}).update(target_fields)
        new = tuple(dict.fromkeys((*self.new_targets, *later.new_targets)))
        return Changes({**self.item, **later.item}, media, publications, new)


def in_trouble(publication: Publication) -> bool:
    """Failed at least once and not done yet, or waiting for a person to check."""
    if publication.status == UNCERTAIN:
        return True
    return publication.status in (PENDING, REMOVING) and publication.attempts > 0


def view_of(item: Item) -> ItemView:
    """What the workflow's rules need to know about the item."""
    live = [m for m in item.media if not m.dropped]
    return ItemView(
        state=State(item.state),
        officer_id=item.officer_id,
        media_count=len(live),
        has_text=bool((item.title or "").strip() or (item.body or "").strip()),
        has_title=bool((item.title or "").strip()),
        scheduled=item.publish_at is not None,
        publishing_trouble=any(in_trouble(p) for p in item.publications),
        publishing_uncertain=any(p.status == UNCERTAIN for p in item.publications),
    )


def enter_step(state: State, now: datetime, clock: StepClock) -> Changes:
    """Start a new visit of ``state``: its reminder and late instants in working time,
    and no reminder or escalation sent for it yet."""
    deadlines = clock.deadlines(state, now)
    return Changes(
        {
            "state": state.value,
            "state_entered_at": now,
            "step_remind_at": deadlines.remind_at if deadlines is not None else None,
            "step_due_at": deadlines.late_at if deadlines is not None else None,
            "step_reminded_at": None,
            "step_escalated_at": None,
        }
    )


def absorb_text(title: str | None, body: str | None, text: str) -> tuple[str | None, str | None]:
    """An officer's text added to a draft: the first line of the first text is the
    title, the rest goes to the body; refused (nothing changes) when the body would
    grow too long."""
    addition = text.strip()
    if not (title or "").strip():
        title, addition = split_title_body(text, MAX_TITLE_LENGTH)
    if addition:
        body = f"{body}\n\n{addition}" if body else addition
    if body and len(body) > MAX_BODY_LENGTH:
        raise WorkflowError("error.body_too_long", limit=MAX_BODY_LENGTH)
    return title, body


def outbox_changes(item: Item, move: Transition, now: datetime, targets: Sequence[str]) -> Changes:
    """The outbox rows a move implies, written in the move's own unit of work."""
    if move.target is State.PUBLISHED and move.source is State.APPROVED:
        existing = {p.target for p in item.publications}
        return Changes(
            {"publish_at": None}, new_targets=tuple(t for t in targets if t not in existing)
        )
    changed: dict[str, Fields] = {}
    if move.target is State.UNPUBLISHED and move.source is State.PUBLISHED:
        for p in item.publications:
            if p.status in (CANCELLED, REMOVED):
                continue
            never_sent = (
                p.status == PENDING
                and p.remote_id is None
                and p.in_flight_since is None
                and not p.ambiguous
            )
            changed[p.target] = {
                "status": CANCELLED if never_sent else REMOVING,
                "attempts": 0,
                "alerted": False,
                "last_error": None,
                "next_attempt_at": now,
                "updated_at": now,
            }
    elif move.action is Action.RETRY:
        for p in item.publications:
            if not in_trouble(p):
                continue
            fields: dict[str, object] = {"next_attempt_at": now, "updated_at": now}
            if p.status == UNCERTAIN:
                # A person checked the target and found nothing: send it again.
                fields.update(status=PENDING, ambiguous=False, in_flight_since=None)
            changed[p.target] = fields
    elif move.action is Action.CONFIRM_OUT:
        for p in item.publications:
            if p.status != UNCERTAIN:
                continue
            # Out there, as a person saw; which messages it is stays unknown, so it
            # stays "ambiguous": a takedown then asks people to delete it.
            changed[p.target] = {
                "status": PUBLISHED,
                "ambiguous": True,
                "in_flight_since": None,
                "last_error": None,
                "published_at": now,
                "updated_at": now,
            }
    return Changes(publications=changed)


def edit_changes(
    item: Item,
    action: Action,
    edit: Edit,
    now: datetime,
    categories: Sequence[str],
    clock: StepClock,
) -> tuple[Changes, str | None]:
    """An editor's change, and what the history should say about it."""
    if action is Action.SCHEDULE:
        if edit.publish_at is None or edit.publish_at <= now:
            raise WorkflowError("error.schedule_past")
        # The scheduler publishes it, so nobody is reminded; the step is late only when
        # it has not gone out within the publishing standard of the time chosen.
        deadlines = clock.deadlines(State.APPROVED, edit.publish_at)
        due = deadlines.late_at if deadlines is not None else edit.publish_at
        fields = {
            "publish_at": edit.publish_at,
            "step_remind_at": None,
            "step_due_at": due,
            "step_reminded_at": None,
            "step_escalated_at": None,
        }
        return Changes(fields), edit.publish_at.isoformat()
    if action is Action.UNSCHEDULE:
        # A publisher has the step again, from now.
        return Changes({"publish_at": None}).then(enter_step(State.APPROVED, now, clock)), None
    if action is Action.EDIT_TITLE:
        title = (edit.title or "").strip()
        if not title:
            raise WorkflowError("error.title_empty")
        if len(title) > MAX_TITLE_LENGTH:
            raise WorkflowError("error.title_too_long", limit=MAX_TITLE_LENGTH)
        return Changes({"title": title}), title
    if action is Action.EDIT_BODY:
        body = (edit.body or "").strip()
        if len(body) > MAX_BODY_LENGTH:
            raise WorkflowError("error.body_too_long", limit=MAX_BODY_LENGTH)
        return Changes({"body": body or None}), None
    if action is Action.SET_CATEGORY:
        if edit.category not in categories:
            raise WorkflowError("error.category_unknown")
        return Changes({"category": edit.category}), edit.category
    media = next((m for m in item.media if m.id == edit.media_id), None)
    if media is None or media.dropped:
        raise WorkflowError("error.media_unknown")
    changes = Changes()
    if action is Action.DROP_MEDIA:
        # An editor must leave something to publish; an officer's draft may be emptied.
        editing = item.state == State.EDITING.value
        if editing and sum(1 for m in item.media if not m.dropped) <= 1 and not item.body:
            raise WorkflowError("error.last_media")
        cover = {"cover_media_id": None} if item.cover_media_id == media.id else {}
        changes = Changes(cover, {media.id: {"dropped": True}})
    elif action is Action.SET_COVER:
        if media.kind != "photo":
            raise WorkflowError("error.cover_not_photo")
        changes = Changes({"cover_media_id": media.id})
    elif action is Action.SET_ALT:
        if media.kind != "photo":
            raise WorkflowError("error.alt_not_photo")
        alt = " ".join((edit.alt or "").split())
        if len(alt) > MAX_ALT_LENGTH:
            raise WorkflowError("error.alt_too_long", limit=MAX_ALT_LENGTH)
        # "-" (or nothing) gives the photo its default description back.
        changes = Changes(media={media.id: {"alt": alt if alt not in ("", "-") else None}})
    return changes, f"#{media.position} {media.kind}"


def move_changes(
    item: Item,
    move: Transition,
    edit: Edit | None,
    now: datetime,
    *,
    categories: Sequence[str],
    clock: StepClock,
    targets: Sequence[str],
) -> tuple[Changes, str | None]:
    """Everything an allowed move changes on the item, and the note of its event."""
    changes, note = Changes(), move.note
    if edit is None and move.action in (Action.SCHEDULE, Action.UNSCHEDULE):
        edit = Edit()
    if edit is not None:
        changes, note = edit_changes(item, move.action, edit, now, categories, clock)
    if move.changes_state:
        changes = changes.then(enter_step(move.target, now, clock))
        if move.note:
            changes = changes.then(Changes({"last_note": move.note}))
        elif move.target is not State.COLLECTING:
            changes = changes.then(Changes({"last_note": None}))
    changes = changes.then(outbox_changes(item, move, now, targets))
    return changes.then(Changes({"updated_at": now})), note
