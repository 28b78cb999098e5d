"""Officials away, and who acts for them (Plt/Plh).

Revision ID: 0009_absences
Revises: 0008_sweep_indexes
Create Date: 2026-12-07 04:20:00

``absences``: an official away from ``starts_on`` to ``ends_on`` (office days, both
included), why, and the deputy who acts for them meanwhile (none: nobody). A cancelled
absence keeps its row (``cancelled_at``) for the record. ``events`` gain whom a move was
made for: a deputy's approval reads "disetujui oleh X sebagai Plh Y".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_absences"
down_revision: str | Sequence[str] | None = "0008_sweep_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def UTCDateTime() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.BigInteger(), nullable=False),
        sa.Column("deputy_id", sa.BigInteger(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["official_id"], ["people.id"], name="fk_absences_official_id_people"
        ),
        sa.ForeignKeyConstraint(["deputy_id"], ["people.id"], name="fk_absences_deputy_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_absences"),
    )
    op.create_index("ix_absences_official_id", "absences", ["official_id"])
    op.create_index("ix_absences_deputy_id", "absences", ["deputy_id"])
    op.create_index("ix_absences_ends_on", "absences", ["ends_on"])
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("acting_for_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("acting_for_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("acting_for_name")
        batch.drop_column("acting_for_id")
    op.drop_index("ix_absences_ends_on", table_name="absences")
    op.drop_index("ix_absences_deputy_id", table_name="absences")
    op.drop_index("ix_absences_official_id", table_name="absences")
    op.drop_table("absences")
