"""The time standards' sweep: the morning digest, and every step visit owed a reminder
or an escalation, each once.

Each visit is marked and its messages written in one unit of work (``storage.reminders``
marks it only if nobody did and the item has not moved on), so a crash, a restart or two
sweeps at once never send one twice, and a Telegram failure is the sender's to retry.
Outside office hours nothing is written: what falls due waits for the next opening.

The morning digest goes to each team group at the first sweep of a working day while
the office is open; the day is marked with its messages, so it goes once per day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.core.outgoing import Kind, Message
from bot.core.reminders import Absent, reminder_messages
from bot.core.workflow import State
from bot.core.working_time import OfficeCalendar
from bot.ports.reminders import Owed, ReminderWork
from bot.ports.units import Conflict, Units

log = logging.getLogger("warta.reminders")

DIGEST = "digest"


@dataclass(frozen=True)
class Reminded:
    """What the sweep wrote: the visits, and the chats that got rows (to wake)."""

    visits: tuple[Owed, ...] = ()
    chats: tuple[int, ...] = ()


class ReminderSweep:
    """:func:`send_reminders` with the office's settings, for the job that runs it."""

    def __init__(
        self,
        units: Units[ReminderWork],
        calendar: OfficeCalendar,
        *,
        supervisor: int | None = None,
        any_hour: bool = False,
    ) -> None:
        self._units = units
        self._calendar = calendar
        self._supervisor = supervisor
        self._any_hour = any_hour

    async def __call__(self, now: datetime) -> Reminded:
        digest = await send_digest(self._units, self._calendar, now)
        reminded = await send_reminders(
            self._units,
            self._calendar,
            now,
            supervisor=self._supervisor,
            any_hour=self._any_hour,
        )
        chats = tuple(dict.fromkeys((*digest, *reminded.chats)))
        return Reminded(reminded.visits, chats)


async def send_digest(
    units: Units[ReminderWork], calendar: OfficeCalendar, now: datetime
) -> tuple[int, ...]:
    """The day's digest rows for every team group, once per working day, at the first
    sweep while the office is open; returns the chats written to."""
    if not calendar.is_open(now):
        return ()
    day = calendar.local(now).date()
    try:
        async with units() as work:
            if await work.done_on(DIGEST, day):
                return ()
            chats = list(await work.team_chats())
            work.mark_done(DIGEST, day, now)
            params = {"day": day.isoformat()}
            await work.send([Message(chat, Kind.DIGEST, params=params) for chat in chats], now)
    except Conflict:
        return ()  # another sweep wrote today's digest first
    log.info("digest day=%s chats=%d", day.isoformat(), len(chats))
    return tuple(chats)


async def send_reminders(
    units: Units[ReminderWork],
    calendar: OfficeCalendar,
    now: datetime,
    *,
    supervisor: int | None = None,
    any_hour: bool = False,
) -> Reminded:
    """Write the reminders and escalations owed at ``now``."""
    if not any_hour and not calendar.is_open(now):
        return Reminded()
    async with units.read() as work:
        visits = await work.owed(now)
        # Read once a sweep: who acts for an official away today.
        absent = Absent.of(await work.away_on(calendar.local(now).date())) if visits else Absent()
    done: list[Owed] = []
    chats: dict[int, None] = {}
    for visit in visits:
        async with units() as work:
            if not await work.mark_sent(visit, now):
                continue
            reach = await work.reach_for(visit.item_id, visit.officer_id)
            messages = reminder_messages(
                visit.item_id, State(visit.state), visit.stage, reach, supervisor, absent
            )
            await work.send(messages, now)
        done.append(visit)
        chats.update(dict.fromkeys(m.chat_id for m in messages))
        log.info(
            "%s item=%s state=%s chats=%d",
            visit.stage.value,
            visit.item_id,
            visit.state,
            len(messages),
        )
    return Reminded(tuple(done), tuple(chats))
