"""Scheduled publishing: every approved item whose time has come goes out, each in a move
of its own made by the scheduler (with auto-publish, every approved item not scheduled
for later). The caller announces the outcomes and drives the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from bot.core.workflow import Action, WorkflowError
from bot.usecases.items import ItemService
from bot.usecases.moves import Outcome, StaleItem


async def publish_due(items: ItemService, now: datetime, auto: bool) -> AsyncIterator[Outcome]:
    """Each publication made, as it is made (so it can be announced at once)."""
    for item_id, scheduled in await items.due_for_publishing(now, auto):
        note = "scheduled" if scheduled else "auto"
        try:
            yield await items.act(item_id, None, None, Action.PUBLISH, now, note=note)
        except (WorkflowError, StaleItem):
            # Someone acted on it at the same moment (held it, published it): fine.
            continue
