"""Typed SQLAlchemy models: the database is the single source of truth.

Workflow state, step deadlines, the living cards per chat and the prompts waiting for
typed input are all rows, so a restart loses nothing. ``items.version`` is the
optimistic lock: every change bumps it and an update with a stale version fails.
``events`` is append-only (nothing in the code updates or deletes a row there).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.column_types import UTCDateTime
from storage.sweeps import (
    NOT_ESCALATED,
    NOT_REMINDED,
    NOTICE_OWED,
    UNDELIVERED,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _partial(name: str, column: str, where: str) -> Index:
    """An index of the rows a sweep looks for; the condition is literal SQL shared with
    the sweep's query (see :mod:`storage.sweeps`)."""
    condition = text(where)
    return Index(name, column, sqlite_where=condition, postgresql_where=condition)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(Base):
    """Someone the office registered through an invite (or an admin from the config)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    full_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5), default="id")
    section: Mapped[str | None] = mapped_column(String(100))
    # The draft new files go into; None means "start one on the next file".
    current_draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", use_alter=True, ondelete="SET NULL")
    )
    # Set when Telegram says the person blocked the bot; cleared when they write again.
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[int | None] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="roles")


class Invite(Base):
    """A one-time, expiring deep link (``t.me/<bot>?start=<token>``) granting one role."""

    __tablename__ = "invites"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    section: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TeamChat(Base):
    """A group bound by an admin to one purpose (IT team, webmaster, officials...)."""

    __tablename__ = "team_chats"

    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(String(255))
    bound_by: Mapped[int] = mapped_column(BigInteger)
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CodeCounter(Base):
    """Per-year sequence behind human codes such as ``PKP-2026-0001``."""

    __tablename__ = "code_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Installation(Base):
    """This installation's identity: one row, a random id (32 hex digits) made by the
    migration that created the table (``0004_installation``), never changed.

    It is kept with the data: a restored backup keeps it, a fresh or reset database gets
    a new one. Publishing targets mark what this installation created with it, so a
    look-up never takes another installation's post for its own (WordPress slugs).
    """

    __tablename__ = "installation"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)


class Item(Base):
    """One submission (naskah) on its way through the SOP."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    officer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    section: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    cover_media_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The step visit's reminder and late instants, in working time, set on entry; and
    # when its reminder and its escalation were written (None: still owed).
    step_remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    step_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    step_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The state whose announcements (outcome notices, hand-over) were delivered; differs
    # from ``state`` while a delivery is pending (see the delivery sweep).
    delivered_state: Mapped[str | None] = mapped_column(String(20))
    # The last reason or note given (send-back, changes, rejection), shown on cards.
    last_note: Mapped[str | None] = mapped_column(Text)
    # When the publisher scheduled it to be published (approved items only).
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # "published" / "removed" once the people were told that every target has the item
    # (or none has it any more); a sweep re-sends that news until then.
    publication_notice: Mapped[str | None] = mapped_column(String(20))

    media: Mapped[list[Media]] = relationship(
        back_populates="item",
        order_by="Media.position",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    publications: Mapped[list[Publication]] = relationship(
        order_by="Publication.id",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    # Items are never deleted in normal operation (the events table keeps them for the
    # archive); the cascade only keeps an administrative delete consistent.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    # What the sweeps look for, indexed by its condition (storage.sweeps): the visits
    # owed a reminder or an escalation, hand-overs not gone, notices not given.
    __table_args__ = (
        _partial("ix_items_remind_owed", "step_remind_at", NOT_REMINDED),
        _partial("ix_items_escalation_owed", "step_due_at", NOT_ESCALATED),
        _partial("ix_items_undelivered", "id", UNDELIVERED),
        _partial("ix_items_notice_owed", "id", NOTICE_OWED),
    )


class Media(Base):
    """One received file, kept as received in the blob store."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # photo / video / document / animation
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    telegram_unique_id: Mapped[str] = mapped_column(String(64))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # None until the original is safely in the blob store; a sweep retries those.
    blob_key: Mapped[str | None] = mapped_column(String(255))
    download_attempts: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the file was not taken at intake (a catalog key); it is dropped, not fetched again.
    refused: Mapped[str | None] = mapped_column(String(60))
    # A photo's description for readers who cannot see it, as an editor typed it.
    alt: Mapped[str | None] = mapped_column(String(300))
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    item: Mapped[Item] = relationship(back_populates="media")


class Publication(Base):
    """The outbox: one row per item and publishing target.

    Written in the same transaction as the move that publishes (or takes down) the
    item; a worker then drives each row to its target with retries. ``in_flight_since``
    is committed *before* a remote call and cleared after its result is saved, so a row
    still in flight after a crash means "the target may have it": the worker looks for
    it there before sending again, and nothing is published twice.
    """

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("item_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(20))  # site / wordpress / channel / webhook
    # pending → published; removing → removed (takedown); cancelled when taken down
    # before it ever went out; uncertain when a person must check the target.
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    in_flight_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last failure may have reached the target (a timeout after sending).
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The failure in terms a publisher can act on (``bot.ports.targets.ErrorKind``).
    error_kind: Mapped[str | None] = mapped_column(String(20))
    remote_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    # What the target needs later (message ids, media ids), as JSON text.
    remote_data: Mapped[str | None] = mapped_column(Text)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Event(Base):
    """Append-only history: every transition, edit and admin action."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A deputy's move: the official they acted for (Plt/Plh), as named at the time.
    acting_for_id: Mapped[int | None] = mapped_column(BigInteger)
    acting_for_name: Mapped[str | None] = mapped_column(String(200))
    # The hash chain (``storage.audit``): set by the sealer, never by a move.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class Card(Base):
    """The one living message per item per chat that is edited as the item moves."""

    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("item_id", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    # Whose view this card is: officer / it / editor / official / publisher.
    audience: Mapped[str] = mapped_column(String(20))


class Prompt(Base):
    """A question the bot asked one person in one chat, waiting for typed text."""

    __tablename__ = "prompts"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    item_version: Mapped[int | None] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutgoingRow(Base):
    """A message a move (or the outbox) must send, waiting for the sender.

    Written in the same transaction as what caused it, so it cannot be lost; the sender
    claims it (``sending``) before the Telegram call and marks it ``sent`` after, so it
    goes once. ``failed`` rows wait for the next sweep; ``superseded`` ones were card
    redraws overtaken by a later redraw of the same card; ``dropped`` ones could not be
    sent at all (the person blocked the bot, or a day of failures).
    """

    __tablename__ = "outgoing"
    __table_args__ = (Index("ix_outgoing_open", "status", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str | None] = mapped_column(String(20))
    repost: Mapped[bool] = mapped_column(Boolean, default=False)
    # JSON: {"key", "params", "translate"} for notices.
    payload: Mapped[str | None] = mapped_column(Text)
    completes: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DailyMark(Base):
    """Work done once per office day (the morning digest), marked in the same
    transaction as its messages; the key makes a second writer fail."""

    __tablename__ = "daily_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Absence(Base):
    """An official away (dinas luar, cuti, sick) and who acts for them meanwhile."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # None: nobody acts for them (escalations go to the admins).
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # Office days, both included.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
