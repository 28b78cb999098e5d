"""Partial indexes for the sweeps, so each costs what is owed, not the whole history.

Revision ID: 0008_sweep_indexes
Revises: 0007_daily_marks
Create Date: 2026-12-07 04:10:00

- ``ix_items_undelivered``: items whose hand-over has not gone (the delivery sweep);
- ``ix_items_notice_owed``: published or taken-down items whose people were not told
  yet (the publishing sweep, every 15 seconds). One term, with no ``state = …`` of its
  own, so that SQLite's planner cannot prefer the index on ``state`` (every published
  item) over this one.

(The outbox's rows on their way are found through the index on ``publications.status``
already.)

The conditions are literal SQL shared with the queries (``storage.sweeps``): SQLite's
planner uses a partial index only when the query states its condition.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_sweep_indexes"
down_revision: str | Sequence[str] | None = "0007_daily_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copies of storage.sweeps' conditions as they were at this revision (a migration never
# changes with the code after it).
UNDELIVERED = "delivered_state IS NULL OR delivered_state <> state"
NOTICE_OWED = (
    "COALESCE(publication_notice, '') <> CASE state WHEN 'published' THEN 'published'"
    " WHEN 'unpublished' THEN 'removed' ELSE COALESCE(publication_notice, '') END"
)


def _partial(name: str, table: str, column: str, where: str) -> None:
    condition = sa.text(where)
    op.create_index(name, table, [column], sqlite_where=condition, postgresql_where=condition)


def upgrade() -> None:
    _partial("ix_items_undelivered", "items", "id", UNDELIVERED)
    _partial("ix_items_notice_owed", "items", "id", NOTICE_OWED)


def downgrade() -> None:
    op.drop_index("ix_items_notice_owed", table_name="items")
    op.drop_index("ix_items_undelivered", table_name="items")
