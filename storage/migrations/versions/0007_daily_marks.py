"""Once-a-day work done: the morning digest of a given office day.

Revision ID: 0007_daily_marks
Revises: 0006_step_reminders
Create Date: 2026-12-07 04:00:00

``daily_marks`` holds one row per (what, office day) once it was written, in the same
transaction as its messages; the primary key makes a second writer fail, so a restart
or two sweeps never send the morning digest twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_daily_marks"
down_revision: str | Sequence[str] | None = "0006_step_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "day", name="pk_daily_marks"),
    )


def downgrade() -> None:
    op.drop_table("daily_marks")
