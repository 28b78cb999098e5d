"""Files refused at intake, and why.

Revision ID: 0010_refused_media
Revises: 0009_absences
Create Date: 2026-12-07 06:50:00

``media.refused``: the reason (a catalog key, e.g. ``intake.refused.corrupt``) a received
file was not taken into its item: its content is not a kind warta publishes, is empty,
cut off, a decompression bomb, not what its name says, or the same as a file the item
has. A refused file is dropped from its item and is not downloaded again; the row stays
for the record.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_refused_media"
down_revision: str | Sequence[str] | None = "0009_absences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(sa.Column("refused", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("refused")
