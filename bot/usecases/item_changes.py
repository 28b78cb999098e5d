"""What a move changes on the item besides its state: an editor's edit, and the outbox
rows that publishing, a takedown, a retry or a confirmation imply."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core import values
from bot.core.publication import CANCELLED, PENDING, PUBLISHED, REMOVED, REMOVING, UNCERTAIN
from bot.core.standards import StepClock
from bot.core.workflow import Action, State, Transition, WorkflowError
from bot.usecases.moves import MAX_ALT_LENGTH, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, Edit
from storage.models import Item, Publication


def in_trouble(publication: Publication | values.Publication) -> bool:
    """Failed at least once and not done yet, or waiting for a person to check."""
    if publication.status == UNCERTAIN:
        return True
    return publication.status in (PENDING, REMOVING) and publication.attempts > 0


def enter_step(item: Item, state: State, now: datetime, clock: StepClock) -> None:
    """Start a new visit of ``state``: its reminder and late instants in working time,
    and no reminder or escalation sent for it yet."""
    item.state = state.value
    item.state_entered_at = now
    deadlines = clock.deadlines(state, now)
    item.step_remind_at = deadlines.remind_at if deadlines is not None else None
    item.step_due_at = deadlines.late_at if deadlines is not None else None
    item.step_reminded_at = None
    item.step_escalated_at = None


def write_outbox(item: Item, move: Transition, now: datetime, targets: Sequence[str]) -> None:
    """Write the outbox rows a move implies, in the move's own transaction."""
    if move.target is State.PUBLISHED and move.source is State.APPROVED:
        item.publish_at = None
        existing = {p.target for p in item.publications}
        for target in targets:
            if target not in existing:
                item.publications.append(
                    Publication(
                        target=target,
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        ambiguous=False,
                        alerted=False,
                        created_at=now,
                        updated_at=now,
                    )
                )
    elif move.target is State.UNPUBLISHED and move.source is State.PUBLISHED:
        for publication in item.publications:
            never_sent = (
                publication.status == PENDING
                and publication.remote_id is None
                and publication.in_flight_since is None
                and not publication.ambiguous
            )
            if publication.status in (CANCELLED, REMOVED):
                continue
            publication.status = CANCELLED if never_sent else REMOVING
            publication.attempts = 0
            publication.alerted = False
            publication.last_error = None
            publication.next_attempt_at = now
            publication.updated_at = now
    elif move.action is Action.RETRY:
        for publication in item.publications:
            if not in_trouble(publication):
                continue
            if publication.status == UNCERTAIN:
                # A person checked the target and found nothing: send it again.
                publication.status = PENDING
                publication.ambiguous = False
                publication.in_flight_since = None
            publication.next_attempt_at = now
            publication.updated_at = now
    elif move.action is Action.CONFIRM_OUT:
        for publication in item.publications:
            if publication.status != UNCERTAIN:
                continue
            # Out there, as a person saw; which messages it is stays unknown, so
            # it stays "ambiguous": a takedown then asks people to delete it.
            publication.status = PUBLISHED
            publication.ambiguous = True
            publication.in_flight_since = None
            publication.last_error = None
            publication.published_at = now
            publication.updated_at = now


def apply_edit(
    item: Item,
    action: Action,
    edit: Edit,
    now: datetime,
    categories: Sequence[str],
    clock: StepClock,
) -> str | None:
    """Apply an editor's change; returns what the history should say about it."""
    if action is Action.SCHEDULE:
        if edit.publish_at is None or edit.publish_at <= now:
            raise WorkflowError("error.schedule_past")
        item.publish_at = edit.publish_at
        # The scheduler publishes it, so nobody is reminded; the step is late only when
        # it has not gone out within the publishing standard of the time chosen.
        deadlines = clock.deadlines(State.APPROVED, edit.publish_at)
        item.step_remind_at = None
        item.step_due_at = deadlines.late_at if deadlines is not None else edit.publish_at
        item.step_reminded_at = None
        item.step_escalated_at = None
        return edit.publish_at.isoformat()
    if action is Action.UNSCHEDULE:
        item.publish_at = None
        # A publisher has the step again, from now.
        enter_step(item, State.APPROVED, now, clock)
        return None
    if action is Action.EDIT_TITLE:
        title = (edit.title or "").strip()
        if not title:
            raise WorkflowError("error.title_empty")
        if len(title) > MAX_TITLE_LENGTH:
            raise WorkflowError("error.title_too_long", limit=MAX_TITLE_LENGTH)
        item.title = title
        return title
    if action is Action.EDIT_BODY:
        body = (edit.body or "").strip()
        if len(body) > MAX_BODY_LENGTH:
            raise WorkflowError("error.body_too_long", limit=MAX_BODY_LENGTH)
        item.body = body or None
        return None
    if action is Action.SET_CATEGORY:
        if edit.category not in categories:
            raise WorkflowError("error.category_unknown")
        item.category = edit.category
        return edit.category
    media = next((m for m in item.media if m.id == edit.media_id), None)
    if media is None or media.dropped:
        raise WorkflowError("error.media_unknown")
    if action is Action.DROP_MEDIA:
        # An editor must leave something to publish; an officer's draft may be emptied.
        editing = item.state == State.EDITING.value
        if editing and sum(1 for m in item.media if not m.dropped) <= 1 and not item.body:
            raise WorkflowError("error.last_media")
        media.dropped = True
        if item.cover_media_id == media.id:
            item.cover_media_id = None
    elif action is Action.SET_COVER:
        if media.kind != "photo":
            raise WorkflowError("error.cover_not_photo")
        item.cover_media_id = media.id
    elif action is Action.SET_ALT:
        if media.kind != "photo":
            raise WorkflowError("error.alt_not_photo")
        alt = " ".join((edit.alt or "").split())
        if len(alt) > MAX_ALT_LENGTH:
            raise WorkflowError("error.alt_too_long", limit=MAX_ALT_LENGTH)
        # "-" (or nothing) gives the photo its default description back.
        media.alt = alt if alt not in ("", "-") else None
    return f"#{media.position} {media.kind}"
