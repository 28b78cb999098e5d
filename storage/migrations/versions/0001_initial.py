"""Initial schema.

Revision ID: 0001_initial
Revises:
Create Date: 2026-01-01 00:00:00

People and their roles, invites, team chats, code counters, items with their media,
events, cards and prompts.

Types are spelled out here (``DateTime(timezone=True)`` rather than the models'
``UTCDateTime``) so this file never changes when the model code does.

``people.current_draft_id`` and ``items.officer_id`` point at each other. PostgreSQL
gets the draft key added after both tables exist; SQLite cannot add a constraint to an
existing table but accepts a reference to a table that does not exist yet, so there it
is written inline.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DRAFT_FK = "fk_people_current_draft_id_items"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _draft_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["current_draft_id"], ["items.id"], name=DRAFT_FK, ondelete="SET NULL"
    )


def upgrade() -> None:
    inline_draft_fk = op.get_context().dialect.name == "sqlite"

    op.create_table(
        "people",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("current_draft_id", sa.Integer(), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        *([_draft_fk()] if inline_draft_fk else []),
    )

    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_by", sa.BigInteger(), nullable=True),
        sa.Column("granted_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_role_grants"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_role_grants_person_id_people",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("person_id", "role", name="uq_role_grants_person_id_role"),
    )

    op.create_table(
        "invites",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("used_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("token", name="pk_invites"),
    )

    op.create_table(
        "team_chats",
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("bound_by", sa.BigInteger(), nullable=False),
        sa.Column("bound_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("purpose", name="pk_team_chats"),
    )

    op.create_table(
        "code_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_code_counters"),
    )

    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.BigInteger(), nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("cover_media_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("state_entered_at", _utc(), nullable=False),
        sa.Column("step_due_at", _utc(), nullable=True),
        sa.Column("last_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["officer_id"], ["people.id"], name="fk_items_officer_id_people"),
        sa.UniqueConstraint("code", name="uq_items_code"),
    )
    op.create_index("ix_items_state", "items", ["state"])
    op.create_index("ix_items_officer_id", "items", ["officer_id"])
    op.create_index("ix_items_step_due_at", "items", ["step_due_at"])

    if not inline_draft_fk:
        op.create_foreign_key(
            DRAFT_FK, "people", "items", ["current_draft_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("telegram_file_id", sa.String(255), nullable=False),
        sa.Column("telegram_unique_id", sa.String(64), nullable=False),
        sa.Column("media_group_id", sa.String(64), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("mime_type", sa.String(100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("blob_key", sa.String(255), nullable=True),
        sa.Column("download_attempts", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.Boolean(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_media_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_media_item_id", "media", ["item_id"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(200), nullable=True),
        sa.Column("actor_role", sa.String(20), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_events_item_id_items"),
    )
    op.create_index("ix_events_item_id", "events", ["item_id"])

    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cards"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_cards_item_id_items", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("item_id", "chat_id", name="uq_cards_item_id_chat_id"),
    )
    op.create_index("ix_cards_item_id", "cards", ["item_id"])

    op.create_table(
        "prompts",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("item_version", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "person_id", name="pk_prompts"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_prompts_item_id_items", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("prompts")
    op.drop_index("ix_cards_item_id", table_name="cards")
    op.drop_table("cards")
    op.drop_index("ix_events_item_id", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_media_item_id", table_name="media")
    op.drop_table("media")
    if op.get_context().dialect.name != "sqlite":
        op.drop_constraint(DRAFT_FK, "people", type_="foreignkey")
    op.drop_index("ix_items_step_due_at", table_name="items")
    op.drop_index("ix_items_officer_id", table_name="items")
    op.drop_index("ix_items_state", table_name="items")
    op.drop_table("items")
    op.drop_table("code_counters")
    op.drop_table("team_chats")
    op.drop_table("invites")
    op.drop_table("role_grants")
    op.drop_table("people")
