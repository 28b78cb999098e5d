"""The sender's rows: every message a move must send, written with the move.

Revision ID: 0005_outgoing
Revises: 0004_installation
Create Date: 2026-12-03 20:00:00

``outgoing`` holds one row per card, album, preview or notice that a committed move
(or the outbox) must send. The sender claims a row before the Telegram call and marks it
sent after, so a crash or a Telegram failure loses nothing and repeats nothing already
marked. ``completes`` names what the last of a move's rows finishes: ``state:<s>`` sets
``items.delivered_state``, ``notice:<n>`` sets ``items.publication_notice``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_outgoing"
down_revision: str | Sequence[str] | None = "0004_installation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def UTCDateTime() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outgoing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=20), nullable=True),
        sa.Column("repost", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("completes", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_outgoing_item_id_items", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outgoing"),
    )
    op.create_index("ix_outgoing_item_id", "outgoing", ["item_id"])
    op.create_index("ix_outgoing_open", "outgoing", ["status", "chat_id"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_open", table_name="outgoing")
    op.drop_index("ix_outgoing_item_id", table_name="outgoing")
    op.drop_table("outgoing")
