"""Rows to values (:mod:`bot.core.values`): what leaves a unit of work.

Each mapper reads only what the row has loaded: a relationship a query chose not to
load (an officer's roles on a card) is left out, never fetched behind the caller's back.
"""

from __future__ import annotations

from sqlalchemy import inspect

from bot.core import values
from bot.core.workflow import roles_from
from storage import models


def _loaded(row: object, name: str) -> bool:
    state = inspect(row)
    return state is not None and name not in state.unloaded


def person(row: models.Person) -> values.Person:
    known = _loaded(row, "roles")
    return values.Person(
        id=row.id,
        full_name=row.full_name,
        username=row.username,
        language=row.language,
        section=row.section,
        current_draft_id=row.current_draft_id,
        unreachable=bool(row.unreachable),
        roles=roles_from(grant.role for grant in row.roles) if known else frozenset(),
        roles_known=known,
    )


def maybe_person(row: models.Person | None) -> values.Person | None:
    return None if row is None else person(row)


def media(row: models.Media) -> values.Media:
    return values.Media(
        id=row.id,
        item_id=row.item_id,
        kind=row.kind,
        telegram_file_id=row.telegram_file_id,
        telegram_unique_id=row.telegram_unique_id,
        received_at=row.received_at,
        media_group_id=row.media_group_id,
        file_name=row.file_name,
        mime_type=row.mime_type,
        size=row.size,
        sha256=row.sha256,
        blob_key=row.blob_key,
        download_attempts=row.download_attempts or 0,
        position=row.position or 0,
        dropped=bool(row.dropped),
        refused=row.refused,
        alt=row.alt,
        source_message_id=row.source_message_id,
    )


def publication(row: models.Publication) -> values.Publication:
    return values.Publication(
        id=row.id,
        item_id=row.item_id,
        target=row.target,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attempts=row.attempts or 0,
        next_attempt_at=row.next_attempt_at,
        in_flight_since=row.in_flight_since,
        ambiguous=bool(row.ambiguous),
        last_error=row.last_error,
        error_kind=row.error_kind,
        remote_id=row.remote_id,
        url=row.url,
        remote_data=row.remote_data,
        alerted=bool(row.alerted),
        published_at=row.published_at,
        removed_at=row.removed_at,
    )


def item(row: models.Item) -> values.Item:
    return values.Item(
        id=row.id,
        code=row.code,
        state=row.state,
        version=row.version,
        officer_id=row.officer_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        state_entered_at=row.state_entered_at,
        section=row.section,
        title=row.title,
        body=row.body,
        category=row.category,
        cover_media_id=row.cover_media_id,
        step_remind_at=row.step_remind_at,
        step_due_at=row.step_due_at,
        step_reminded_at=row.step_reminded_at,
        step_escalated_at=row.step_escalated_at,
        delivered_state=row.delivered_state,
        last_note=row.last_note,
        publish_at=row.publish_at,
        publication_notice=row.publication_notice,
        media=tuple(map(media, row.media)) if _loaded(row, "media") else (),
        publications=(
            tuple(map(publication, row.publications)) if _loaded(row, "publications") else ()
        ),
    )


def maybe_item(row: models.Item | None) -> values.Item | None:
    return None if row is None else item(row)


def event(row: models.Event) -> values.Event:
    return values.Event(
        id=row.id,
        action=row.action,
        created_at=row.created_at,
        item_id=row.item_id,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        actor_role=row.actor_role,
        from_state=row.from_state,
        to_state=row.to_state,
        note=row.note,
        acting_for_id=row.acting_for_id,
        acting_for_name=row.acting_for_name,
    )


def maybe_event(row: models.Event | None) -> values.Event | None:
    return None if row is None else event(row)


def card(row: models.Card) -> values.Card:
    return values.Card(row.item_id, row.chat_id, row.message_id, row.audience)


def invite(row: models.Invite) -> values.Invite:
    return values.Invite(
        token=row.token,
        role=row.role,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        section=row.section,
        used_by=row.used_by,
        used_at=row.used_at,
    )
