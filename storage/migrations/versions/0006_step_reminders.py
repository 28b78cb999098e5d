"""Working-time deadlines: a reminder point per step visit, and what was sent for it.

Revision ID: 0006_step_reminders
Revises: 0005_outgoing
Create Date: 2026-12-07 03:30:00

Each step visit stores, when it is entered, its reminder instant (``step_remind_at``)
next to its late instant (``step_due_at``), both in working time. ``step_reminded_at``
and ``step_escalated_at`` say that the reminder and the escalation of this visit were
written (in the same transaction as their messages); entering a step clears them.

Steps already past their deadline at the upgrade count as escalated, so an upgrade does
not send a flood of escalations for old items; the rest get their reminder at the
deadline they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006_step_reminders"
down_revision: str | Sequence[str] | None = "0005_outgoing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The sweeps look for the visits still owed a message; partial indexes keep that look-up
# as small as the number of such visits, however long the history. The conditions are
# literal SQL, which SQLite's planner can match (it cannot match bound parameters).
REMIND_INDEX = "ix_items_remind_owed"
LATE_INDEX = "ix_items_escalation_owed"


def UTCDateTime() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("step_remind_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("step_reminded_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("step_escalated_at", UTCDateTime(), nullable=True))
    items = sa.table(
        "items",
        sa.column("step_due_at", UTCDateTime()),
        sa.column("step_remind_at", UTCDateTime()),
        sa.column("step_reminded_at", UTCDateTime()),
        sa.column("step_escalated_at", UTCDateTime()),
    )
    now = datetime.now(UTC)
    op.execute(
        items.update()
        .where(items.c.step_due_at.is_not(None), items.c.step_due_at < now)
        .values(step_reminded_at=now, step_escalated_at=now)
    )
    op.execute(items.update().values(step_remind_at=items.c.step_due_at))
    op.create_index(
        REMIND_INDEX,
        "items",
        ["step_remind_at"],
        sqlite_where=sa.text("step_reminded_at IS NULL"),
        postgresql_where=sa.text("step_reminded_at IS NULL"),
    )
    op.create_index(
        LATE_INDEX,
        "items",
        ["step_due_at"],
        sqlite_where=sa.text("step_escalated_at IS NULL"),
        postgresql_where=sa.text("step_escalated_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(LATE_INDEX, table_name="items")
    op.drop_index(REMIND_INDEX, table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("step_escalated_at")
        batch.drop_column("step_reminded_at")
        batch.drop_column("step_remind_at")
