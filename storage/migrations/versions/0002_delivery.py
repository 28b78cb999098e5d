"""Remember which step's hand-over reached its people.

Revision ID: 0002_delivery
Revises: 0001_initial
Create Date: 2026-11-26 16:00:00

``items.delivered_state`` is set once the cards and files of a step have been posted to
the step's chat(s). A sweep re-delivers items whose state differs from it, so a crash or
a Telegram failure between the committed move and the messages never loses a hand-over.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_delivery"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("delivered_state", sa.String(length=20), nullable=True))
    # Everything that exists already was delivered by the code that made it.
    op.execute("UPDATE items SET delivered_state = state")


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("delivered_state")
