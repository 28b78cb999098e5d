"""Everything warta does on a timer, in one table: what runs, how often, and why.

Each job's work lives with its subject (a sweep in ``handlers``, its rules in the core
and the use cases); only the schedule is here, so "what runs every minute" has one
answer. Jobs that catch up after a stop (reminders owed, scheduled posts due) start
soon after start-up; the others wait one period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from bot.core.heartbeat import HEARTBEAT_EVERY, HEARTBEAT_FILE
from handlers.announce import SWEEP_JOB as PUBLISH_JOB
from handlers.chain import (
    ARCHIVE_EVERY,
    ARCHIVE_JOB,
    CHAIN_EVERY,
    CHAIN_JOB,
    chain_sweep,
    month_archive,
)
from handlers.common import WartaContext
from handlers.deadlines import (
    REMINDER_JOB,
    REMINDER_SWEEP_EVERY,
    REMINDER_SWEEP_FIRST,
    reminder_sweep,
)
from handlers.intake import retry_downloads
from handlers.publishing import SWEEP_EVERY as PUBLISH_EVERY
from handlers.publishing import publish_sweep
from handlers.sender import start as sender_start
from handlers.sender import sweep as delivery_sweep

log = logging.getLogger(__name__)

# Failed downloads and interrupted hand-overs are tried again this often.
SWEEP_EVERY = timedelta(minutes=1)

Job = Callable[[WartaContext], Coroutine[Any, Any, None]]
Seconds = float | timedelta


async def beat(context: WartaContext) -> None:
    """Touch the heartbeat file, so `warta health` can tell the loop is alive."""
    path = context.services.settings.data_dir / HEARTBEAT_FILE
    try:
        await asyncio.to_thread(path.write_text, context.services.now().isoformat() + "\n")
    except OSError as error:  # a full disk must not stop the bot; doctor will show it
        log.warning("cannot write the heartbeat file %s: %s", path, error.strerror or error)


@dataclass(frozen=True)
class Timer:
    name: str
    job: Job
    every: Seconds | None  # None: once, at start-up
    first: Seconds
    why: str


TIMERS: tuple[Timer, ...] = (
    Timer("heartbeat", beat, HEARTBEAT_EVERY, HEARTBEAT_EVERY, "proof of life for warta health"),
    Timer("sender-start", sender_start, None, 0, "what waited while warta was down goes first"),
    Timer(
        "delivery-sweep",
        delivery_sweep,
        SWEEP_EVERY,
        SWEEP_EVERY,
        "failed messages tried again, hand-overs that found nobody, a day's failures given up",
    ),
    Timer("download-sweep", retry_downloads, SWEEP_EVERY, SWEEP_EVERY, "originals not yet fetched"),
    Timer(
        REMINDER_JOB,
        reminder_sweep,
        REMINDER_SWEEP_EVERY,
        REMINDER_SWEEP_FIRST,
        "the morning digest, and each step's reminder and escalation (working time)",
    ),
    Timer(
        PUBLISH_JOB,
        publish_sweep,
        PUBLISH_EVERY,
        PUBLISH_EVERY,
        "scheduled items that fell due, and the outbox's retries on each target",
    ),
    Timer(CHAIN_JOB, chain_sweep, CHAIN_EVERY, 1, "new events chained; the day's head posted"),
    Timer(
        ARCHIVE_JOB,
        month_archive,
        ARCHIVE_EVERY,
        ARCHIVE_EVERY,
        "last month's archive, once, when the office opens after the month ends",
    ),
)


def start_timers(job_queue: JobQueue[Any]) -> None:
    for timer in TIMERS:
        if timer.every is None:
            job_queue.run_once(timer.job, timer.first, name=timer.name)
        else:
            job_queue.run_repeating(
                timer.job, interval=timer.every, first=timer.first, name=timer.name
            )
