"""What the layers hand each other: plain, frozen values read from the database.

Storage maps its rows to these (``storage.values``) at the edge of a unit of work, so
nothing above it holds a row that could load more, change under it, or be written back
by accident. They carry what the rows carry; a value that changes is a new value
(:func:`dataclasses.replace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.workflow import Role


@dataclass(frozen=True)
class Person:
    """Someone who has written to the bot, with the roles they hold."""

    id: int
    full_name: str
    username: str | None = None
    language: str = "id"
    section: str | None = None
    current_draft_id: int | None = None
    unreachable: bool = False
    roles: frozenset[Role] = frozenset()
    #: False when the roles were not read (a card only shows the officer's name).
    roles_known: bool = True


@dataclass(frozen=True)
class Media:
    """One file of an item, as received; its original is in the blob store once
    ``blob_key`` is set."""

    id: int
    item_id: int
    kind: str
    telegram_file_id: str
    telegram_unique_id: str
    received_at: datetime
    media_group_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    blob_key: str | None = None
    download_attempts: int = 0
    position: int = 0
    dropped: bool = False
    refused: str | None = None
    alt: str | None = None  # the editor's description; None: made from the title
    source_message_id: int | None = None


@dataclass(frozen=True)
class Publication:
    """The item on one target: where it stands, and where it can be read."""

    id: int
    item_id: int
    target: str
    status: str
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    in_flight_since: datetime | None = None
    ambiguous: bool = False
    last_error: str | None = None
    error_kind: str | None = None
    remote_id: str | None = None
    url: str | None = None
    remote_data: str | None = None
    alerted: bool = False
    published_at: datetime | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True)
class Item:
    """A submission, with its files (in order) and its targets."""

    id: int
    code: str
    state: str
    version: int
    officer_id: int
    created_at: datetime
    updated_at: datetime
    state_entered_at: datetime
    section: str | None = None
    title: str | None = None
    body: str | None = None
    category: str | None = None
    cover_media_id: int | None = None
    step_remind_at: datetime | None = None
    step_due_at: datetime | None = None
    step_reminded_at: datetime | None = None
    step_escalated_at: datetime | None = None
    delivered_state: str | None = None
    last_note: str | None = None
    publish_at: datetime | None = None
    publication_notice: str | None = None
    media: tuple[Media, ...] = field(default=())
    publications: tuple[Publication, ...] = field(default=())


@dataclass(frozen=True)
class Event:
    """One line of an item's history (or of the office's, without an item)."""

    id: int
    action: str
    created_at: datetime
    item_id: int | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    actor_role: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    note: str | None = None
    acting_for_id: int | None = None
    acting_for_name: str | None = None


@dataclass(frozen=True)
class Card:
    """The item's card in one chat."""

    item_id: int
    chat_id: int
    message_id: int
    audience: str


@dataclass(frozen=True)
class Invite:
    """A one-time link that gives its redeemer a role."""

    token: str
    role: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    section: str | None = None
    used_by: int | None = None
    used_at: datetime | None = None
