"""This installation's identity: a random id made once, kept with the data.

Revision ID: 0004_installation
Revises: 0003_publishing
Create Date: 2026-12-02 10:00:00

``installation`` holds one row: ``id``, 32 random hex digits made when this revision
runs. It lives in the database, so a restored backup keeps it and a fresh (or reset)
database gets a new one. Publishing targets mark what this installation created with it
(WordPress post and upload slugs end in its first 8 digits), so a look-up after a lost
answer never finds, and never takes over, another installation's post.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_installation"
down_revision: str | Sequence[str] | None = "0003_publishing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    installation = op.create_table(
        "installation",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_installation"),
    )
    op.bulk_insert(installation, [{"id": secrets.token_hex(16)}])


def downgrade() -> None:
    op.drop_table("installation")
