"""The jobs of the SOP's time standards: the reminder and escalation sweep."""

from __future__ import annotations

from handlers.common import WartaContext

# How often the sweep looks (working-time deadlines are to the minute); the first look
# soon after start, for what fell due while warta was down.
REMINDER_SWEEP_EVERY = 60.0
REMINDER_SWEEP_FIRST = 5.0
REMINDER_JOB = "reminder-sweep"


async def reminder_sweep(context: WartaContext) -> None:
    """Job: write the reminders and escalations owed now; the sender sends them."""
    services = context.services
    if services.reminders is None:
        return
    reminded = await services.reminders(services.now())
    if reminded.chats:
        context.sender.wake(context, reminded.chats)
