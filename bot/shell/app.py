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
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.core.heartbeat import mark_stopped
from bot.shell.config import Settings
from bot.shell.timers import beat, start_timers
from bot.shell.wiring import (
    blobs_for,
    build_outbox,
    build_sender,
    build_services,
    public_files,
)
from bot.usecases.services import utc_now
from handlers import register
from handlers.common import WartaApp, WartaContext, Wired, attach, wired_of
from handlers.limiter import RetryAfterLimiter
from handlers.ordering import PerChatUpdateProcessor
from handlers.publishing import ChatListener
from handlers.start import set_default_menus
from publisher.prepare import AheadOfPublishing
from storage.blobs import LocalBlobStore
from storage.db import create_engine, upgrade_database_async

log = logging.getLogger(__name__)

# Chats handled side by side (each chat's own updates stay in order).
CONCURRENT_UPDATES = 8


def build_application(settings: Settings, clock: Callable[[], datetime] = utc_now) -> WartaApp:
    """Build warta's PTB application; ``clock`` lets tests move time."""
    engine = create_engine(settings.effective_database_url)
    blobs = blobs_for(settings)
    # One maker of public copies, for the outbox and the monthly archive alike.
    files = public_files(settings, blobs)
    services = build_services(settings, engine, clock, blobs, files)
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
        .post_init(partial(_post_init, settings))
        .post_shutdown(partial(_post_shutdown, engine))
        .build()
    )
    outbox = build_outbox(settings, app.bot, blobs, engine, files, clock)
    sender = build_sender(settings, engine, clock)
    attach(app, Wired(services, sender, outbox, AheadOfPublishing(files)))
    register(app)
    return app


async def _post_init(
    settings: Settings, app: Application[Any, WartaContext, Any, Any, Any, Any]
) -> None:
    wired = wired_of(app)
    services = wired.services
    services.settings.data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_database_async(settings.effective_database_url)
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
        # Every timer, in one table (bot/shell/timers.py).
        start_timers(app.job_queue)
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
            f"(valid {settings.invite_ttl_hours:g} h):\n"
            f"  https://t.me/{app.bot.username}?start={invite.token}\n",
            flush=True,
        )


async def _post_shutdown(
    engine: AsyncEngine, app: Application[Any, WartaContext, Any, Any, Any, Any]
) -> None:
    wired = wired_of(app)
    services = wired.services
    await asyncio.to_thread(mark_stopped, services.settings.data_dir)
    await wired.outbox.close()
    await engine.dispose()
