"""Updates of different chats are handled side by side; one chat's updates in order.

Handled strictly one at a time, an officer's 20 MB video download would hold up every
other person's tap until Telegram gives up waiting for its answer. Handled fully in
parallel, the ten updates of one album could race to open two drafts. Keying on the
chat gives both: an album (one private chat) and a burst of taps in one group stay in
order, while different chats do not wait for each other. Two chats acting on the same
item at once are still safe: every move checks the item's version in the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @staticmethod
    def _key(update: object) -> int:
        if isinstance(update, Update):
            if update.effective_chat is not None:
                return update.effective_chat.id
            if update.effective_user is not None:
                return update.effective_user.id
        return 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock is fair: first come, first served
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                # Forget idle chats so the table does not grow with every chat ever seen.
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
