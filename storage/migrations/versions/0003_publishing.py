"""Publishing: the outbox of publications and scheduled publication times.

Revision ID: 0003_publishing
Revises: 0002_delivery
Create Date: 2026-11-26 23:30:00

``publications`` holds one row per item and target (static site, WordPress, channel,
webhook), written with the move that publishes or takes the item down and driven by
the outbox worker. ``items.publish_at`` is the time a publisher scheduled.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_publishing"
down_revision: str | Sequence[str] | None = "0002_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def UTCDateTime() -> sa.DateTime:
    # Spelled out (not imported from the models) so this file never changes with them.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("publish_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("publication_notice", sa.String(length=20), nullable=True))
        batch.create_index("ix_items_publish_at", ["publish_at"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("in_flight_since", UTCDateTime(), nullable=True),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_kind", sa.String(length=20), nullable=True),
        sa.Column("remote_id", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("remote_data", sa.Text(), nullable=True),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name="fk_publications_item_id_items",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("item_id", "target", name="uq_publications_item_id_target"),
    )
    op.create_index("ix_publications_item_id", "publications", ["item_id"])
    op.create_index("ix_publications_status", "publications", ["status"])
    op.create_index("ix_publications_next_attempt_at", "publications", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("publications")
    with op.batch_alter_table("items") as batch:
        batch.drop_index("ix_items_publish_at")
        batch.drop_column("publication_notice")
        batch.drop_column("publish_at")
