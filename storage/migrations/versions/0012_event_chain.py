"""The history as a hash chain.

Revision ID: 0012_event_chain
Revises: 0011_media_alt
Create Date: 2026-12-07 12:50:00

``events.seq``: the event's place in the office's one chain (1, 2, 3…); ``prev_hash``
and ``hash``: the SHA-256 links (:mod:`bot.core.audit_chain`). New events are chained by the
bot within a minute (:func:`storage.audit.seal`); the events already here are chained
now, in the order of their ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.audit import seal

revision: str = "0012_event_chain"
down_revision: str | Sequence[str] | None = "0011_media_alt"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.create_index("ix_events_seq", ["seq"], unique=True)
    seal(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_seq")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
