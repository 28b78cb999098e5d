"""The conditions of the sweeps' look-ups, as literal SQL shared with their indexes.

SQLite's planner uses a partial index only when the query states the index's condition
(as written, not as bound parameters); the models' indexes and the queries both take
their conditions from here, so they cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

# Items whose hand-over (the delivery of their current state) has not gone.
UNDELIVERED = "delivered_state IS NULL OR delivered_state <> state"
# Published or taken-down items whose people were not yet told where it went.
NOTICE_OWED = (
    "COALESCE(publication_notice, '') <> CASE state WHEN 'published' THEN 'published'"
    " WHEN 'unpublished' THEN 'removed' ELSE COALESCE(publication_notice, '') END"
)
# Step visits still owed their reminder, their escalation.
NOT_REMINDED = "step_reminded_at IS NULL"
NOT_ESCALATED = "step_escalated_at IS NULL"


def condition(sql: str) -> TextClause:
    """One of the conditions above, for a query on its own table."""
    return text(f"({sql})")
