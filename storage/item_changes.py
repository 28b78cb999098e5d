"""A move's changes (:class:`bot.core.item_changes.Changes`, decided by the core) applied
to the item's rows inside the move's unit of work; only the columns a move may change
are written, so a mistake in a rule cannot reach an id, a code or a version."""

from __future__ import annotations

from datetime import datetime

from bot.core.item_changes import Changes, Fields
from bot.core.publication import PENDING
from bot.ports.items import NewEvent
from storage.models import Event, Item, Publication

ITEM_COLUMNS = frozenset(
    {
        "state",
        "state_entered_at",
        "step_remind_at",
        "step_due_at",
        "step_reminded_at",
        "step_escalated_at",
        "publish_at",
        "title",
        "body",
        "category",
        "cover_media_id",
        "last_note",
        "updated_at",
    }
)
MEDIA_COLUMNS = frozenset({"dropped", "alt"})
PUBLICATION_COLUMNS = frozenset(
    {
        "status",
        "attempts",
        "alerted",
        "ambiguous",
        "in_flight_since",
        "last_error",
        "next_attempt_at",
        "published_at",
        "updated_at",
    }
)


def _set(row: object, fields: Fields, allowed: frozenset[str]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"a move may not change {type(row).__name__}.{name}")
        setattr(row, name, value)


def apply_changes(item: Item, changes: Changes, now: datetime) -> None:
    """Write ``changes`` to the item (loaded with its files and targets)."""
    _set(item, changes.item, ITEM_COLUMNS)
    media = {m.id: m for m in item.media}
    for media_id, fields in changes.media.items():
        _set(media[media_id], fields, MEDIA_COLUMNS)
    rows = {p.target: p for p in item.publications}
    for target, fields in changes.publications.items():
        _set(rows[target], fields, PUBLICATION_COLUMNS)
    for target in changes.new_targets:
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


def event_row(item_id: int, event: NewEvent) -> Event:
    """The history row of a move's (or a draft's) event."""
    return Event(
        item_id=item_id,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        note=event.note,
        created_at=event.at,
        acting_for_id=event.acting_for_id,
        acting_for_name=event.acting_for_name,
    )
