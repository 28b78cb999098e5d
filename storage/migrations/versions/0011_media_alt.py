"""A photo's description for readers who cannot see it.

Revision ID: 0011_media_alt
Revises: 0010_refused_media
Create Date: 2026-12-07 12:20:00

``media.alt``: the text an editor typed to describe a photo (the website's and
WordPress's alt text). Empty means the default, made from the item's title and the
photo's number when it is published.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_media_alt"
down_revision: str | Sequence[str] | None = "0010_refused_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(sa.Column("alt", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("alt")
