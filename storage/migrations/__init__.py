"""Alembic migrations (versions/: one file per schema change)."""
