"""The composition root: the one place that builds and wires a running warta.

``build_application`` makes the PTB ``Application`` and hands its handlers, as one typed
value (:class:`handlers.common.Wired`), the services, the durable sender and the
publishing outbox; its lifecycle hooks upgrade the database, set the command menus and start
the background sweeps. Nothing here runs at import time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.core.heartbeat import HEARTBEAT_EVERY, HEARTBEAT_FILE, mark_stopped
from bot.core.i18n import Translator
from bot.core.standards import StepClock
from bot.office_calendar import office_calendar
from bot.services import Services, blobs_for, utc_now
from bot.usecases.chats import ChatService
from bot.usecases.drafts import DraftService
from bot.usecases.items import ItemService
from bot.usecases.people import PeopleService
from bot.usecases.remind import ReminderSweep
from bot.wiring_records import month_archives, month_reports
from handlers import register
from handlers.announce import SWEEP_JOB
from handlers.chain import (
    ARCHIVE_EVERY,
    ARCHIVE_JOB,
    CHAIN_EVERY,
    CHAIN_JOB,
    chain_sweep,
    month_archive,
)
from handlers.common import WartaApp, WartaContext, Wired, attach, wired_of
from handlers.deadlines import (
    REMINDER_JOB,
    REMINDER_SWEEP_EVERY,
    REMINDER_SWEEP_FIRST,
    reminder_sweep,
)
from handlers.intake import retry_downloads
from handlers.limiter import RetryAfterLimiter
from handlers.ordering import PerChatUpdateProcessor
from handlers.publishing import SWEEP_EVERY as PUBLISH_SWEEP_EVERY
from handlers.publishing import ChatListener, publish_sweep
from handlers.sender import Sender, pace_for
from handlers.sender import start as sender_start
from handlers.sender import sweep as delivery_sweep
from handlers.start import set_default_menus
from publisher.outbox import Outbox
from publisher.wiring import build_targets, public_files, retry_policy, target_names
from storage.blobs import LocalBlobStore
from storage.card_facts import read_card_facts
from storage.db import create_engine, make_sessions, upgrade_database_async
from storage.deliveries import Deliveries
from storage.outgoing import OutgoingStore
from storage.publications import PublicationStore

log = logging.getLogger(__name__)

# Chats handled side by side (each chat's own updates stay in order).
CONCURRENT_UPDATES = 8
# Background sweeps: failed downloads and interrupted hand-overs are retried this often.
SWEEP_EVERY = timedelta(minutes=1)


def build_services(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Services:
    engine = create_engine(settings.effective_database_url)
    sessions = make_sessions(engine)
    zone = ZoneInfo(settings.timezone)
    calendar = office_calendar(settings)
    steps = StepClock(settings.time_standards, calendar)
    blobs = blobs_for(settings)
    reports = month_reports(settings, sessions)
    services = Services(
        settings=settings,
        people=PeopleService(
            sessions,
            settings.admin_ids,
            timedelta(hours=settings.invite_ttl_hours),
            settings.default_language,
        ),
        items=ItemService(
            sessions,
            steps,
            settings.categories,
            publish_targets=target_names(settings),
        ),
        drafts=DraftService(sessions, steps, settings.code_prefix, zone),
        chats=ChatService(sessions),
        blobs=blobs,
        t=Translator(settings.default_language),
        zone=zone,
        engine=engine,
        sessions=sessions,
        clock=clock,
        reminders=ReminderSweep(
            sessions,
            calendar,
            supervisor=settings.supervisor_chat,
            any_hour=settings.remind_outside_hours,
        ),
        reports=reports,
        archives=month_archives(settings, sessions, blobs, reports),
    )
    return services


def build_application(settings: Settings, clock: Callable[[], datetime] = utc_now) -> WartaApp:
    """Build warta's PTB application; ``clock`` lets tests move time."""
    services = build_services(settings, clock)
    app: Application[Any, WartaContext, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        # A self-hosted server with --local answers getFile with a path on its own disk.
        .local_mode(settings.telegram_local_mode)
        .context_types(ContextTypes(context=WartaContext))
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        # A 429 makes only its own call wait; pacing per chat is the sender's (bot.core.pace).
        .rate_limiter(RetryAfterLimiter())
        .connect_timeout(10)
        .read_timeout(30)
        .write_timeout(120)  # uploads of videos on a slow uplink
        .get_updates_read_timeout(settings.poll_timeout + 10)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    assert services.engine is not None
    files = public_files(settings, services.blobs)
    outbox = Outbox(
        PublicationStore(make_sessions(services.engine)),
        build_targets(settings, app.bot, services.blobs, services.engine, files),
        retry_policy(settings),
        clock,
    )
    sessions = make_sessions(services.engine)
    sender = Sender(
        OutgoingStore(sessions),
        Deliveries(sessions),
        partial(read_card_facts, sessions),
        pace_for(settings.group_messages_per_minute),
        clock,
    )
    attach(app, Wired(services, sender, outbox, files))
    register(app)
    return app


async def _post_init(app: Application[Any, WartaContext, Any, Any, Any, Any]) -> None:
    wired = wired_of(app)
    services = wired.services
    services.settings.data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_database_async(services.settings.effective_database_url)
    if isinstance(services.blobs, LocalBlobStore):
        # Partial downloads a crash left behind; their media rows are retried anyway.
        await services.blobs.sweep_temp()
    context = WartaContext(app)
    recovered = await wired.sender.store.recover()
    if recovered:
        log.info("%d message(s) interrupted by the last stop will be sent again", recovered)
    try:
        await set_default_menus(context)
    except Exception:  # a menu is not worth refusing to start over
        log.warning("could not set the command menus", exc_info=True)
    if app.job_queue is not None:
        await beat(context)
        app.job_queue.run_repeating(
            beat, interval=HEARTBEAT_EVERY, first=HEARTBEAT_EVERY, name="heartbeat"
        )
        app.job_queue.run_repeating(
            retry_downloads, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="download-sweep"
        )
        # What waited while warta was down goes out first.
        app.job_queue.run_once(sender_start, 0, name="sender-start")
        app.job_queue.run_repeating(
            delivery_sweep, interval=SWEEP_EVERY, first=SWEEP_EVERY, name="delivery-sweep"
        )
        # The history's hash chain: new events chained, and the day's head posted.
        app.job_queue.run_repeating(chain_sweep, interval=CHAIN_EVERY, first=1, name=CHAIN_JOB)
        # Last month's archive, once, when the office opens after the month ends.
        app.job_queue.run_repeating(
            month_archive, interval=ARCHIVE_EVERY, first=ARCHIVE_EVERY, name=ARCHIVE_JOB
        )
        # Reminders and escalations owed while warta was down go out on the first run.
        app.job_queue.run_repeating(
            reminder_sweep,
            interval=REMINDER_SWEEP_EVERY,
            first=REMINDER_SWEEP_FIRST,
            name=REMINDER_JOB,
        )
        # Scheduled items that fell due while warta was down go out on the first run.
        app.job_queue.run_repeating(
            publish_sweep,
            interval=PUBLISH_SWEEP_EVERY,
            first=PUBLISH_SWEEP_EVERY,
            name=SWEEP_JOB,
        )
    wired.outbox.listener = ChatListener(context)
    if not wired.outbox.targets:
        log.warning(
            "no publishing target is enabled (WARTA_SITE_ENABLED=false and no WordPress, "
            "channel or webhook): published items will go nowhere"
        )
    log.info("warta is up as @%s", app.bot.username)
    if not await services.people.has_admin():
        invite = await services.people.bootstrap_invite(services.now())
        # Printed, not only logged: the operator starting a fresh install must see it.
        print(
            "\nNo admin yet. Open this one-time link in Telegram to become the first admin\n"
            f"(valid {services.settings.invite_ttl_hours:g} h):\n"
            f"  https://t.me/{app.bot.username}?start={invite.token}\n",
            flush=True,
        )


async def beat(context: WartaContext) -> None:
    """Job: touch the heartbeat file, so `warta health` can tell the loop is alive."""
    path = context.services.settings.data_dir / HEARTBEAT_FILE
    try:
        await asyncio.to_thread(path.write_text, context.services.now().isoformat() + "\n")
    except OSError as error:  # a full disk must not stop the bot; doctor will show it
        log.warning("cannot write the heartbeat file %s: %s", path, error.strerror or error)


async def _post_shutdown(app: Application[Any, WartaContext, Any, Any, Any, Any]) -> None:
    wired = wired_of(app)
    services = wired.services
    await asyncio.to_thread(mark_stopped, services.settings.data_dir)
    await wired.outbox.close()
    if services.engine is not None:
        await services.engine.dispose()
