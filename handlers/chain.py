"""The supervision record's timers. Every minute the history's hash chain
(:mod:`bot.usecases.chain`) takes in the new events, and once a day its head goes to
the log group, where a rewrite of the database cannot reach it. After a month ends, its
archive (:mod:`bot.usecases.archive`) is written once and the log group told."""

from __future__ import annotations

import logging

from bot.core.outgoing import Kind, Message
from bot.core.purposes import Purpose
from bot.ports.blobs import BlobStoreError
from bot.usecases.archive import archive_due
from bot.usecases.chain import keep_chain
from handlers.common import WartaContext

log = logging.getLogger(__name__)

CHAIN_JOB = "chain-sweep"
CHAIN_EVERY = 60  # seconds
ARCHIVE_JOB = "month-archive"
ARCHIVE_EVERY = 15 * 60  # seconds


async def chain_sweep(context: WartaContext) -> None:
    services = context.services
    if services.chain is None:
        return
    anchor = await keep_chain(
        services.chain,
        services.settings.data_dir / "audit" / "chain-heads.txt",
        services.now(),
        services.zone,
    )
    if anchor is None:
        return
    log.info("audit chain head day=%s count=%d hash=%s", anchor.day, anchor.count, anchor.hash)
    chat_id = await services.chats.chat_for(Purpose.LOG)
    if chat_id is None:
        return
    params = {"day": anchor.day, "count": str(anchor.count), "hash": anchor.hash}
    notice = Message(chat_id, Kind.NOTICE, None, key="audit.head", params=params)
    await context.sender.store.enqueue([notice], services.now())
    context.sender.wake(context, [chat_id])


async def month_archive(context: WartaContext) -> None:
    services = context.services
    archives = services.archives
    if archives is None:
        return
    now = services.now()
    month = archive_due(archives, services.steps.calendar, now)
    if month is None:
        return
    if not await archives.recorded_before_end(month):
        return  # the month before warta was installed
    try:
        written = await archives.write(month, now)
    except (OSError, BlobStoreError) as error:
        archives.failed(month, now)
        log.warning("month archive %s not written: %s; tried again in an hour", month, error)
        await _tell_log_group(
            context, "archive.failed", {"month": str(month), "error": str(error)[:300]}
        )
        return
    log.info(
        "month archive month=%s items=%d files=%d bytes=%d path=%s",
        month,
        written.items,
        written.files,
        written.size,
        written.path,
    )
    params = {
        "month": str(month),
        "items": str(written.items),
        "files": str(written.files),
        "size": f"{written.size / 1024 / 1024:.1f}",
        "file": written.path.name,
    }
    await _tell_log_group(context, "archive.written", params)


async def _tell_log_group(context: WartaContext, key: str, params: dict[str, str]) -> None:
    services = context.services
    chat_id = await services.chats.chat_for(Purpose.LOG)
    if chat_id is None:
        return
    notice = Message(chat_id, Kind.NOTICE, None, key=key, params=params)
    await context.sender.store.enqueue([notice], services.now())
    context.sender.wake(context, [chat_id])
