"""Telegram's 429 answers, waited out by the one call that got them.

PTB's ``AIORateLimiter`` stops *every* call of the bot while one chat's ``retry_after``
runs, so one busy group made every officer wait. Pacing is the sender's job
(``bot.core.pace``, per chat); this limiter only retries a call that was refused with 429,
after the time Telegram asked for, a few times, and lets every other call go at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

MAX_RETRIES = 3


class RetryAfterLimiter(BaseRateLimiter[int]):
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        retries = MAX_RETRIES if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= retries:
                    raise
                attempt += 1
                wait = error.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                log.info(
                    "Telegram asked to wait %.0f s before %s to chat %s",
                    seconds,
                    endpoint,
                    data.get("chat_id"),
                )
                await asyncio.sleep(seconds + 0.1)
