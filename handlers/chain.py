"""The timer that keeps the history's hash chain (:mod:`bot.usecases.chain`): every
minute it chains the new events; once a day it posts the chain's head to the log group,
where a rewrite of the database cannot reach it."""

from __future__ import annotations

import logging

from bot.outgoing import Kind, Message
from bot.purposes import Purpose
from bot.usecases.chain import keep_chain
from handlers.common import WartaContext
from storage.audit import ChainStore

log = logging.getLogger(__name__)

CHAIN_JOB = "chain-sweep"
CHAIN_EVERY = 60  # seconds


async def chain_sweep(context: WartaContext) -> None:
    services = context.services
    assert services.engine is not None
    anchor = await keep_chain(
        ChainStore(services.engine),
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
