"""What waits for a viewer: one read, the queue decided by the core (``bot.core.queue``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.queue import Step, Viewer, build_queue
from bot.core.standards import StepClock
from bot.core.workflow import Role, State
from bot.ports.queue import QueueWork
from bot.ports.units import Units


async def queue_for(
    units: Units[QueueWork], clock: StepClock, viewer: Viewer, now: datetime
) -> list[Step]:
    async with units.read() as work:
        if (
            not viewer.in_group
            and viewer.person_id is not None
            and Role.OFFICIAL not in viewer.roles
        ):
            # A deputy of an official away today sees the officials' step too.
            day = clock.calendar.local(now).date()
            if await work.deputising(viewer.person_id, day) is not None:
                viewer = replace(viewer, roles=viewer.roles | {Role.OFFICIAL})
        steps = viewer.steps
        # An officer alone (no team role, nothing to oversee) reads only their own drafts.
        own = not viewer.in_group and steps == (State.COLLECTING,) and Role.OFFICER in viewer.roles
        waiting = await work.waiting(steps, viewer.person_id if own else None)
    return build_queue(waiting, viewer, now, clock)
